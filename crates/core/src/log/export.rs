//! Exports of a filtered set: JSON records, HAR 1.2 and a curl script.
//! All of them stream entry by entry, so exporting 100,000 entries needs no
//! more memory than one entry.

use std::collections::BTreeSet;
use std::io::{BufWriter, Write};

use serde_json::{Value, json};
use url::form_urlencoded;

use super::{LogError, LogFilter, LogStore};
use crate::record::{RequestRecord, is_sensitive_key};

pub(super) fn json(store: &LogStore, filter: &LogFilter, out: impl Write) -> Result<u64, LogError> {
    let mut out = BufWriter::new(out);
    let mut n = 0u64;
    out.write_all(b"[")?;
    store.for_each_record(filter, |rec| {
        out.write_all(if n == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer_pretty(&mut out, &rec)?;
        n += 1;
        Ok(())
    })?;
    out.write_all(if n == 0 { b"]\n" } else { b"\n]\n" })?;
    out.flush()?;
    Ok(n)
}

pub(super) fn har(store: &LogStore, filter: &LogFilter, out: impl Write) -> Result<u64, LogError> {
    let mut out = BufWriter::new(out);
    let creator = json!({ "name": "wwdev", "version": env!("CARGO_PKG_VERSION") });
    write!(
        out,
        "{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":["
    )?;
    let mut n = 0u64;
    store.for_each_record(filter, |rec| {
        if n > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut out, &har_entry(&rec))?;
        n += 1;
        Ok(())
    })?;
    out.write_all(b"\n]}}\n")?;
    out.flush()?;
    Ok(n)
}

fn iso8601(time_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(time_ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into())
}

/// `base_url` + `path`, without doubling or dropping the slash between them.
fn join_url(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    if path.is_empty() || path.starts_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

fn full_url(rec: &RequestRecord) -> String {
    let mut url = join_url(&rec.base_url, &rec.path);
    if !rec.query.is_empty() {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &rec.query {
            s.append_pair(k, v);
        }
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&s.finish());
    }
    url
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn body_mime(body: &str) -> &'static str {
    if serde_json::from_str::<Value>(body).is_ok() {
        "application/json"
    } else {
        "text/plain"
    }
}

/// One HAR 1.2 entry. wwdev does not record request headers or HTTP version;
/// the HAR fields that need them hold what wwdev sends (JSON content type) or
/// the HAR "unknown" values.
fn har_entry(rec: &RequestRecord) -> Value {
    let (req_headers, post_data, req_body_size) = match &rec.request_body {
        Some(body) => {
            let mime = body_mime(body);
            (
                json!([{ "name": "Content-Type", "value": mime }]),
                Some(json!({ "mimeType": mime, "params": [], "text": body })),
                body.len() as i64,
            )
        }
        None => (json!([]), None, 0),
    };
    let mut request = json!({
        "method": rec.method,
        "url": full_url(rec),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": req_headers,
        "queryString": rec.query.iter().map(|(k, v)| json!({ "name": k, "value": v })).collect::<Vec<_>>(),
        "headersSize": -1,
        "bodySize": req_body_size,
    });
    if let Some(pd) = post_data {
        request["postData"] = pd;
    }

    let body = rec.response_body.as_deref().unwrap_or("");
    let mime = header_value(&rec.response_headers, "content-type")
        .map(str::to_owned)
        .unwrap_or_else(|| {
            if body.is_empty() {
                "x-unknown".into()
            } else {
                body_mime(body).into()
            }
        });
    let status = rec.status.unwrap_or(0);
    let status_text = rec
        .status
        .and_then(|s| reqwest::StatusCode::from_u16(s).ok())
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let response = json!({
        "status": status,
        "statusText": status_text,
        "httpVersion": if rec.status.is_some() { "HTTP/1.1" } else { "" },
        "cookies": [],
        "headers": rec.response_headers.iter().map(|(k, v)| json!({ "name": k, "value": v })).collect::<Vec<_>>(),
        "content": { "size": body.len(), "mimeType": mime, "text": body },
        "redirectURL": header_value(&rec.response_headers, "location").unwrap_or(""),
        "headersSize": -1,
        "bodySize": if rec.response_body.is_some() { body.len() as i64 } else { -1 },
    });
    // wwdev measures one latency; HAR wants phases, so all of it is "wait".
    let latency = rec.latency_ms as f64;
    json!({
        "startedDateTime": iso8601(rec.time_ms),
        "time": latency,
        "request": request,
        "response": response,
        "cache": {},
        "timings": { "send": 0, "wait": latency, "receive": 0 },
        // Custom fields start with "_" per HAR 1.2.
        "_wwdev": {
            "id": rec.id,
            "profile": rec.profile,
            "feature": rec.feature,
            "errcode": rec.errcode,
            "errmsg": rec.errmsg,
            "error": rec.error,
        },
    })
}

/// Marks a shell variable inside text being assembled (private-use character,
/// which serde_json does not escape and WeCom text does not contain).
const VAR: char = '\u{E000}';

fn var_name(key: &str) -> String {
    let k: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("WWDEV_{k}")
}

fn placeholder(key: &str) -> String {
    format!("{VAR}{}{VAR}", var_name(key))
}

/// Single-quote text for `sh`, turning `VAR`-marked names into `"$NAME"`.
fn shell_word(text: &str, vars: &mut BTreeSet<String>) -> String {
    let mut out = String::new();
    for (i, part) in text.split(VAR).enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("\"${part}\""));
            vars.insert(part.to_owned());
        } else if !part.is_empty() {
            out.push('\'');
            out.push_str(&part.replace('\'', r"'\''"));
            out.push('\'');
        }
    }
    if out.is_empty() { "''".into() } else { out }
}

