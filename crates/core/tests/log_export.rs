//! Exports: JSON round trip, HAR 1.2 structure, and a curl script that a real
//! `sh` runs with the intended arguments.

mod log_common;

use std::process::Command;

use log_common::rec;
use serde_json::Value;
use wwdev_core::log::{ErrcodeFilter, LogFilter, LogStore, Retention, to_curl};
use wwdev_core::record::RequestRecord;

fn store() -> (tempfile::TempDir, LogStore) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) =
        LogStore::open(&dir.path().join("requests.sqlite3"), Retention::UNLIMITED).unwrap();
    for i in 0..12 {
        store.insert(&rec(i)).unwrap();
    }
    let mut timeout = rec(12);
    timeout.status = None;
    timeout.errcode = None;
    timeout.errmsg = None;
    timeout.response_body = None;
    timeout.response_headers.clear();
    timeout.error = Some("operation timed out".into());
    store.insert(&timeout).unwrap();
    (dir, store)
}

#[test]
fn json_export_round_trips_the_filtered_set() {
    let (_d, store) = store();
    let filter = LogFilter {
        errcode: ErrcodeFilter::AnyError,
        ..Default::default()
    };
    let mut buf = Vec::new();
    let n = store.export_json(&filter, &mut buf).unwrap();
    let records: Vec<RequestRecord> = serde_json::from_slice(&buf).unwrap();
    assert_eq!(n as usize, records.len());
    assert_eq!(n, store.count(&filter).unwrap());
    let ids: Vec<i64> = records.iter().map(|r| r.id.unwrap()).collect();
    assert_eq!(ids, vec![2, 4, 6, 8, 10, 12, 13], "oldest first");
    for r in &records {
        assert_eq!(Some(r), store.get(r.id.unwrap()).unwrap().as_ref());
    }
    // An empty selection is still valid JSON.
    let mut buf = Vec::new();
    let none = LogFilter {
        profile: Some("nobody".into()),
        ..Default::default()
    };
    assert_eq!(store.export_json(&none, &mut buf).unwrap(), 0);
    assert_eq!(
        serde_json::from_slice::<Vec<RequestRecord>>(&buf).unwrap(),
        vec![]
    );
}

fn obj<'a>(v: &'a Value, ctx: &str) -> &'a serde_json::Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{ctx} must be an object: {v}"))
}

fn has<'a>(v: &'a Value, key: &str, ctx: &str) -> &'a Value {
    obj(v, ctx)
        .get(key)
        .unwrap_or_else(|| panic!("{ctx}.{key} is required: {v}"))
}

fn string(v: &Value, key: &str, ctx: &str) -> String {
    has(v, key, ctx)
        .as_str()
        .unwrap_or_else(|| panic!("{ctx}.{key} must be a string"))
        .to_owned()
}

fn number(v: &Value, key: &str, ctx: &str) -> f64 {
    has(v, key, ctx)
        .as_f64()
        .unwrap_or_else(|| panic!("{ctx}.{key} must be a number"))
}

fn array<'a>(v: &'a Value, key: &str, ctx: &str) -> &'a Vec<Value> {
    has(v, key, ctx)
        .as_array()
        .unwrap_or_else(|| panic!("{ctx}.{key} must be an array"))
}

fn name_values(v: &Value, key: &str, ctx: &str) -> Vec<(String, String)> {
    array(v, key, ctx)
        .iter()
        .map(|nv| (string(nv, "name", key), string(nv, "value", key)))
        .collect()
}

