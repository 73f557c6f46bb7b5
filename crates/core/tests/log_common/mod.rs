//! Shared helpers for the request log tests.
#![allow(dead_code)]

use wwdev_core::record::RequestRecord;

pub const BASE_MS: i64 = 1_700_000_000_000;

/// A plausible, already redacted record; `i` varies endpoint, profile and outcome.
pub fn rec(i: usize) -> RequestRecord {
    let (path, errcode, body): (&str, i64, Option<String>) = match i % 4 {
        0 => ("/cgi-bin/gettoken", 0, None),
        1 => ("/cgi-bin/user/get", 60111, None),
        2 => (
            "/cgi-bin/user/create",
            0,
            Some(format!(r#"{{"userid":"u{i}","name":"张三{i}"}}"#)),
        ),
        _ => ("/cgi-bin/ticket/get", 40014, None),
    };
    RequestRecord {
        id: None,
        time_ms: BASE_MS + i as i64 * 1000,
        profile: if i.is_multiple_of(2) {
            "dev".into()
        } else {
            "prod".into()
        },
        feature: "console".into(),
        base_url: "https://qyapi.weixin.qq.com".into(),
        method: if body.is_some() {
            "POST".into()
        } else {
            "GET".into()
        },
        path: path.into(),
        query: vec![
            ("access_token".into(), "abcd***(64)".into()),
            ("userid".into(), format!("u{i}")),
        ],
        request_body: body,
        status: Some(200),
        errcode: Some(errcode),
        errmsg: Some(if errcode == 0 {
            "ok".into()
        } else {
            format!("error {errcode}, hint: [h{i}]")
        }),
        latency_ms: 10 + i as u64 % 90,
        response_headers: vec![(
            "Content-Type".into(),
            "application/json; charset=UTF-8".into(),
        )],
        response_body: Some(format!(
            r#"{{"errcode":{errcode},"errmsg":"ok","name":"李四{i}"}}"#
        )),
        error: None,
    }
}
