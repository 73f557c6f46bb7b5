//! The one way wwdev builds an HTTP client. TLS goes through rustls with the *ring*
//! crypto provider instead of reqwest's default aws-lc-rs: ring is much smaller in the
//! binary (see bench/README.md, "Binary and package size") and needs no C toolchain
//! beyond cc, and it speaks TLS 1.2 and 1.3 with the ECDHE/AES-GCM/ChaCha20 suites public
//! HTTPS hosts offer. Every product-code client must come from here: a reqwest client
//! built without an installed provider panics (reqwest's `rustls-no-provider`).

use std::sync::Once;

/// `reqwest::Client::builder()`, after making ring the process's rustls provider.
pub fn client_builder() -> reqwest::ClientBuilder {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err only when a provider is already installed, which is then used instead.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
}

#[cfg(test)]
mod tests {
    #[test]
    fn clients_use_ring_and_still_build_with_tls() {
        let c = super::client_builder().build();
        assert!(c.is_ok(), "{c:?}");
        let p = rustls::crypto::CryptoProvider::get_default().expect("a provider is installed");
        // The installed provider is ring's (aws-lc-rs offers other key exchange groups,
        // the post-quantum X25519MLKEM768 first).
        let ring = rustls::crypto::ring::default_provider();
        assert_eq!(format!("{:?}", p.kx_groups), format!("{:?}", ring.kx_groups));
        assert_eq!(p.cipher_suites.len(), ring.cipher_suites.len());
    }
}