/// The required fields and types of HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/).
fn check_har(doc: &Value) -> usize {
    let log = has(doc, "log", "root");
    assert_eq!(string(log, "version", "log"), "1.2");
    let creator = has(log, "creator", "log");
    string(creator, "name", "creator");
    string(creator, "version", "creator");
    let entries = array(log, "entries", "log");
    for e in entries {
        let started = string(e, "startedDateTime", "entry");
        time::OffsetDateTime::parse(
            &started,
            &time::format_description::well_known::Iso8601::DEFAULT,
        )
        .unwrap_or_else(|err| panic!("startedDateTime {started:?} is not ISO 8601: {err}"));
        let total = number(e, "time", "entry");
        assert!(total >= 0.0);

        let req = has(e, "request", "entry");
        string(req, "method", "request");
        let url = string(req, "url", "request");
        url::Url::parse(&url).unwrap_or_else(|err| panic!("request.url {url:?}: {err}"));
        string(req, "httpVersion", "request");
        array(req, "cookies", "request");
        name_values(req, "headers", "request");
        let qs = name_values(req, "queryString", "request");
        let parsed: Vec<(String, String)> = url::Url::parse(&url)
            .unwrap()
            .query_pairs()
            .into_owned()
            .collect();
        assert_eq!(qs, parsed, "queryString matches the URL");
        assert_eq!(number(req, "headersSize", "request"), -1.0);
        number(req, "bodySize", "request");
        if let Some(pd) = obj(req, "request").get("postData") {
            string(pd, "mimeType", "postData");
            string(pd, "text", "postData");
            assert_eq!(
                number(req, "bodySize", "request") as usize,
                string(pd, "text", "postData").len()
            );
        }

        let resp = has(e, "response", "entry");
        let status = number(resp, "status", "response");
        string(resp, "statusText", "response");
        string(resp, "httpVersion", "response");
        array(resp, "cookies", "response");
        name_values(resp, "headers", "response");
        let content = has(resp, "content", "response");
        let size = number(content, "size", "content");
        string(content, "mimeType", "content");
        if let Some(t) = obj(content, "content").get("text") {
            assert_eq!(
                t.as_str().expect("content.text is a string").len() as f64,
                size
            );
        }
        string(resp, "redirectURL", "response");
        number(resp, "headersSize", "response");
        number(resp, "bodySize", "response");
        if status == 0.0 {
            assert_eq!(
                number(resp, "bodySize", "response"),
                -1.0,
                "no response, size unknown"
            );
        }

        obj(has(e, "cache", "entry"), "cache");
        let timings = has(e, "timings", "entry");
        let phases: f64 = ["send", "wait", "receive"]
            .iter()
            .map(|k| {
                let v = number(timings, k, "timings");
                assert!(v >= 0.0, "timings.{k} must be non-negative");
                v
            })
            .sum();
        assert_eq!(phases, total, "entry.time is the sum of the timings");
        // Only custom fields may be added, and they start with "_".
        for key in obj(e, "entry").keys() {
            assert!(
                [
                    "startedDateTime",
                    "time",
                    "request",
                    "response",
                    "cache",
                    "timings",
                    "pageref",
                    "serverIPAddress",
                    "connection",
                    "comment"
                ]
                .contains(&key.as_str())
                    || key.starts_with('_'),
                "unexpected entry field {key}"
            );
        }
    }
    entries.len()
}

