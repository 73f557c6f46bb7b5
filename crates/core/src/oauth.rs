//! OAuth (in-client) and web-login (PC browser) links: building with validation, and
//! explaining any pasted link with every problem found (D/91022, D/98171).

use crate::error::CoreError;
use serde::{Deserialize, Serialize};
use url::Url;

mod trusted;
pub use trusted::{authority, host_is_trusted, parse_trusted_entry, url_is_trusted};

pub const OAUTH_HOST: &str = "https://open.weixin.qq.com";
pub const OAUTH_PATH: &str = "/connect/oauth2/authorize";
pub const WEBLOGIN_HOST: &str = "https://login.work.weixin.qq.com";
pub const WEBLOGIN_PATH: &str = "/wwlogin/sso/login";
pub const WEBLOGIN_LEGACY_HOST: &str = "https://open.work.weixin.qq.com";
pub const WEBLOGIN_LEGACY_PATH: &str = "/wwopen/sso/qrConnect";
pub const STATE_MAX_BYTES: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    #[serde(rename = "snsapi_base")]
    Base,
    #[serde(rename = "snsapi_privateinfo")]
    PrivateInfo,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Base => "snsapi_base",
            Scope::PrivateInfo => "snsapi_privateinfo",
        }
    }
    /// Accepts `snsapi_base`/`base` and `snsapi_privateinfo`/`privateinfo`.
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim().to_ascii_lowercase().as_str() {
            "snsapi_base" | "base" => Some(Scope::Base),
            "snsapi_privateinfo" | "privateinfo" | "private_info" => Some(Scope::PrivateInfo),
            _ => None,
        }
    }
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ProblemSeverity", export_to = "ProblemSeverity.ts"))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// WeCom will refuse the link or the flow cannot work.
    Error,
    /// Works in some cases, or likely a mistake.
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export_to = "Problem.ts"))]
pub struct Problem {
    /// Stable snake_case identifier (tests and the UI key on it).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: &'static str,
    pub severity: Severity,
    pub message_zh: String,
    pub message_en: String,
}

fn err(id: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem { id, severity: Severity::Error, message_zh: zh.into(), message_en: en.into() }
}
fn warn(id: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem { id, severity: Severity::Warning, message_zh: zh.into(), message_en: en.into() }
}

/// Turn blocking problems into one InvalidInput error naming them all.
fn blocking(problems: &[Problem]) -> Result<(), CoreError> {
    let errors: Vec<&Problem> = problems.iter().filter(|p| p.severity == Severity::Error).collect();
    if errors.is_empty() {
        return Ok(());
    }
    let field = field_of(errors[0].id);
    let en = errors.iter().map(|p| p.message_en.as_str()).collect::<Vec<_>>().join("; ");
    let zh = errors.iter().map(|p| p.message_zh.as_str()).collect::<Vec<_>>().join("；");
    Err(CoreError::invalid(field, en, zh))
}

