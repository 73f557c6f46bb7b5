//! The JS-SDK signature (D/90506):
//! `sha1("jsapi_ticket=T&noncestr=N&timestamp=TS&url=URL")`, raw values, URL without `#...`.

use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};

/// What was signed and the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    /// The URL actually signed (fragment removed).
    pub url: String,
    /// The fragment that was removed, with its leading `#`, if there was one.
    pub stripped_fragment: Option<String>,
    pub nonce_str: String,
    pub timestamp: String,
    /// `jsapi_ticket=...&noncestr=...&timestamp=...&url=...`
    pub string1: String,
    /// Lowercase hex SHA-1 of `string1`.
    pub signature: String,
}

/// Split a page URL into the part that is signed and the fragment WeCom ignores.
pub fn strip_fragment(url: &str) -> (&str, Option<&str>) {
    match url.find('#') {
        Some(i) => (&url[..i], Some(&url[i..])),
        None => (url, None),
    }
}

/// Build `string1` exactly as WeCom does. No encoding, no trimming: callers that
/// want diagnosis compare against this raw form.
pub fn string1(ticket: &str, nonce_str: &str, timestamp: &str, url: &str) -> String {
    format!("jsapi_ticket={ticket}&noncestr={nonce_str}&timestamp={timestamp}&url={url}")
}

/// Lowercase hex SHA-1 of a string's UTF-8 bytes.
pub fn sha1_hex(s: &str) -> String {
    hex::encode(Sha1::digest(s.as_bytes()))
}

/// Sign a page URL: strips the fragment (and reports it), builds string1, hashes it.
pub fn sign(ticket: &str, nonce_str: &str, timestamp: &str, page_url: &str) -> Signed {
    let (url, frag) = strip_fragment(page_url);
    let s1 = string1(ticket, nonce_str, timestamp, url);
    Signed {
        url: url.to_owned(),
        stripped_fragment: frag.map(str::to_owned),
        nonce_str: nonce_str.to_owned(),
        timestamp: timestamp.to_owned(),
        signature: sha1_hex(&s1),
        string1: s1,
    }
}

/// A random nonceStr of 16 letters and digits, like the official examples.
pub fn new_nonce() -> String {
    use rand::RngExt;
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| CHARS[rng.random_range(0..CHARS.len())] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICKET: &str = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";

    #[test]
    fn official_vector_with_query() {
        let s = sign(TICKET, "Wm3WZYTPz0wzccnW", "1414587457", "http://mp.weixin.qq.com?params=value");
        assert_eq!(s.signature, "0f9de62fce790f9a083d5c99e95740ceb90c27ed");
        assert_eq!(
            s.string1,
            format!("jsapi_ticket={TICKET}&noncestr=Wm3WZYTPz0wzccnW&timestamp=1414587457&url=http://mp.weixin.qq.com?params=value")
        );
    }

    #[test]
    fn official_vector_bare() {
        let s = sign(TICKET, "Wm3WZYTPz0wzccnW", "1414587457", "http://mp.weixin.qq.com");
        assert_eq!(s.signature, "f4d90daf4b3bca3078ab155816175ba34c443a7b");
    }

    #[test]
    fn fragment_is_stripped_and_reported() {
        let s = sign(TICKET, "Wm3WZYTPz0wzccnW", "1414587457", "http://mp.weixin.qq.com#/home?x=1");
        assert_eq!(s.signature, "f4d90daf4b3bca3078ab155816175ba34c443a7b");
        assert_eq!(s.stripped_fragment.as_deref(), Some("#/home?x=1"));
    }

    #[test]
    fn nonce_is_16_alphanumerics() {
        let n = new_nonce();
        assert_eq!(n.len(), 16);
        assert!(n.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(n, new_nonce());
    }
}
