use tauri::State;
use wwdev_core::errcode;

use crate::commands::errcodes::entry;
use crate::dto::{ConsoleEndpoint, ConsoleParam, ConsoleResponse};
use crate::error::{UiError, UiResult};
use crate::state::AppState;

fn q(name: &str, required: bool, hint: &str) -> ConsoleParam {
    ConsoleParam { name: name.into(), location: "query".into(), required, hint: hint.into() }
}

fn ep(method: &str, path: &str, zh: &str, en: &str, params: Vec<ConsoleParam>, body: Option<&str>) -> ConsoleEndpoint {
    ConsoleEndpoint {
        method: method.into(),
        path: path.into(),
        title_zh: zh.into(),
        title_en: en.into(),
        params,
        body_template: body.map(str::to_owned),
    }
}

/// The endpoints H5 work touches most; any other `/cgi-bin/` path can be typed in.
/// `access_token` is never a parameter here: the console injects it.
pub fn catalog() -> Vec<ConsoleEndpoint> {
    vec![
        ep("GET", "/cgi-bin/user/get", "读取成员", "Get a member", vec![q("userid", true, "e.g. zhangsan")], None),
        ep("POST", "/cgi-bin/user/convert_to_openid", "userid 转 openid", "userid → openid", vec![], Some("{\n  \"userid\": \"zhangsan\"\n}")),
        ep("GET", "/cgi-bin/auth/getuserinfo", "获取访问用户身份", "Identity from an OAuth code", vec![q("code", true, "the code from the redirect (valid once, 5 min)")], None),
        ep("POST", "/cgi-bin/auth/getuserdetail", "获取访问用户敏感信息", "Sensitive member fields", vec![], Some("{\n  \"user_ticket\": \"\"\n}")),
        ep("GET", "/cgi-bin/get_jsapi_ticket", "获取企业 jsapi_ticket", "Corp jsapi_ticket", vec![], None),
        ep("GET", "/cgi-bin/ticket/get", "获取应用 jsapi_ticket", "Agent ticket", vec![q("type", true, "agent_config")], None),
        ep("GET", "/cgi-bin/externalcontact/get", "获取客户详情", "External contact", vec![q("external_userid", true, "wo... or wm...")], None),
        ep("GET", "/cgi-bin/get_api_domain_ip", "获取企业微信接口 IP 段", "WeCom API IP ranges", vec![], None),
        ep("GET", "/cgi-bin/getcallbackip", "获取企业微信回调 IP 段", "WeCom callback IP ranges", vec![], None),
    ]
}

pub async fn send(
    state: &AppState,
    profile_id: &str,
    method: &str,
    path: &str,
    query: Vec<(String, String)>,
    body: Option<String>,
) -> UiResult<ConsoleResponse> {
    let body = match body.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(serde_json::from_str::<serde_json::Value>(b).map_err(|e| {
            UiError::invalid_input(format!("The request body is not valid JSON: {e}"))
                .with_hint("Fix the JSON (double quotes around keys and strings), then send again.")
        })?),
    };
    if query.iter().any(|(k, _)| k == "access_token") {
        return Err(UiError::invalid_input("Do not pass access_token yourself.")
            .with_hint("The console adds the profile's cached token to every call; remove the parameter."));
    }
    let r = state.resolve(profile_id, "console")?;
    let token = r.cache.access_token(&r.client, &r.key, r.secret()?, false).await?;
    let mut query: Vec<(String, String)> =
        query.into_iter().filter(|(k, _)| !k.trim().is_empty()).collect();
    query.push(("access_token".into(), token.value.expose().to_owned()));
    let resp = r.client.call(method, path, query, body).await?;
    if let Some(code) = resp.errcode
        && wwdev_core::cache::TOKEN_INVALID_CODES.contains(&code)
    {
        // The token was rejected: drop it so the next call fetches a fresh one.
        r.cache.forget_token(&r.key);
    }
    let safe = resp.redacted();
    let body_pretty = safe
        .json
        .as_ref()
        .and_then(|j| serde_json::to_string_pretty(j).ok())
        .unwrap_or_else(|| safe.body.clone());
    Ok(ConsoleResponse {
        status: safe.status,
        latency_ms: safe.latency_ms,
        headers: safe.headers,
        body_pretty,
        errcode: safe.errcode,
        errmsg: safe.errmsg,
        explanation: safe.errcode.filter(|c| *c != 0).and_then(errcode::lookup).map(entry),
    })
}

#[tauri::command]
pub async fn console_catalog() -> UiResult<Vec<ConsoleEndpoint>> {
    Ok(catalog())
}

#[tauri::command]
pub async fn console_send(
    state: State<'_, AppState>,
    profile_id: String,
    method: String,
    path: String,
    query: Vec<(String, String)>,
    body: Option<String>,
) -> UiResult<ConsoleResponse> {
    send(&state, &profile_id, &method, &path, query, body).await
}