fn field_of(id: &str) -> &'static str {
    if id.starts_with("redirect") {
        "redirect_uri"
    } else if id.starts_with("state") {
        "state"
    } else if id.starts_with("agentid") {
        "agentid"
    } else if id.starts_with("lang") {
        "lang"
    } else if id.starts_with("host") {
        "host"
    } else {
        "corpid"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthParams {
    pub corpid: String,
    pub agentid: Option<String>,
    pub redirect_uri: String,
    pub scope: Scope,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebLoginParams {
    pub corpid: String,
    pub agentid: String,
    pub redirect_uri: String,
    pub state: String,
    /// "zh" or "en"; omitted from the link when None.
    pub lang: Option<String>,
    /// The old `wwopen/sso/qrConnect` form.
    pub legacy: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuiltLink {
    pub url: String,
    /// Non-blocking problems (warnings) only; blocking ones are returned as errors.
    pub problems: Vec<Problem>,
}

// ---------- shared checks ----------

fn check_corpid(corpid: &str, field: &str, out: &mut Vec<Problem>) {
    let c = corpid.trim();
    if c.is_empty() {
        out.push(err(
            "appid_missing",
            format!("缺少企业ID({field})。"),
            format!("The corp ID ({field}) is missing."),
        ));
    } else if c.chars().any(|ch| !ch.is_ascii_alphanumeric() && ch != '_' && ch != '-') {
        out.push(warn(
            "appid_suspicious",
            format!("企业ID {c:?} 含有字母数字以外的字符,请确认没有复制多余内容。"),
            format!("The corp ID {c:?} contains characters other than letters and digits; check what was copied."),
        ));
    }
}

/// Which link a `state` belongs to: OAuth restricts its characters (84025), web login
/// only asks for URL-encoding (D/98171; the official example is `web_login@gyoss9`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StateRule {
    OAuth,
    WebLogin,
}

fn check_state(state: &str, rule: StateRule, out: &mut Vec<Problem>) {
    if state.len() > STATE_MAX_BYTES {
        out.push(err(
            "state_too_long",
            format!("state 长度为 {} 字节,最多 {STATE_MAX_BYTES} 字节。", state.len()),
            format!("state is {} bytes long; at most {STATE_MAX_BYTES} are allowed.", state.len()),
        ));
    }
    if rule == StateRule::OAuth && !state.chars().all(|c| c.is_ascii_alphanumeric()) {
        out.push(err(
            "state_charset",
            "OAuth 链接的 state 只能包含 a-z、A-Z、0-9(否则企业微信返回 84025 不符合的state参数);网页登录链接没有这个限制。",
            "An OAuth link's state may only contain a-z, A-Z and 0-9 (else WeCom answers 84025 invalid state); web-login links have no such limit.",
        ));
    }
}

fn check_agentid(agentid: Option<&str>, required: bool, why_zh: &str, why_en: &str, out: &mut Vec<Problem>) {
    match agentid.map(str::trim).filter(|a| !a.is_empty()) {
        None if required => out.push(err(
            "agentid_missing",
            format!("缺少 agentid:{why_zh}"),
            format!("agentid is missing: {why_en}"),
        )),
        None => {}
        Some(a) if a.parse::<u64>().is_err() => out.push(err(
            "agentid_not_integer",
            format!("agentid {a:?} 不是整数(应用详情页的 AgentId)。"),
            format!("agentid {a:?} is not an integer (use the AgentId from the app's page)."),
        )),
        Some(_) => {}
    }
}

/// Checks on a decoded redirect_uri. Returns the parsed URL when absolute.
/// Which flow a redirect_uri serves: web login may also use the app's separate
/// "Web网页授权回调域名" (D/98171), so its texts say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    OAuth,
    WebLogin,
}

fn check_redirect(redirect: &str, trusted_domains: &[String], flow: Flow, out: &mut Vec<Problem>) -> Option<Url> {
    let r = redirect.trim();
    if r.is_empty() {
        out.push(err("redirect_missing", "缺少 redirect_uri。", "redirect_uri is missing."));
        return None;
    }
    let parsed = Url::parse(r).ok().filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
    let Some(u) = parsed else {
        out.push(err(
            "redirect_not_absolute",
            format!("redirect_uri {r:?} 不是以 http:// 或 https:// 开头的完整地址。"),
            format!("redirect_uri {r:?} is not an absolute http:// or https:// URL."),
        ));
        return None;
    };
    let host = u.host_str().unwrap_or_default().to_string();
    if u.scheme() == "http" {
        out.push(warn(
            "redirect_not_https",
            "redirect_uri 使用 http,建议使用 https。",
            "redirect_uri uses http; prefer https.",
        ));
    }
    if u.fragment().is_some() {
        out.push(warn(
            "redirect_has_fragment",
            "redirect_uri 含有 #片段:企业微信把 code 和 state 拼在 ? 查询串上,单页应用的 hash 路由可能读不到。",
            "redirect_uri contains a #fragment: WeCom appends code and state to the query, which hash-routed pages may not read.",
        ));
    }
    if !trusted_domains.is_empty() && !url_is_trusted(&u, trusted_domains) {
        let hp = authority(&u).unwrap_or_else(|| host.clone());
        let list = trusted_domains.join(", ");
        let (where_zh, where_en) = match flow {
            Flow::OAuth => ("应用的可信域名", "the app's trusted domains"),
            Flow::WebLogin => (
                "应用的可信域名或“Web网页授权回调域名”",
                "the app's trusted domains or its \"Web网页授权回调域名\" (web-login callback domain)",
            ),
        };
        out.push(warn(
            "redirect_not_trusted",
            format!("redirect_uri 的域名 {hp} 与{where_zh}({list})都不完全一致:企业微信要求完全匹配(含端口),子域名不算,例如可信域名 qq.com 不包括 www.qq.com;企业微信会提示“redirect_uri需使用应用可信域名”,换取身份时返回 50001。"),
            format!("The redirect host {hp} does not exactly match {where_en} ({list}): WeCom requires an exact match, port included, and a subdomain does not count (trusted qq.com does not cover www.qq.com); WeCom shows \"redirect_uri需使用应用可信域名\" and the identity exchange answers 50001."),
        ));
    }
    Some(u)
}

fn host_base(host: Option<&str>, default: &str) -> Result<String, CoreError> {
    let h = host.map(str::trim).filter(|h| !h.is_empty()).unwrap_or(default).trim_end_matches('/');
    match Url::parse(h) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(h.to_string()),
        _ => Err(CoreError::invalid(
            "host",
            format!("{h:?} is not an http(s)://host[:port] base"),
            format!("{h:?} 不是 http(s)://host[:port] 形式的地址"),
        )),
    }
}