fn body_with_placeholders(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_sensitive_key(k) && matches!(v, Value::String(s) if !s.is_empty()) {
                    *v = Value::String(placeholder(k));
                } else {
                    body_with_placeholders(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(body_with_placeholders),
        _ => {}
    }
}

/// The curl command and the environment variables it reads.
fn curl_command(rec: &RequestRecord) -> (String, BTreeSet<String>) {
    let mut vars = BTreeSet::new();
    let strip = |s: &str| s.replace(VAR, "");
    let mut url = strip(&join_url(&rec.base_url, &rec.path));
    if !rec.query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        let parts: Vec<String> = rec
            .query
            .iter()
            .map(|(k, v)| {
                let key: String = form_urlencoded::byte_serialize(strip(k).as_bytes()).collect();
                if is_sensitive_key(k) && !v.is_empty() {
                    format!("{key}={}", placeholder(k))
                } else {
                    let val: String =
                        form_urlencoded::byte_serialize(strip(v).as_bytes()).collect();
                    format!("{key}={val}")
                }
            })
            .collect();
        url.push_str(&parts.join("&"));
    }
    let mut cmd = String::from("curl -sS");
    if rec.method != "GET" || rec.request_body.is_some() {
        cmd.push_str(" -X ");
        cmd.push_str(&shell_word(&strip(&rec.method), &mut vars));
    }
    cmd.push(' ');
    cmd.push_str(&shell_word(&url, &mut vars));
    if let Some(body) = &rec.request_body {
        let body = strip(body);
        let (text, mime) = match serde_json::from_str::<Value>(&body) {
            Ok(mut v) => {
                body_with_placeholders(&mut v);
                (v.to_string(), "application/json")
            }
            Err(_) => (body, "text/plain"),
        };
        cmd.push_str(&format!(" -H 'Content-Type: {mime}' --data-raw "));
        cmd.push_str(&shell_word(&text, &mut vars));
    }
    (cmd, vars)
}

/// One `curl` command reproducing the request ("copy as curl"). Secret
/// parameters (`access_token`, `corpsecret`, tickets, codes) are read from
/// environment variables such as `$WWDEV_ACCESS_TOKEN`; the log never holds them.
pub fn to_curl(record: &RequestRecord) -> String {
    curl_command(&super::redact::record(record)).0
}

fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

