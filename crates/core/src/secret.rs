//! Secrets (corp secrets, tokens, tickets, user tickets) that must never be printed.

use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

/// A secret string. `Debug`, `Display` and `Serialize` never show the value;
/// call [`Secret::expose`] at the one place the real value is needed (the HTTP call).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    /// The real value. Only for sending to WeCom or the keyring.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// A masked form safe to show: a short prefix and the length.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// Mask a secret value: keep up to 4 leading characters so entries can be told apart.
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    if n == 0 {
        return String::new();
    }
    let keep = if n >= 16 { 4 } else if n >= 8 { 2 } else { 0 };
    let prefix: String = value.chars().take(keep).collect();
    format!("{prefix}***({n})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("supersecretvalue-1234567890");
        assert!(!format!("{s:?}").contains("supersecret"));
        assert!(!format!("{s}").contains("supersecret"));
        assert!(!serde_json::to_string(&s).unwrap().contains("supersecret"));
        assert_eq!(s.expose(), "supersecretvalue-1234567890");
        assert!(s.masked().starts_with("supe"));
    }
}
