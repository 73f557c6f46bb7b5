//! The link explainer (`wwdev explain-url`, the app's OAuth tab). First line: trusted
//! domains separated by commas; the rest: the link.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wwdev_core::oauth::explain_url;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (domains, link) = s.split_once('\n').unwrap_or(("", s));
    let trusted: Vec<String> = domains.split(',').map(str::to_owned).collect();
    let e = explain_url(link, &trusted);
    let _ = e.has_errors();
    serde_json::to_string(&e).expect("an explanation always serialises");
});