pub(super) fn curl(store: &LogStore, filter: &LogFilter, out: impl Write) -> Result<u64, LogError> {
    let mut out = BufWriter::new(out);
    out.write_all(
        b"#!/bin/sh\n\
          # Requests exported from the wwdev request log, oldest first.\n\
          # Secrets are never stored in the log: commands read them from WWDEV_*\n\
          # environment variables (e.g. WWDEV_ACCESS_TOKEN), checked before first use.\n",
    )?;
    let mut checked = BTreeSet::new();
    let mut n = 0u64;
    store.for_each_record(filter, |rec| {
        let (cmd, vars) = curl_command(&rec);
        out.write_all(b"\n")?;
        for v in vars.difference(&checked) {
            writeln!(
                out,
                ": \"${{{v}:?set {v} to a current value before running this script}}\""
            )?;
        }
        checked.extend(vars);
        let outcome = match (rec.status, rec.errcode, &rec.error) {
            (_, _, Some(e)) => format!("failed: {e}"),
            (Some(s), Some(c), _) => format!("HTTP {s}, errcode {c}"),
            (Some(s), None, _) => format!("HTTP {s}"),
            (None, _, None) => "no response".into(),
        };
        writeln!(
            out,
            "# #{} {} profile={} feature={} -> {}",
            rec.id.unwrap_or_default(),
            iso8601(rec.time_ms),
            comment(&rec.profile),
            comment(&rec.feature),
            comment(&outcome)
        )?;
        writeln!(out, "{cmd}")?;
        n += 1;
        Ok(())
    })?;
    out.flush()?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> RequestRecord {
        RequestRecord {
            id: Some(7),
            time_ms: 1_700_000_000_123,
            profile: "dev".into(),
            feature: "console".into(),
            base_url: "https://qyapi.weixin.qq.com/".into(),
            method: "POST".into(),
            path: "/cgi-bin/user/create".into(),
            query: vec![
                ("access_token".into(), "abcd***(32)".into()),
                ("debug".into(), "1 & 2".into()),
            ],
            request_body: Some(
                r#"{"userid":"o'brien","name":"张三","ticket":"TICK***(40)"}"#.into(),
            ),
            status: Some(200),
            errcode: Some(0),
            errmsg: Some("ok".into()),
            latency_ms: 42,
            response_headers: vec![(
                "Content-Type".into(),
                "application/json; charset=UTF-8".into(),
            )],
            response_body: Some(r#"{"errcode":0,"errmsg":"ok"}"#.into()),
            error: None,
        }
    }

    #[test]
    fn curl_quotes_and_uses_placeholders() {
        let c = to_curl(&rec());
        assert_eq!(
            c,
            r#"curl -sS -X 'POST' 'https://qyapi.weixin.qq.com/cgi-bin/user/create?access_token='"$WWDEV_ACCESS_TOKEN"'&debug=1+%26+2' -H 'Content-Type: application/json' --data-raw '{"name":"张三","ticket":"'"$WWDEV_TICKET"'","userid":"o'\''brien"}'"#
        );
    }

    #[test]
    fn curl_get_without_body_has_no_method_flag() {
        let mut r = rec();
        r.method = "GET".into();
        r.request_body = None;
        r.query = vec![("corpid".into(), "ww1".into())];
        assert_eq!(
            to_curl(&r),
            "curl -sS 'https://qyapi.weixin.qq.com/cgi-bin/user/create?corpid=ww1'"
        );
    }

    #[test]
    fn har_entry_shape() {
        let e = har_entry(&rec());
        assert_eq!(e["startedDateTime"], "2023-11-14T22:13:20.123Z");
        assert_eq!(
            e["request"]["url"],
            "https://qyapi.weixin.qq.com/cgi-bin/user/create?access_token=abcd***%2832%29&debug=1+%26+2"
        );
        assert_eq!(e["request"]["postData"]["mimeType"], "application/json");
        assert_eq!(e["response"]["statusText"], "OK");
        assert_eq!(e["timings"]["wait"], 42.0);
    }
}
