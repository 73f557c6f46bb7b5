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
    /// Connects to the keyring and checks that it answers. `Err` carries a plain
    /// explanation of why secrets cannot be stored there.
    /// `Err` carries the explanation in English and Chinese.
    pub fn probe(service: impl Into<String>) -> Result<Self, (String, String)> {
        let store = Self { service: service.into() };
        let entry = store.entry("__wwdev_probe__").map_err(|e| (describe(&e), describe_zh(&e)))?;
        match entry.get_password() {
            Ok(_) | Err(keyring::Error::NoEntry) => Ok(store),
            Err(e) => Err((describe(&e), describe_zh(&e))),
        }
    }

    fn entry(&self, profile_id: &str) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(&self.service, profile_id)
    }
}

fn describe(e: &keyring::Error) -> String {
    match e {
        keyring::Error::PlatformFailure(inner) => format!(
            "The system keyring failed: {inner}. On Linux a Secret Service (gnome-keyring or KWallet) must be running and unlocked."
        ),
        keyring::Error::NoStorageAccess(inner) => format!(
            "No access to the system keyring: {inner}. On Linux start and unlock gnome-keyring (or KWallet)."
        ),
        other => format!("System keyring error: {other}"),
    }
}

/// The same, in Chinese.
pub fn describe_zh(e: &keyring::Error) -> String {
    match e {
        keyring::Error::PlatformFailure(inner) => {
            format!("系统密钥环出错：{inner}。在 Linux 上需要运行并解锁 Secret Service（gnome-keyring 或 KWallet）。")
        }
        keyring::Error::NoStorageAccess(inner) => {
            format!("无法访问系统密钥环：{inner}。在 Linux 上请启动并解锁 gnome-keyring（或 KWallet）。")
        }
        other => format!("系统密钥环错误：{other}"),
    }
}

fn keyring_error(action: &str, e: keyring::Error) -> CoreError {
    CoreError::Config(format!("Could not {action} the secret in the system keyring. {}", describe(&e)))
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, profile_id: &str) -> Result<Option<Secret>, CoreError> {
        let entry = self.entry(profile_id).map_err(|e| keyring_error("read", e))?;
        match entry.get_password() {
            Ok(v) => Ok(Some(Secret::new(v))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error("read", e)),
        }
    }
    fn set(&self, profile_id: &str, secret: &Secret) -> Result<(), CoreError> {
        let entry = self.entry(profile_id).map_err(|e| keyring_error("store", e))?;
        entry.set_password(secret.expose()).map_err(|e| keyring_error("store", e))
    }
    fn delete(&self, profile_id: &str) -> Result<(), CoreError> {
        let entry = self.entry(profile_id).map_err(|e| keyring_error("delete", e))?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error("delete", e)),
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
