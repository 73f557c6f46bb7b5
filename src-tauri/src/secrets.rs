//! Where profile secrets live: the OS keyring, or (when there is none) memory for this
//! session only. Never a file.

use wwdev_core::error::CoreError;
use wwdev_core::secret::Secret;

pub use wwdev_core::profile::{MemorySecretStore, SecretStore};

/// The OS keyring (Secret Service on Linux, Keychain on macOS, Credential Manager on
/// Windows) through the `keyring` crate. One entry per profile: service = `service`,
/// user = profile id.
pub struct KeyringSecretStore {
    service: String,
}

/// Service name of the app's keyring entries (`secret-tool search service dev.wwdev.app`).
pub const KEYRING_SERVICE: &str = "dev.wwdev.app";

impl KeyringSecretStore {
    /// Connects to the keyring and checks that it answers. `Err` carries the
    /// explanation of why secrets cannot be stored there, in English and Chinese.
    pub fn probe(service: impl Into<String>) -> Result<Self, (String, String)> {
        let store = Self { service: service.into() };
        let entry = store.entry("__wwdev_probe__").map_err(|e| describe(&e))?;
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(store),
            Err(e) => Err(describe(&e)),
        }
    }

    fn entry(&self, profile_id: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(&self.service, profile_id)
    }
}

/// Why the keyring failed, as far as the OS's (English) text tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    /// No D-Bus session bus to reach a keyring through.
    NoBus,
    /// The bus answers, but nothing provides the Secret Service.
    NoService,
    /// The keyring is locked or refused access.
    Locked,
    /// Any other failure of the platform's keyring.
    Platform,
    /// The keyring answered, but not with something usable (bad encoding, too long…).
    Other,
}

/// The OS's own text for `e`: what is quoted to the user.
fn os_text(e: &keyring::Error) -> String {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

fn cause(e: &keyring::Error) -> Cause {
    let inner = match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => inner,
        _ => return Cause::Other,
    };
    // Debug adds the D-Bus error name (e.g. org.freedesktop.DBus.Error.ServiceUnknown)
    // that Display leaves out.
    let text = format!("{inner} {inner:?}").to_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    // The bus first: without one, nothing else could have answered.
    if has(&["autolaunch", "dbus_session_bus_address", "failed to connect to socket", "connection refused"]) {
        Cause::NoBus
    } else if has(&["locked", "dismissed"]) {
        Cause::Locked
    } else if has(&["was not provided by any .service files", "serviceunknown", "org.freedesktop.secrets"]) {
        Cause::NoService
    } else if matches!(e, keyring::Error::NoStorageAccess(_)) {
        Cause::Locked
    } else {
        Cause::Platform
    }
}

/// What a keyring failure means and what to do, `(English, Chinese)`: the cause in
/// the user's language, then the OS's own text as a labelled quote.
fn describe(e: &keyring::Error) -> (String, String) {
    let (en, zh) = match cause(e) {
        Cause::NoBus => (
            "The system keyring cannot be reached: there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set, \
             or nothing listens there). Run wwdev in a desktop session (or under dbus-run-session) with gnome-keyring \
             or KWallet running and unlocked.",
            "无法连接系统密钥环：没有 D-Bus 会话总线（没有设置 DBUS_SESSION_BUS_ADDRESS，或该地址上没有总线）。\
             请在桌面会话中（或用 dbus-run-session）运行 wwdev，并运行、解锁 gnome-keyring 或 KWallet。",
        ),
        Cause::NoService => (
            "No system keyring is running: nothing provides the Secret Service (org.freedesktop.secrets) on D-Bus. \
             On Linux start and unlock gnome-keyring (or KWallet).",
            "系统密钥环没有运行：D-Bus 上没有程序提供 Secret Service（org.freedesktop.secrets）。\
             在 Linux 上请启动并解锁 gnome-keyring（或 KWallet）。",
        ),
        Cause::Locked => (
            "The system keyring is locked or refused access (an unlock prompt may have been dismissed). \
             Unlock it and try again (on Linux: gnome-keyring or KWallet).",
            "系统密钥环已锁定或拒绝访问（可能关掉了解锁提示）。请解锁后重试（Linux 上为 gnome-keyring 或 KWallet）。",
        ),
        Cause::Platform => (
            "The system keyring failed. On Linux a Secret Service (gnome-keyring or KWallet) must be running and unlocked.",
            "系统密钥环出错。在 Linux 上需要运行并解锁 Secret Service（gnome-keyring 或 KWallet）。",
        ),
        Cause::Other => ("The system keyring answered with an error.", "系统密钥环返回了错误。"),
    };
    let os = os_text(e);
    (format!("{en} (system message: {os})"), format!("{zh}（系统原文：{os}）"))
}

/// What the app was doing with the keyring when it failed.
#[derive(Debug, Clone, Copy)]
enum Action {
    Read,
    Store,
    Delete,
}

