//! Profile commands that call WeCom (the rest live on `Workbench`, state.rs).

use wwdev_core::error::UiResult;

use crate::Workbench;

/// Fetches a fresh access_token with the profile's corpid and secret: proves the base
/// URL, the corpid and the secret in one call. A failure is a result, not an error.
pub async fn test_connection(state: &Workbench, id: &str) -> UiResult<crate::types::ConnectionTest> {
    let r = state.resolve(id, "profile_test")?;
    let started = std::time::Instant::now();
    let outcome = match r.secret() {
        Err(e) => Err(e),
        Ok(secret) => r.cache.access_token(&r.client, &r.key, secret, true).await.map_err(Into::into),
    };
    let latency_ms = started.elapsed().as_millis() as u64;
    Ok(match outcome {
        Ok(c) => crate::types::ConnectionTest { ok: true, latency_ms, error: None, token_expires_at: Some(c.expires_at) },
        Err(e) => crate::types::ConnectionTest { ok: false, latency_ms, error: Some(e), token_expires_at: None },
    })
}