// ---------- building ----------

/// All problems of OAuth parameters (blocking and not).
pub fn validate_oauth(params: &OAuthParams, trusted_domains: &[String]) -> Vec<Problem> {
    let mut out = Vec::new();
    check_corpid(&params.corpid, "appid", &mut out);
    check_redirect(&params.redirect_uri, trusted_domains, Flow::OAuth, &mut out);
    check_state(&params.state, StateRule::OAuth, &mut out);
    check_agentid(
        params.agentid.as_deref(),
        params.scope == Scope::PrivateInfo,
        "snsapi_privateinfo 必须带应用的 agentid。",
        "snsapi_privateinfo requires the app's agentid.",
        &mut out,
    );
    out
}

/// The in-client OAuth link at the official host.
pub fn build_oauth_url(params: &OAuthParams, trusted_domains: &[String]) -> Result<BuiltLink, CoreError> {
    build_oauth_url_at(params, trusted_domains, None)
}

/// The OAuth link at `oauth_host` (e.g. the sandbox base URL), or the official host.
pub fn build_oauth_url_at(
    params: &OAuthParams,
    trusted_domains: &[String],
    oauth_host: Option<&str>,
) -> Result<BuiltLink, CoreError> {
    let problems = validate_oauth(params, trusted_domains);
    blocking(&problems)?;
    let base = host_base(oauth_host, OAUTH_HOST)?;
    // form_urlencoded encodes every reserved byte, so redirect_uri is fully encoded.
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("appid", params.corpid.trim())
        .append_pair("redirect_uri", params.redirect_uri.trim())
        .append_pair("response_type", "code")
        .append_pair("scope", params.scope.as_str())
        .append_pair("state", &params.state);
    if let Some(a) = params.agentid.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
        q.append_pair("agentid", a);
    }
    Ok(BuiltLink { url: format!("{base}{OAUTH_PATH}?{}#wechat_redirect", q.finish()), problems })
}

