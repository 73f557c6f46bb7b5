//! Profile import (a file the user picks): an export object or a bare array. What
//! imports exports and imports again to the same profiles.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wwdev_core::profile::{export_profiles, import_profiles};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(profiles) = import_profiles(s) {
        let again = import_profiles(&export_profiles(&profiles)).expect("an export imports");
        assert_eq!(again, profiles);
    }
});
