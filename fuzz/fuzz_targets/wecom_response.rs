//! What WeCom (or anything at the base URL: a proxy, a captive portal) answers: the
//! status from the first two bytes, the body from the rest, decoded the way every typed
//! call decodes it, then redacted for the log.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wwdev_core::client::{
    ExternalContactResponse, LegacyUserInfo, RawResponse, TicketResponse, TokenResponse, User, UserDetail, decode_as,
    decode_userinfo,
};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = 100 + u16::from_le_bytes([data[0], data[1]]) % 500;
    let body = String::from_utf8_lossy(&data[2..]).into_owned();
    let raw = RawResponse::from_http(status, vec![("content-type".into(), "application/json".into())], body, 1);
    let url = "https://qyapi.weixin.qq.com/cgi-bin/x";
    if let Err(e) = raw.check(url) {
        let _ = (e.to_ui(), e.to_string(), e.exit_code());
    }
    let _ = decode_as::<TokenResponse>(url, raw.clone());
    let _ = decode_as::<TicketResponse>(url, raw.clone());
    let _ = decode_as::<User>(url, raw.clone());
    let _ = decode_as::<UserDetail>(url, raw.clone());
    let _ = decode_as::<LegacyUserInfo>(url, raw.clone());
    let _ = decode_as::<ExternalContactResponse>(url, raw.clone());
    let _ = decode_userinfo(url, raw.clone());
    let shown = raw.redacted();
    assert_eq!(shown.status, raw.status);
});