pub fn validate_weblogin(params: &WebLoginParams, trusted_domains: &[String]) -> Vec<Problem> {
    let mut out = Vec::new();
    check_corpid(&params.corpid, "appid", &mut out);
    check_agentid(
        Some(&params.agentid),
        true,
        "网页登录必须带自建应用的 agentid。",
        "web login needs the app's agentid.",
        &mut out,
    );
    check_redirect(&params.redirect_uri, trusted_domains, Flow::WebLogin, &mut out);
    check_state(&params.state, StateRule::WebLogin, &mut out);
    if let Some(l) = params.lang.as_deref().filter(|l| !matches!(*l, "zh" | "en")) {
        out.push(err("lang_invalid", format!("lang {l:?} 只能是 zh 或 en。"), format!("lang {l:?} must be zh or en.")));
    }
    out
}

/// The web-login link (current or legacy form) at the official host.
pub fn build_weblogin_url(params: &WebLoginParams, trusted_domains: &[String]) -> Result<BuiltLink, CoreError> {
    build_weblogin_url_at(params, trusted_domains, None)
}

/// The web-login link at `host` (e.g. the sandbox base URL) or the official host.
pub fn build_weblogin_url_at(
    params: &WebLoginParams,
    trusted_domains: &[String],
    host: Option<&str>,
) -> Result<BuiltLink, CoreError> {
    let problems = validate_weblogin(params, trusted_domains);
    blocking(&problems)?;
    let mut q = form_urlencoded::Serializer::new(String::new());
    let (base, path) = if params.legacy {
        (host_base(host, WEBLOGIN_LEGACY_HOST)?, WEBLOGIN_LEGACY_PATH)
    } else {
        q.append_pair("login_type", "CorpApp");
        (host_base(host, WEBLOGIN_HOST)?, WEBLOGIN_PATH)
    };
    q.append_pair("appid", params.corpid.trim())
        .append_pair("agentid", params.agentid.trim())
        .append_pair("redirect_uri", params.redirect_uri.trim())
        .append_pair("state", &params.state);
    if let Some(l) = &params.lang {
        q.append_pair("lang", l);
    }
    Ok(BuiltLink { url: format!("{base}{path}?{}", q.finish()), problems })
}

// ---------- explaining ----------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    #[serde(rename = "oauth")]
    OAuth,
    WebLogin,
    WebLoginLegacy,
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub kind: LinkKind,
    /// Query parameters in order, percent-decoded.
    pub fields: Vec<(String, String)>,
    /// The `#...` part without `#`, if any.
    pub fragment: Option<String>,
    pub problems: Vec<Problem>,
}