#[test]
fn har_export_is_valid_har_1_2() {
    let (_d, store) = store();
    let mut buf = Vec::new();
    let n = store.export_har(&LogFilter::default(), &mut buf).unwrap();
    let doc: Value = serde_json::from_slice(&buf).unwrap();
    assert_eq!(check_har(&doc), 13);
    assert_eq!(n, 13);

    let entries = doc["log"]["entries"].as_array().unwrap();
    let post = &entries[2]; // rec(2): POST /cgi-bin/user/create with a body
    assert_eq!(post["request"]["method"], "POST");
    assert_eq!(
        post["request"]["url"],
        "https://qyapi.weixin.qq.com/cgi-bin/user/create?access_token=abcd***%2864%29&userid=u2"
    );
    let body: Value =
        serde_json::from_str(post["request"]["postData"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(body["name"], "张三2");
    assert_eq!(post["response"]["status"], 200);
    assert_eq!(
        post["response"]["content"]["mimeType"],
        "application/json; charset=UTF-8"
    );
    assert_eq!(post["_wwdev"]["profile"], "dev");
    let timeout = &entries[12];
    assert_eq!(timeout["response"]["status"], 0);
    assert_eq!(timeout["_wwdev"]["error"], "operation timed out");

    // Filtered and empty exports are valid too.
    for filter in [
        LogFilter {
            text: Some("李四".into()),
            ..Default::default()
        },
        LogFilter {
            profile: Some("nobody".into()),
            ..Default::default()
        },
    ] {
        let mut buf = Vec::new();
        let n = store.export_har(&filter, &mut buf).unwrap();
        assert_eq!(
            check_har(&serde_json::from_slice(&buf).unwrap()),
            n as usize
        );
        assert_eq!(n, store.count(&filter).unwrap());
    }
}

/// Run `script` with a fake `curl` on PATH that prints one argument per record.
fn run_with_fake_curl(script: &str, env: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("curl");
    std::fs::write(
        &fake,
        "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\036' \"$a\"; done\nprintf '\\035'\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let script_path = dir.path().join("script.sh");
    std::fs::write(&script_path, script).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg(&script_path).env("PATH", path);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn invocations(out: &[u8]) -> Vec<Vec<String>> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .split('\u{1d}')
        .filter(|s| !s.is_empty())
        .map(|call| {
            call.split('\u{1e}')
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

#[test]
fn curl_script_runs_with_tokens_from_the_environment() {
    let (_d, store) = store();
    let mut odd = rec(2);
    odd.request_body =
        Some(r#"{"name":"O'Brien $HOME `id` \"q\"","user_ticket":"UTUT***(40)"}"#.into());
    let odd_id = store.insert(&odd).unwrap();
    let filter = LogFilter {
        path_contains: Some("user/create".into()),
        ..Default::default()
    };
    let mut buf = Vec::new();
    let n = store.export_curl(&filter, &mut buf).unwrap();
    let script = String::from_utf8(buf).unwrap();
    assert_eq!(n, 4);
    assert!(script.starts_with("#!/bin/sh\n"));

    // Without the token the script stops before running curl, saying what to set.
    let out = run_with_fake_curl(&script, &[]);
    assert!(!out.status.success());
    assert!(invocations(&out.stdout).is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("WWDEV_ACCESS_TOKEN"),
        "{out:?}"
    );

    let out = run_with_fake_curl(
        &script,
        &[
            ("WWDEV_ACCESS_TOKEN", "fresh-token-1"),
            ("WWDEV_USER_TICKET", "fresh-ticket-2"),
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let calls = invocations(&out.stdout);
    assert_eq!(calls.len(), 4);
    for call in &calls {
        let url = call
            .iter()
            .find(|a| a.starts_with("https://"))
            .expect("a URL argument");
        let u = url::Url::parse(url).unwrap();
        let q: Vec<(String, String)> = u.query_pairs().into_owned().collect();
        assert_eq!(
            q[0],
            ("access_token".into(), "fresh-token-1".into()),
            "{call:?}"
        );
        assert_eq!(u.path(), "/cgi-bin/user/create");
        let data = call.iter().position(|a| a == "--data-raw").expect("body");
        let body: Value = serde_json::from_str(&call[data + 1]).unwrap();
        assert!(call.contains(&"POST".to_string()));
        assert!(body.is_object());
    }
    // The hostile body arrives byte for byte, its ticket taken from the environment.
    let last = calls.last().unwrap();
    let data = last.iter().position(|a| a == "--data-raw").unwrap();
    let body: Value = serde_json::from_str(&last[data + 1]).unwrap();
    assert_eq!(body["name"], "O'Brien $HOME `id` \"q\"");
    assert_eq!(body["user_ticket"], "fresh-ticket-2");

    // "Copy as curl" gives the same command as the script line.
    let single = to_curl(&store.get(odd_id).unwrap().unwrap());
    assert!(script.contains(&single), "{single}\n{script}");
}
