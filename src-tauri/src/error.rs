//! The one error type that crosses the command boundary: `{kind, message, errcode?, hint?}`.

use serde::Serialize;
use ts_rs::TS;

/// What went wrong, so the UI can pick an icon, a colour and an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "ErrorKind.ts")]
pub enum ErrorKind {
    /// WeCom (or the sandbox) answered with a non-zero errcode.
    Wecom,
    Network,
    Timeout,
    Http,
    Decode,
    InvalidInput,
    Keyring,
    Storage,
    NotFound,
    /// A profile setting is unusable.
    Config,
    Io,
    Internal,
}

/// An error shown to the user: what happened (`message`), and what to do (`hint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export_to = "UiError.ts")]
pub struct UiError {
    pub kind: ErrorKind,
    pub message: String,
    #[ts(type = "number | null")]
    pub errcode: Option<i64>,
    pub hint: Option<String>,
}

impl UiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), errcode: None, hint: None }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Storage, message)
    }
    pub fn keyring(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Keyring, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
}

pub type UiResult<T> = Result<T, UiError>;

impl From<wwdev_core::error::UiError> for UiError {
    /// Core's flows report step errors in their own (string-kinded) form.
    fn from(e: wwdev_core::error::UiError) -> Self {
        let kind = serde_json::from_value(serde_json::Value::String(e.kind.clone())).unwrap_or(ErrorKind::Internal);
        UiError { kind, message: e.message, errcode: e.errcode, hint: e.hint }
    }
}

impl From<wwdev_core::error::CoreError> for UiError {
    fn from(e: wwdev_core::error::CoreError) -> Self {
        use wwdev_core::error::CoreError as C;
        let kind = match &e {
            C::WeCom { .. } => ErrorKind::Wecom,
            C::Network { .. } => ErrorKind::Network,
            C::Timeout { .. } => ErrorKind::Timeout,
            C::Http { .. } => ErrorKind::Http,
            C::Decode { .. } => ErrorKind::Decode,
            C::InvalidInput { .. } => ErrorKind::InvalidInput,
            C::Config(_) => ErrorKind::Config,
            C::Io(_) => ErrorKind::Io,
        };
        // WeCom errors carry the catalogue meaning in the message, so the user reads
        // what it means without opening the catalogue.
        let message = match &e {
            C::WeCom { entry: Some(entry), .. } => format!("{e} — {}", entry.meaning_en),
            _ => e.to_string(),
        };
        UiError { kind, message, errcode: e.errcode(), hint: e.hint() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_keep_errcode_and_hint() {
        let e: UiError = wwdev_core::error::CoreError::wecom(40014, "invalid access_token").into();
        assert_eq!(e.kind, ErrorKind::Wecom);
        assert_eq!(e.errcode, Some(40014));
        assert!(e.message.contains("40014"));
        assert!(e.hint.unwrap().contains("40014"));
    }

    #[test]
    fn serialises_as_the_contract_says() {
        let e = UiError::invalid_input("corpid is empty").with_hint("Copy it from 我的企业");
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["kind"], "invalid_input");
        assert_eq!(v["message"], "corpid is empty");
        assert_eq!(v["hint"], "Copy it from 我的企业");
        assert!(v["errcode"].is_null());
    }
}
