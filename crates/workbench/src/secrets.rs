//! Secret-store failures as the user reads them.

use wwdev_core::error::{CoreError, UiError};

/// A secret-store failure: always kind `keyring`, with what to do.
pub fn keyring_error(e: CoreError) -> UiError {
    let message = match e {
        CoreError::Config(m) => m,
        other => other.to_string(),
    };
    UiError::keyring(message.clone(), format!("系统密钥环出错：{message}")).hint2(
        "Make sure the system keyring is running and unlocked, then try again. The secret was not written anywhere else.",
        "请确认系统密钥环（gnome-keyring 等）正在运行且已解锁，然后重试。密钥没有被写到其他任何地方。",
    )
}
