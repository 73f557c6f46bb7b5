//! The OAuth callback a user pastes: a bare code or the whole URL the browser landed on.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wwdev_core::callback::{CODE_MAX_BYTES, parse_callback};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(cb) = parse_callback(s) {
        assert!(!cb.code.is_empty() && cb.code.len() <= CODE_MAX_BYTES, "{cb:?}");
        // A code that reads as a bare code parses again to itself. (One that holds `?`
        // or `code=` reads as a URL again: WeCom codes never do.)
        let bare = !(cb.code.contains("://") || cb.code.contains('?') || cb.code.contains("code="));
        if bare {
            let again = parse_callback(&cb.code).expect("an accepted code is accepted again");
            assert_eq!(again.code, cb.code.trim());
        }
    }
});
