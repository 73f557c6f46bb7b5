//! No secret ever reaches disk: a sloppy caller hands the store records whose
//! fields hold raw secrets; the database file, its WAL and every export are
//! scanned byte by byte for them.

mod log_common;

use std::path::Path;

use log_common::rec;
use wwdev_core::log::{LogFilter, LogStore, Page, Retention, to_curl};
use wwdev_core::record::{RequestRecord, RequestSink};

const SECRETS: &[&str] = &[
    "TOKEN-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1",
    "CORPSECRET-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2",
    "JSAPITICKET-cccccccccccccccccccccccccccccccccccc3",
    "USERTICKET-dddddddddddddddddddddddddddddddddddd4",
    "OAUTHCODE-eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee5",
    "SESSIONCOOKIE-ffffffffffffffffffffffffffffffffff6",
    "SIGNATURE-99999999999999999999999999999999999999",
    "4444444444444444777",
];

fn sloppy_records() -> Vec<RequestRecord> {
    let [
        token,
        corpsecret,
        ticket,
        user_ticket,
        code,
        cookie,
        signature,
        numeric,
    ] = SECRETS
    else {
        unreachable!()
    };
    let mut gettoken = rec(0);
    gettoken.query = vec![
        ("corpid".into(), "ww123".into()),
        ("corpsecret".into(), corpsecret.to_string()),
    ];
    gettoken.response_body = Some(format!(
        r#"{{"errcode":0,"errmsg":"ok","access_token":"{token}","expires_in":7200}}"#
    ));

    let mut ticket_rec = rec(3);
    ticket_rec.query = vec![
        ("ACCESS_TOKEN".into(), token.to_string()),
        ("type".into(), "agent_config".into()),
    ];
    ticket_rec.response_body = Some(format!(
        r#"{{"errcode":0,"ticket":"{ticket}","expires_in":7200}}"#
    ));

    let mut detail = rec(2);
    detail.path = format!("/cgi-bin/auth/getuserdetail?access_token={token}");
    detail.request_body = Some(format!(
        r#"{{"user_ticket":"{user_ticket}","nested":[{{"code":{numeric}}}],"sig":{{"signature":"{signature}"}}}}"#
    ));
    detail.response_body = Some(format!(
        r#"{{"errcode":0,"redirect":"https://h5.example.com/cb?code={code}&state=s","note":"see access_token={token}"}}"#
    ));
    detail.response_headers = vec![
        ("Set-Cookie".into(), format!("wwsid={cookie}; Path=/")),
        (
            "Location".into(),
            format!("https://h5.example.com/cb?code={code}&state=s"),
        ),
        ("Content-Type".into(), "application/json".into()),
    ];

    let mut failed = rec(1);
    failed.base_url = format!("https://proxy.example.com/?access_token={token}");
    failed.status = None;
    failed.response_body = None;
    failed.errmsg = Some(format!("invalid code, hint: code={code}"));
    failed.error = Some(format!(
        "error sending request for url (https://qyapi.weixin.qq.com/cgi-bin/user/get?access_token={token}&userid=zhangsan)"
    ));

    let mut form = rec(1);
    form.request_body = Some(format!(
        "corpsecret={corpsecret}&jsapi_ticket={ticket}&noncestr=abc"
    ));
    form.response_body = Some(format!(
        "<html><a href=\"/x?code={code}\">continue</a> ticket={ticket}</html>"
    ));
    vec![gettoken, ticket_rec, detail, failed, form]
}

/// Every secret, and a long tail of it (a mask keeps at most 4 leading characters).
fn needles() -> Vec<String> {
    SECRETS
        .iter()
        .flat_map(|s| [s.to_string(), s[s.len() - 12..].to_string()])
        .collect()
}

fn assert_clean(what: &str, bytes: &[u8]) {
    // Needles are ASCII, so lossy decoding cannot hide one; str search is fast.
    let haystack = String::from_utf8_lossy(bytes);
    for needle in needles() {
        let found = haystack.contains(&needle);
        assert!(!found, "{what} contains secret {needle:?}");
    }
}

fn assert_file_clean(path: &Path) {
    if let Ok(bytes) = std::fs::read(path) {
        assert_clean(&path.display().to_string(), &bytes);
    }
}

#[test]
fn no_secret_reaches_the_database_wal_or_exports() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("requests.sqlite3");
    let wal = dir.path().join("requests.sqlite3-wal");
    let (store, _) = LogStore::open(&db, Retention::UNLIMITED).unwrap();
    // Padding so the sloppy records are not alone in the pages.
    for i in 0..50 {
        store.insert(&rec(i)).unwrap();
    }
    let sloppy = sloppy_records();
    for r in &sloppy {
        store.insert(r).unwrap();
        store.record(r.clone()); // via the sink as the client would
    }

    // While open the new pages sit in the WAL: it must exist and be clean.
    let wal_bytes = std::fs::read(&wal).expect("WAL file exists while the store is open");
    assert!(!wal_bytes.is_empty());
    assert_clean("WAL", &wal_bytes);
    assert_file_clean(&db);

    // Everything the UI and the exports can show.
    let all = LogFilter::default();
    for s in store.query(&all, Page::first(1000)).unwrap() {
        assert_clean("summary", format!("{s:?}").as_bytes());
        let full = store.get(s.id).unwrap().unwrap();
        assert_clean("detail", serde_json::to_string(&full).unwrap().as_bytes());
        assert_clean("detail debug", format!("{full:?}").as_bytes());
        assert_clean("copy as curl", to_curl(&full).as_bytes());
    }
    for r in &sloppy {
        assert_clean("to_curl of a raw record", to_curl(r).as_bytes());
    }
    let mut buf = Vec::new();
    store.export_json(&all, &mut buf).unwrap();
    assert_clean("JSON export", &buf);
    buf.clear();
    store.export_har(&all, &mut buf).unwrap();
    assert_clean("HAR export", &buf);
    buf.clear();
    store.export_curl(&all, &mut buf).unwrap();
    assert_clean("curl export", &buf);

    // Searching for a secret finds nothing (it is not in the index either).
    for s in SECRETS {
        let f = LogFilter {
            text: Some(s.to_string()),
            ..Default::default()
        };
        assert_eq!(store.count(&f).unwrap(), 0, "{s}");
    }

    // The redaction kept a prefix so entries can be told apart.
    let stored = store.get(51).unwrap().unwrap();
    assert_eq!(stored.query[1].0, "corpsecret");
    assert!(
        stored.query[1].1.starts_with("CORP") && stored.query[1].1.contains("***"),
        "{:?}",
        stored.query
    );

    // After closing, the WAL is checkpointed into the main file: scan again.
    drop(store);
    assert!(
        !wal.exists(),
        "closing the store checkpoints and removes the WAL"
    );
    let db_bytes = std::fs::read(&db).unwrap();
    assert_clean("database after checkpoint", &db_bytes);
    // The scan covered the entries: they live in this one file now.
    let raw =
        rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let n: i64 = raw
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 60);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        assert_file_clean(&entry.unwrap().path());
    }
}
