//! Read the OAuth `code` (and `state`) from what a user pastes: a bare code or the
//! whole URL the browser landed on after authorizing.

use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use url::Url;

/// WeCom documents codes of at most 512 bytes.
pub const CODE_MAX_BYTES: usize = 512;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    pub code: String,
    pub state: Option<String>,
    /// The URL the code came from, when a URL was pasted.
    pub source_url: Option<String>,
}

fn check_code(code: &str) -> Result<(), CoreError> {
    if code.is_empty() {
        return Err(CoreError::invalid("code", "the code is empty", "不能为空"));
    }
    if code.len() > CODE_MAX_BYTES {
        return Err(CoreError::invalid(
            "code",
            format!("the code is {} bytes long; WeCom codes are at most {CODE_MAX_BYTES} bytes", code.len()),
            format!("长度为 {} 字节，而企业微信的 code 最多 {CODE_MAX_BYTES} 字节", code.len()),
        ));
    }
    if code.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(CoreError::invalid(
            "code",
            "the code contains spaces or control characters; paste it exactly",
            "含有空格或控制字符，请原样粘贴",
        ));
    }
    Ok(())
}

/// Parse a bare code or a redirected URL (`code`/`state` in the query, or after `#`
/// for pages that moved them there).
pub fn parse_callback(input: &str) -> Result<Callback, CoreError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(CoreError::invalid(
            "code",
            "nothing was pasted: give a code or the URL the browser landed on",
            "没有粘贴任何内容，请粘贴 code 或浏览器最终跳转到的 URL",
        ));
    }
    let looks_like_url = s.contains("://") || s.contains('?') || s.contains("code=");
    if !looks_like_url {
        check_code(s)?;
        return Ok(Callback { code: s.to_string(), state: None, source_url: None });
    }
    // Pasted without a scheme ("app.example.com/cb?code=..") or only the query part.
    let parsed = Url::parse(s)
        .or_else(|_| Url::parse(&format!("https://{}", s.trim_start_matches('/'))))
        .ok();
    let (query, fragment) = match &parsed {
        Some(u) => (u.query().unwrap_or("").to_string(), u.fragment().unwrap_or("").to_string()),
        None => {
            let (before, frag) = s.split_once('#').unwrap_or((s, ""));
            let q = before.split_once('?').map(|(_, q)| q).unwrap_or(before);
            (q.to_string(), frag.to_string())
        }
    };
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    // Hash-routed pages: `#/path?code=..&state=..` or `#code=..`.
    let frag_query = fragment.split_once('?').map(|(_, q)| q).unwrap_or(&fragment);
    pairs.extend(form_urlencoded::parse(frag_query.as_bytes()).into_owned());
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let Some(code) = get("code") else {
        return Err(CoreError::invalid(
            "code",
            "this URL has no `code` parameter — paste the URL the browser landed on after authorizing",
            "这个 URL 中没有 `code` 参数，请粘贴授权后浏览器最终跳转到的 URL",
        ));
    };
    let code = code.trim().to_string();
    check_code(&code)?;
    Ok(Callback { code, state: get("state").filter(|s| !s.is_empty()), source_url: Some(s.to_string()) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bare_code_is_trimmed() {
        let c = parse_callback("  CODEabc123_-  \n").unwrap();
        assert_eq!(c, Callback { code: "CODEabc123_-".into(), state: None, source_url: None });
    }

    #[test]
    fn url_with_code_and_state() {
        let u = "https://app.example.com/cb?x=1&code=CODE%2B1&state=st9";
        let c = parse_callback(u).unwrap();
        assert_eq!(c.code, "CODE+1");
        assert_eq!(c.state.as_deref(), Some("st9"));
        assert_eq!(c.source_url.as_deref(), Some(u));
    }

    #[test]
    fn code_after_hash_and_schemeless() {
        let c = parse_callback("https://app.example.com/#/home?code=C1&state=s").unwrap();
        assert_eq!((c.code.as_str(), c.state.as_deref()), ("C1", Some("s")));
        let c = parse_callback("https://app.example.com/cb#code=C2").unwrap();
        assert_eq!(c.code, "C2");
        assert_eq!(parse_callback("app.example.com/cb?code=C3").unwrap().code, "C3");
        assert_eq!(parse_callback("?code=C4&state=").unwrap().state, None);
    }

    #[test]
    fn url_without_code_is_a_clear_error() {
        let e = parse_callback("https://app.example.com/cb?state=s").unwrap_err();
        assert_eq!(e.kind(), "invalid_input");
        assert!(e.to_string().contains("has no `code` parameter"), "{e}");
        assert!(e.to_string().contains("landed on after authorizing"));
    }

    #[test]
    fn bad_codes_rejected() {
        assert!(parse_callback("").is_err());
        assert!(parse_callback("two words").is_err());
        assert!(parse_callback(&"a".repeat(513)).is_err());
        assert!(parse_callback(&"a".repeat(512)).is_ok());
        assert!(parse_callback("https://a.b/cb?code=a%20b").is_err());
        assert!(parse_callback("https://a.b/cb?code=").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_callback(&s);
        }

        #[test]
        fn finds_any_code_in_a_url(code in "[A-Za-z0-9_-]{1,64}", state in "[A-Za-z0-9]{0,20}") {
            let u = format!("https://h.test/p?a=1&code={code}&state={state}");
            let c = parse_callback(&u).unwrap();
            prop_assert_eq!(c.code, code);
            prop_assert_eq!(c.state, if state.is_empty() { None } else { Some(state) });
        }
    }
}