fn keyring_error(action: Action, e: keyring::Error) -> CoreError {
    let (verb, verb_zh) = match action {
        Action::Read => ("read", "读取"),
        Action::Store => ("store", "保存"),
        Action::Delete => ("delete", "删除"),
    };
    let (why, why_zh) = describe(&e);
    CoreError::keyring(
        format!("Could not {verb} the secret in the system keyring. {why}"),
        format!("无法在系统密钥环中{verb_zh}密钥。{why_zh}"),
    )
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, CoreError> {
        let entry = self.entry(profile_id).map_err(|e| keyring_error(Action::Read, e))?;
        match entry.get_password() {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(Action::Read, e)),
        }
    }
    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), CoreError> {
        let entry = self.entry(profile_id).map_err(|e| keyring_error(Action::Store, e))?;
        entry.set_password(secret.expose()).map_err(|e| keyring_error(Action::Store, e))
    }
    fn delete(&self, profile_id: &str) -> Result<(), CoreError> {
        let entry = self.entry(profile_id).map_err(|e| keyring_error(Action::Delete, e))?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(Action::Delete, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let s = MemorySecretStore::new();
        assert!(s.get("p1").unwrap().is_none());
        s.set("p1", &Secret::new("abc")).unwrap();
        assert_eq!(s.get("p1").unwrap().unwrap().expose(), "abc");
        s.delete("p1").unwrap();
        s.delete("p1").unwrap();
        assert!(s.get("p1").unwrap().is_none());
    }

    fn platform(text: &str) -> keyring::Error {
        keyring::Error::PlatformFailure(text.into())
    }

    /// The Chinese states `cause_zh`; the OS's English text appears only as the
    /// labelled quote at the end (in English: "(system message: …)").
    fn assert_explained(e: &keyring::Error, cause_zh: &str, cause_en: &str) {
        let os = os_text(e);
        let (en, zh) = describe(e);
        let (said, quote) = zh.split_once("（系统原文：").unwrap_or_else(|| panic!("no labelled quote: {zh}"));
        assert!(said.contains(cause_zh), "{zh}");
        assert!(!said.contains(&os) && !said.contains("DBus error") && !said.contains("Secret Service:"), "{zh}");
        assert_eq!(quote, format!("{os}）"));
        assert!(en.contains(cause_en) && en.ends_with(&format!(" (system message: {os})")), "{en}");
        assert!(zh.contains("gnome-keyring") && en.contains("gnome-keyring"), "the advice stays: {zh} / {en}");
    }

    #[test]
    fn linux_keyring_failures_are_explained_in_chinese() {
        for text in [
            "DBus error: The name org.freedesktop.secrets was not provided by any .service files",
            "DBus error: org.freedesktop.DBus.Error.ServiceUnknown",
        ] {
            assert_explained(&platform(text), "系统密钥环没有运行", "No system keyring is running");
        }
        for text in [
            "DBus error: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11",
            "Cannot autolaunch D-Bus without X11 $DISPLAY",
            "DBus error: Failed to connect to socket /run/user/1000/bus: Connection refused",
            "DBus error: DBUS_SESSION_BUS_ADDRESS is not set",
        ] {
            assert_explained(&platform(text), "没有 D-Bus 会话总线", "there is no D-Bus session bus");
        }
        for e in [
            keyring::Error::NoStorageAccess("Secret Service: object locked".into()),
            keyring::Error::NoStorageAccess("Secret Service: unlock prompt was dismissed".into()),
            // gnome-keyring started by D-Bus activation, with no unlocked default keyring.
            keyring::Error::NoStorageAccess("Secret Service: no result found".into()),
            platform("DBus error: org.freedesktop.Secret.Error.IsLocked"),
            // Access refused for a reason the text does not name.
            keyring::Error::NoStorageAccess("access denied".into()),
        ] {
            assert_explained(&e, "系统密钥环已锁定或拒绝访问", "locked or refused access");
        }
        // Unknown: a generic Chinese sentence, the OS text still only quoted.
        let unknown = platform("DBus error: Message recipient disconnected from message bus without replying");
        assert_explained(&unknown, "系统密钥环出错", "The system keyring failed");
    }

    #[test]
    fn keyring_failures_reach_the_ui_as_keyring_errors_in_both_languages() {
        let e = platform("DBus error: The name org.freedesktop.secrets was not provided by any .service files");
        let ui = keyring_error(Action::Store, e).to_ui();
        assert_eq!(ui.kind, wwdev_core::error::ErrorKind::Keyring);
        assert!(ui.message.starts_with("Could not store the secret in the system keyring. No system keyring is running"), "{ui:?}");
        assert!(ui.message_zh.starts_with("无法在系统密钥环中保存密钥。系统密钥环没有运行"), "{ui:?}");
        assert!(!ui.message_zh.contains("Could not"), "{ui:?}");
    }

    /// Runs against the real keyring: scripts/test.sh runs these tests under
    /// dbus-run-session with gnome-keyring unlocked. Without a keyring it fails, unless
    /// WWDEV_NO_KEYRING=1 says on purpose that there is none (a quick local run).
    #[test]
    fn keyring_round_trip() {
        let service = format!("dev.wwdev.test.{}", std::process::id());
        let store = match KeyringSecretStore::probe(&service) {
            Ok(s) => s,
            Err((why, _)) => {
                assert!(std::env::var("WWDEV_NO_KEYRING").is_ok(), "no keyring (set WWDEV_NO_KEYRING=1 to skip): {why}");
                eprintln!("skipping keyring_round_trip (WWDEV_NO_KEYRING): {why}");
                return;
            }
        };
        store.set("profile-x", &Secret::new("s3cr3t-值")).unwrap();
        assert_eq!(store.get("profile-x").unwrap().unwrap().expose(), "s3cr3t-值");
        store.set("profile-x", &Secret::new("second")).unwrap();
        assert_eq!(store.get("profile-x").unwrap().unwrap().expose(), "second");
        store.delete("profile-x").unwrap();
        assert!(store.get("profile-x").unwrap().is_none());
    }
}