impl Explanation {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// Parse any OAuth / web-login link and list every problem. Never panics.
pub fn explain_url(input: &str, trusted_domains: &[String]) -> Explanation {
    let mut problems = Vec::new();
    let raw = input.trim();
    let Ok(u) = Url::parse(raw) else {
        problems.push(err(
            "not_a_url",
            "这不是一个完整的 URL(应以 https:// 开头)。",
            "This is not a complete URL (it should start with https://).",
        ));
        return Explanation { kind: LinkKind::Unknown, fields: Vec::new(), fragment: None, problems };
    };
    let fields: Vec<(String, String)> = u.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let fragment = u.fragment().map(str::to_string);
    let host = u.host_str().unwrap_or_default().to_ascii_lowercase();
    let path = u.path().trim_end_matches('/');

    let kind = match path {
        OAUTH_PATH => LinkKind::OAuth,
        WEBLOGIN_PATH => LinkKind::WebLogin,
        WEBLOGIN_LEGACY_PATH => LinkKind::WebLoginLegacy,
        _ => LinkKind::Unknown,
    };
    let expected = match kind {
        LinkKind::OAuth => Some(OAUTH_HOST),
        LinkKind::WebLogin => Some(WEBLOGIN_HOST),
        LinkKind::WebLoginLegacy => Some(WEBLOGIN_LEGACY_HOST),
        LinkKind::Unknown => None,
    };
    match expected {
        None => {
            let known_host = [OAUTH_HOST, WEBLOGIN_HOST, WEBLOGIN_LEGACY_HOST]
                .iter()
                .any(|h| h.trim_start_matches("https://") == host);
            if known_host {
                problems.push(err(
                    "wrong_path",
                    format!("主机 {host} 正确,但路径 {} 不是授权或登录地址(应为 {OAUTH_PATH}、{WEBLOGIN_PATH} 或 {WEBLOGIN_LEGACY_PATH})。", u.path()),
                    format!("The host {host} is right but the path {} is not an authorize or login path (expected {OAUTH_PATH}, {WEBLOGIN_PATH} or {WEBLOGIN_LEGACY_PATH}).", u.path()),
                ));
            } else {
                problems.push(err(
                    "unknown_link",
                    "无法识别的链接:既不是 OAuth 授权链接,也不是网页登录链接。",
                    "Unrecognised link: neither an OAuth authorize link nor a web-login link.",
                ));
            }
        }
        Some(exp) => {
            let exp_host = exp.trim_start_matches("https://");
            if host != exp_host {
                let wrong_known = [OAUTH_HOST, WEBLOGIN_HOST, WEBLOGIN_LEGACY_HOST]
                    .iter()
                    .any(|h| h.trim_start_matches("https://") == host);
                if wrong_known {
                    problems.push(err(
                        "wrong_host",
                        format!("路径 {path} 应使用主机 {exp_host},而不是 {host}。"),
                        format!("The path {path} belongs on host {exp_host}, not {host}."),
                    ));
                } else {
                    problems.push(warn(
                        "unofficial_host",
                        format!("链接指向 {host} 而不是 {exp_host}(沙箱或代理可以这样做,真实用户不行)。"),
                        format!("The link points at {host}, not {exp_host} (fine for the sandbox or a proxy, not for real users)."),
                    ));
                }
            } else if u.scheme() != "https" {
                problems.push(warn("link_not_https", "链接应使用 https。", "The link should use https."));
            }
        }
    }

    // duplicated parameters: WeCom reads one of them, which one is unspecified
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in &fields {
        if seen.contains(&k.as_str()) {
            if !problems.iter().any(|p| p.id == "duplicate_param" && p.message_en.contains(&format!("`{k}`"))) {
                problems.push(warn(
                    "duplicate_param",
                    format!("参数 `{k}` 出现了多次。"),
                    format!("The parameter `{k}` appears more than once."),
                ));
            }
        } else {
            seen.push(k);
        }
    }

    let get = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());

    if kind != LinkKind::Unknown {
        check_corpid(get("appid").unwrap_or(""), "appid", &mut problems);
        check_raw_redirect(u.query().unwrap_or(""), &mut problems);
        match get("redirect_uri") {
            None => problems.push(err("redirect_missing", "缺少 redirect_uri 参数。", "The redirect_uri parameter is missing.")),
            Some(r) => {
                if looks_encoded(r) {
                    problems.push(err(
                        "redirect_double_encoded",
                        "redirect_uri 被编码了两次:解码一次后仍是 https%3A%2F%2F… 形式,企业微信无法跳转。",
                        "redirect_uri is encoded twice: after one decoding it still reads https%3A%2F%2F…, so WeCom cannot redirect.",
                    ));
                } else {
                    let flow = if kind == LinkKind::OAuth { Flow::OAuth } else { Flow::WebLogin };
                    check_redirect(r, trusted_domains, flow, &mut problems);
                }
            }
        }
        // state is optional; when present it must follow the rules
        if let Some(s) = get("state") {
            let rule = if kind == LinkKind::OAuth { StateRule::OAuth } else { StateRule::WebLogin };
            check_state(s, rule, &mut problems);
        }
    }

