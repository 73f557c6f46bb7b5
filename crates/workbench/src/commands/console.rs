use crate::types::{ConsoleEndpoint, ConsoleParam, ConsoleResponse};
use wwdev_core::error::{UiError, UiResult};
use crate::Workbench;

fn q(name: &str, required: bool, hint: &str, hint_zh: &str) -> ConsoleParam {
    ConsoleParam { name: name.into(), location: "query".into(), required, hint: hint.into(), hint_zh: hint_zh.into() }
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
        ep("GET", "/cgi-bin/user/get", "读取成员", "Get a member", vec![q("userid", true, "e.g. zhangsan", "例如 zhangsan")], None),
        ep("POST", "/cgi-bin/user/convert_to_openid", "userid 转 openid", "userid → openid", vec![], Some("{\n  \"userid\": \"zhangsan\"\n}")),
        ep("GET", "/cgi-bin/auth/getuserinfo", "获取访问用户身份", "Identity from an OAuth code", vec![q("code", true, "the code from the redirect (valid once, 5 min)", "重定向带回的 code（只能用一次，5 分钟内有效）")], None),
        ep("POST", "/cgi-bin/auth/getuserdetail", "获取访问用户敏感信息", "Sensitive member fields", vec![], Some("{\n  \"user_ticket\": \"\"\n}")),
        ep("GET", "/cgi-bin/get_jsapi_ticket", "获取企业 jsapi_ticket", "Corp jsapi_ticket", vec![], None),
        ep("GET", "/cgi-bin/ticket/get", "获取应用 jsapi_ticket", "Agent ticket", vec![q("type", true, "agent_config", "填 agent_config")], None),
        ep("GET", "/cgi-bin/externalcontact/get", "获取客户详情", "External contact", vec![q("external_userid", true, "wo... or wm...", "wo... 或 wm...")], None),
        ep("GET", "/cgi-bin/get_api_domain_ip", "获取企业微信接口 IP 段", "WeCom API IP ranges", vec![], None),
        ep("GET", "/cgi-bin/getcallbackip", "获取企业微信回调 IP 段", "WeCom callback IP ranges", vec![], None),
    ]
}

pub async fn send(
    state: &Workbench,
    profile_id: &str,
    method: &str,
    path: &str,
    query: Vec<(String, String)>,
    body: Option<String>,
) -> UiResult<ConsoleResponse> {
    let body = match body.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(serde_json::from_str::<serde_json::Value>(b).map_err(|e| {
            UiError::invalid_input(format!("The request body is not valid JSON: {e}"), format!("请求体不是有效的 JSON（详情：{e}）"))
                .hint2(
                    "Fix the JSON (double quotes around keys and strings), then send again.",
                    "请修正 JSON（键和字符串都要用双引号），然后重新发送。",
                )
        })?),
    };
    if query.iter().any(|(k, _)| k == "access_token") {
        return Err(UiError::invalid_input("Do not pass access_token yourself.", "不要自己传 access_token。").hint2(
            "The console adds the profile's cached token to every call; remove the parameter.",
            "调试台会给每次调用自动加上配置档案缓存的 token，请删除这个参数。",
        ));
    }
    let r = state.resolve(profile_id, "console")?;
    let resp = wwdev_core::flows::call_with_token(&r.client, r.cache, &r.key, r.secret()?, method, path, query, body).await?;
    Ok(response_view(&resp))
}

/// A WeCom answer as the console shows it: redacted, pretty-printed, errcode explained.
pub fn response_view(resp: &wwdev_core::client::RawResponse) -> ConsoleResponse {
    let safe = resp.redacted();
    let body_pretty = safe
        .json
        .as_ref()
        .and_then(|j| serde_json::to_string_pretty(j).ok())
        .unwrap_or_else(|| safe.body.clone());
    ConsoleResponse {
        status: safe.status,
        latency_ms: safe.latency_ms,
        headers: safe.headers,
        body_pretty,
        errcode: safe.errcode,
        errmsg: safe.errmsg,
        explanation: safe.errcode.filter(|c| *c != 0).and_then(crate::commands::errcodes::get),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_console_parameter_has_a_chinese_hint() {
        for e in catalog() {
            for p in &e.params {
                assert!(!p.hint_zh.trim().is_empty(), "{} {}: {}", e.method, e.path, p.name);
                assert_eq!(wwdev_core::error::english_in(&p.hint_zh), None, "{} {}: {}", e.method, e.path, p.name);
            }
        }
    }

    #[tokio::test]
    async fn a_body_that_is_not_json_is_refused_in_chinese_with_serdes_text_as_detail() {
        let st = Workbench::new(crate::Host::in_memory());
        let e = send(&st, "any", "POST", "/cgi-bin/user/create", vec![], Some("{userid: zs}".into())).await.unwrap_err();
        assert_eq!(e.kind, wwdev_core::error::ErrorKind::InvalidInput);
        assert!(e.message.starts_with("The request body is not valid JSON: key must be a string"), "{e:?}");
        assert!(e.message_zh.starts_with("请求体不是有效的 JSON（详情：key must be a string"), "{e:?}");
        assert_eq!(wwdev_core::error::english_in(&e.message_zh), None, "{e:?}");
    }
}
