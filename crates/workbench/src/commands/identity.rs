
use wwdev_core::error::UiResult;
use crate::Workbench;

pub async fn get_user(state: &Workbench, profile_id: &str, userid: &str) -> UiResult<serde_json::Value> {
    let r = state.resolve(profile_id, "identity")?;
    let token = r.cache.access_token(&r.client, &r.key, r.secret()?, false).await?;
    let user = r.client.user_get(&token.value, userid.trim()).await.inspect_err(|e| {
        r.cache.note_error(&r.key, e);
    })?;
    serde_json::to_value(user).map_err(|e| wwdev_core::error::UiError::internal(e.to_string()))
}

pub async fn to_openid(state: &Workbench, profile_id: &str, userid: &str) -> UiResult<String> {
    let r = state.resolve(profile_id, "identity")?;
    let token = r.cache.access_token(&r.client, &r.key, r.secret()?, false).await?;
    Ok(r.client.convert_to_openid(&token.value, userid.trim()).await.inspect_err(|e| {
        r.cache.note_error(&r.key, e);
    })?)
}

fn json<T: serde::Serialize>(v: &Option<T>) -> Option<serde_json::Value> {
    v.as_ref().and_then(|x| serde_json::to_value(x).ok())
}

pub async fn lookup(state: &Workbench, profile_id: &str, input: &str) -> UiResult<crate::types::IdentityReport> {
    let r = state.resolve(profile_id, "identity")?;
    let rep = wwdev_core::flows::identity_lookup(&r.client, r.cache, &r.key, r.secret()?, input).await;
    Ok(crate::types::IdentityReport {
        code: rep.callback.as_ref().map(|c| c.code.clone()),
        state: rep.callback.as_ref().and_then(|c| c.state.clone()),
        userinfo: json(&rep.userinfo),
        user: json(&rep.user),
        detail: json(&rep.detail),
        steps: rep.steps,
        summary: rep.explanation,
        summary_zh: rep.explanation_zh,
    })
}