    match kind {
        LinkKind::OAuth => {
            match get("response_type") {
                None => problems.push(err("response_type_missing", "缺少 response_type=code。", "response_type=code is missing.")),
                Some("code") => {}
                Some(other) => problems.push(err(
                    "response_type_invalid",
                    format!("response_type 是 {other:?},必须是 code。"),
                    format!("response_type is {other:?}; it must be code."),
                )),
            }
            let scope = get("scope");
            match scope {
                None => problems.push(err(
                    "scope_missing",
                    "缺少 scope(snsapi_base 或 snsapi_privateinfo)。",
                    "scope is missing (snsapi_base or snsapi_privateinfo).",
                )),
                Some("snsapi_base") | Some("snsapi_privateinfo") => {}
                Some(other) => problems.push(err(
                    "scope_unknown",
                    format!("未知的 scope {other:?}:企业微信只支持 snsapi_base 和 snsapi_privateinfo(snsapi_userinfo 是微信公众号的)。"),
                    format!("Unknown scope {other:?}: WeCom supports only snsapi_base and snsapi_privateinfo (snsapi_userinfo belongs to WeChat Official Accounts)."),
                )),
            }
            check_agentid(
                get("agentid"),
                scope == Some("snsapi_privateinfo"),
                "snsapi_privateinfo 必须带应用的 agentid。",
                "snsapi_privateinfo requires the app's agentid.",
                &mut problems,
            );
            match fragment.as_deref() {
                Some("wechat_redirect") => {}
                None | Some("") => problems.push(err(
                    "missing_wechat_redirect",
                    "链接末尾缺少 #wechat_redirect。",
                    "The link must end with #wechat_redirect.",
                )),
                Some(f) => {
                    if f.contains('=') {
                        problems.push(err(
                            "params_after_fragment",
                            format!("# 之后的内容 {f:?} 里有参数:# 后面的参数不会发送给企业微信,请把它们移到 # 之前。"),
                            format!("The part after # ({f:?}) holds parameters: they never reach WeCom; move them before the #."),
                        ));
                    }
                    if !f.starts_with("wechat_redirect") {
                        problems.push(err(
                            "missing_wechat_redirect",
                            format!("片段是 #{f},应为 #wechat_redirect。"),
                            format!("The fragment is #{f}; it must be #wechat_redirect."),
                        ));
                    }
                }
            }
        }
        LinkKind::WebLogin | LinkKind::WebLoginLegacy => {
            if kind == LinkKind::WebLogin {
                match get("login_type") {
                    None => problems.push(err("login_type_missing", "缺少 login_type(自建应用为 CorpApp)。", "login_type is missing (CorpApp for a self-built app).")),
                    Some("CorpApp") | Some("ServiceApp") => {}
                    Some(other) => problems.push(err(
                        "login_type_invalid",
                        format!("login_type {other:?} 无效,应为 CorpApp(自建应用)或 ServiceApp(第三方应用)。"),
                        format!("login_type {other:?} is invalid; use CorpApp (self-built app) or ServiceApp (third-party app)."),
                    )),
                }
            }
            let needs_agent = kind == LinkKind::WebLoginLegacy || get("login_type") != Some("ServiceApp");
            check_agentid(get("agentid"), needs_agent, "网页登录必须带应用的 agentid。", "web login needs the app's agentid.", &mut problems);
            if let Some(l) = get("lang").filter(|l| !matches!(*l, "zh" | "en")) {
                problems.push(warn("lang_invalid", format!("lang {l:?} 只能是 zh 或 en。"), format!("lang {l:?} should be zh or en.")));
            }
            if let Some(f) = fragment.as_deref().filter(|f| !f.is_empty()) {
                problems.push(warn(
                    "unexpected_fragment",
                    format!("网页登录链接不需要 #{f}。"),
                    format!("Web-login links need no #{f}."),
                ));
            }
        }
        LinkKind::Unknown => {}
    }
    Explanation { kind, fields, fragment, problems }
}

/// `https%3A%2F%2F` still present after one decoding.
fn looks_encoded(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    l.starts_with("http%3a") || l.starts_with("https%3a") || l.contains("%3a%2f%2f")
}

