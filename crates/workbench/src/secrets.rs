//! Secret-store failures as the user reads them.

use wwdev_core::error::{CoreError, UiError};

/// A secret-store failure: always kind `keyring`, with what to do. The store's own
/// message (both languages, from [`CoreError::Keyring`]) is kept as it is.
pub fn keyring_error(e: CoreError) -> UiError {
    let ui = e.to_ui();
    UiError::keyring(ui.message, ui.message_zh).hint2(
        "Make sure the system keyring is running and unlocked, then try again. The secret was not written anywhere else.",
        "请确认系统密钥环（gnome-keyring 等）正在运行且已解锁，然后重试。密钥没有被写到其他任何地方。",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use wwdev_core::error::ErrorKind;

    #[test]
    fn keyring_errors_keep_the_stores_chinese_text() {
        let e = CoreError::keyring(
            "Could not store the secret in the system keyring. No system keyring is running.",
            "无法在系统密钥环中保存密钥。系统密钥环没有运行。",
        );
        let ui = keyring_error(e);
        assert_eq!(ui.kind, ErrorKind::Keyring);
        assert_eq!(ui.message, "Could not store the secret in the system keyring. No system keyring is running.");
        assert_eq!(ui.message_zh, "无法在系统密钥环中保存密钥。系统密钥环没有运行。");
        assert!(!ui.message_zh.contains("Could not"), "{ui:?}");
        assert!(ui.hint_zh.unwrap().contains("密钥没有被写到其他任何地方"));
        assert!(ui.hint.unwrap().contains("not written anywhere else"));
    }
}