/// The raw (undecoded) redirect_uri must be percent-encoded, else its own query
/// is split into the link's parameters.
fn check_raw_redirect(raw_query: &str, out: &mut Vec<Problem>) {
    let Some(raw) = raw_query
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| *k == "redirect_uri")
        .map(|(_, v)| v)
    else {
        return;
    };
    if raw.contains("://") || raw.contains('?') || raw.contains('/') {
        out.push(err(
            "redirect_not_encoded",
            "redirect_uri 没有 URL 编码:其中的 ?、& 等会被当成授权链接自己的参数。请用 urlencode 编码整个 redirect_uri。",
            "redirect_uri is not URL-encoded: its ? and & are read as parameters of the link itself. URL-encode the whole redirect_uri.",
        ));
    }
}

// ---------- batch ----------

/// What every link of a batch shares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchBase {
    pub corpid: String,
    pub agentid: Option<String>,
    /// Scheme and host (and port) the redirect paths are joined to, e.g. `https://app.example.com`.
    pub redirect_origin: String,
    pub trusted_domains: Vec<String>,
    /// Override for the OAuth host (sandbox).
    pub oauth_host: Option<String>,
}

/// One link of a batch. `url` is None when a blocking problem stopped it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchItem {
    pub scope: Scope,
    pub state: String,
    pub redirect_uri: String,
    pub url: Option<String>,
    pub problems: Vec<Problem>,
}

/// Every combination of scope × state × redirect path, in that nesting order.
pub fn batch(scopes: &[Scope], states: &[String], redirect_paths: &[String], base: &BatchBase) -> Vec<BatchItem> {
    let origin = base.redirect_origin.trim();
    let mut out = Vec::new();
    for &scope in scopes {
        for state in states {
            for path in redirect_paths {
                let redirect_uri = match Url::parse(origin).and_then(|o| o.join(path.trim())) {
                    Ok(u) => u.to_string(),
                    Err(_) => format!("{}{}", origin.trim_end_matches('/'), path.trim()),
                };
                let params = OAuthParams {
                    corpid: base.corpid.clone(),
                    agentid: base.agentid.clone(),
                    redirect_uri: redirect_uri.clone(),
                    scope,
                    state: state.clone(),
                };
                let (url, problems) = match build_oauth_url_at(&params, &base.trusted_domains, base.oauth_host.as_deref()) {
                    Ok(b) => (Some(b.url), b.problems),
                    Err(e) => {
                        let mut p = validate_oauth(&params, &base.trusted_domains);
                        if p.is_empty() {
                            p.push(err("host_invalid", e.message_zh(), e.to_string()));
                        }
                        (None, p)
                    }
                };
                out.push(BatchItem { scope, state: state.clone(), redirect_uri, url, problems });
            }
        }
    }
    out
}

/// RFC 4180 CSV. Hand-written: four columns do not justify another dependency.
pub fn to_csv(items: &[BatchItem]) -> String {
    fn cell(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
    }
    let mut out = String::from("scope,state,redirect_uri,url,problems\r\n");
    for i in items {
        let problems = i.problems.iter().map(|p| p.id).collect::<Vec<_>>().join(" ");
        let row = [i.scope.as_str(), &i.state, &i.redirect_uri, i.url.as_deref().unwrap_or(""), &problems];
        out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// A Markdown table (pipes escaped).
pub fn to_markdown(items: &[BatchItem]) -> String {
    fn cell(s: &str) -> String {
        s.replace('|', "\\|").replace(['\n', '\r'], " ")
    }
    let mut out = String::from("| scope | state | redirect_uri | url | problems |\n| --- | --- | --- | --- | --- |\n");
    for i in items {
        let problems = i.problems.iter().map(|p| p.id).collect::<Vec<_>>().join(", ");
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            i.scope.as_str(),
            cell(&i.state),
            cell(&i.redirect_uri),
            i.url.as_deref().map(|u| format!("<{}>", cell(u))).unwrap_or_else(|| "—".into()),
            cell(&problems)
        ));
    }
    out
}

#[cfg(test)]
mod tests;
