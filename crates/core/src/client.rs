//! The WeCom server-API client (reqwest + rustls).
//!
//! Every call — success, errcode, HTTP error or transport failure — produces exactly
//! one redacted [`RequestRecord`] for the sink. There are no silent retries: a
//! debugging tool must show what happened. Secrets only leave through the HTTP call.

use crate::error::{CoreError, redact_any, snippet};
use crate::record::{RequestRecord, RequestSink, redact_query, redact_text};
use crate::secret::Secret;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const DEFAULT_BASE_URL: &str = "https://qyapi.weixin.qq.com";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// How to reach WeCom (or the sandbox) and how to tag request records.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme and host (and port), e.g. `https://qyapi.weixin.qq.com`; a trailing `/` is ignored.
    pub base_url: String,
    /// Applies to the whole call, connect to last body byte.
    pub timeout: Duration,
    /// Explicit proxy URL. When `None`, reqwest honours HTTP_PROXY/HTTPS_PROXY/NO_PROXY.
    pub proxy: Option<String>,
    /// Profile name written into request records.
    pub profile: String,
    /// Feature name written into request records.
    pub feature: String,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_string(),
            timeout: DEFAULT_TIMEOUT,
            proxy: None,
            profile: String::new(),
            feature: "cli".to_string(),
        }
    }
}

/// A WeCom API client. Cloning is cheap (shared connection pool).
#[derive(Clone)]
pub struct WeComClient {
    http: reqwest::Client,
    base_url: Arc<str>,
    timeout: Duration,
    profile: Arc<str>,
    feature: Arc<str>,
    sink: Option<Arc<dyn RequestSink>>,
}

impl std::fmt::Debug for WeComClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WeComClient")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("profile", &self.profile)
            .field("feature", &self.feature)
            .finish()
    }
}

/// Any answer that came back over HTTP, as received.
///
/// `body` is the raw text (it may hold tokens); use [`RawResponse::redacted`] before
/// storing or displaying it somewhere persistent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub json: Option<Value>,
    pub errcode: Option<i64>,
    pub errmsg: Option<String>,
    pub latency_ms: u64,
}

impl RawResponse {
    /// Read an HTTP answer as received: the JSON object (if the body is one), its
    /// errcode and errmsg. No I/O, so the fuzz targets drive it with any body.
    pub fn from_http(status: u16, headers: Vec<(String, String)>, body: String, latency_ms: u64) -> Self {
        let json = serde_json::from_str::<Value>(&body).ok().filter(Value::is_object);
        let errcode = json.as_ref().and_then(|j| j.get("errcode")).and_then(Value::as_i64);
        let errmsg = json.as_ref().and_then(|j| j.get("errmsg")).and_then(Value::as_str).map(str::to_string);
        RawResponse { status, headers, body, json, errcode, errmsg, latency_ms }
    }

    /// Turn the answer into an error the way the typed methods do: non-200 → `Http`,
    /// non-JSON → `Decode`, errcode ≠ 0 → `WeCom`.
    pub fn check(&self, url: &str) -> Result<(), CoreError> {
        if self.status != 200 {
            return Err(CoreError::Http {
                status: self.status,
                url: url.to_string(),
                snippet: snippet(&self.body),
            });
        }
        if self.json.is_none() {
            let (message, message_zh) = match serde_json::from_str::<Value>(&self.body) {
                Err(e) => (format!("not JSON ({e})"), format!("不是 JSON（详情：{e}）")),
                Ok(_) => ("not a JSON object".to_string(), "不是 JSON 对象".to_string()),
            };
            return Err(CoreError::Decode { url: url.to_string(), message, message_zh, snippet: snippet(&self.body) });
        }
        match self.errcode {
            Some(code) if code != 0 => Err(CoreError::wecom(code, self.errmsg.clone().unwrap_or_default())),
            _ => Ok(()),
        }
    }

    /// A copy with tokens, tickets and codes masked in the body and JSON.
    pub fn redacted(&self) -> RawResponse {
        let mut out = self.clone();
        out.body = redact_any(&self.body);
        if let Some(j) = out.json.as_mut() {
            crate::record::redact_json(j);
        }
        out
    }
}

// ---------- typed responses ----------

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TokenResponse {
    pub access_token: Secret,
    pub expires_in: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TicketResponse {
    pub ticket: Secret,
    pub expires_in: i64,
}

/// Result of `auth/getuserinfo`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UserInfo {
    /// A member of the corp. `user_ticket`/`expires_in` only for snsapi_privateinfo.
    Member { userid: String, user_ticket: Option<Secret>, expires_in: Option<i64> },
    /// Not a member: `external_userid` when the user is a customer of a follower in range.
    NonMember { openid: String, external_userid: Option<String> },
}

impl UserInfo {
    pub fn userid(&self) -> Option<&str> {
        match self {
            UserInfo::Member { userid, .. } => Some(userid),
            UserInfo::NonMember { .. } => None,
        }
    }
    pub fn user_ticket(&self) -> Option<&Secret> {
        match self {
            UserInfo::Member { user_ticket, .. } => user_ticket.as_ref(),
            UserInfo::NonMember { .. } => None,
        }
    }
}

/// Result of the legacy `user/getuserinfo` (CamelCase field names on the wire).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct LegacyUserInfo {
    #[serde(rename = "UserId", default)]
    pub user_id: Option<String>,
    #[serde(rename = "DeviceId", default)]
    pub device_id: Option<String>,
    #[serde(rename = "OpenId", default)]
    pub open_id: Option<String>,
    #[serde(default)]
    pub user_ticket: Option<Secret>,
    #[serde(default)]
    pub expires_in: Option<i64>,
    #[serde(default)]
    pub external_userid: Option<String>,
}

/// Result of `auth/getuserdetail` (sensitive member fields).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct UserDetail {
    pub userid: String,
    /// "0" unknown, "1" male, "2" female. Numbers are accepted too.
    #[serde(default, deserialize_with = "lenient_string")]
    pub gender: Option<String>,
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub qr_code: Option<String>,
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub biz_mail: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

/// Result of `user/get`. Fields not listed are kept in `extra`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct User {
    pub userid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub department: Option<Vec<i64>>,
    #[serde(default)]
    pub order: Option<Vec<i64>>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub is_leader_in_dept: Option<Vec<i64>>,
    #[serde(default)]
    pub direct_leader: Option<Vec<String>>,
    #[serde(default)]
    pub telephone: Option<String>,
    #[serde(default)]
    pub alias: Option<String>,
    #[serde(default)]
    pub open_userid: Option<String>,
    #[serde(default)]
    pub main_department: Option<i64>,
    /// 1 active, 2 disabled, 4 not activated, 5 left.
    #[serde(default)]
    pub status: Option<i64>,
    #[serde(default)]
    pub extattr: Option<Value>,
    #[serde(default)]
    pub external_profile: Option<Value>,
    // Only for apps created before 2022-06-20.
    #[serde(default)]
    pub mobile: Option<String>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub gender: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub biz_mail: Option<String>,
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub qr_code: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExternalContact {
    pub external_userid: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub position: Option<String>,
    #[serde(default)]
    pub avatar: Option<String>,
    #[serde(default)]
    pub corp_name: Option<String>,
    #[serde(default)]
    pub corp_full_name: Option<String>,
    /// 1 WeChat user, 2 WeCom user.
    #[serde(rename = "type", default)]
    pub contact_type: Option<i64>,
    #[serde(default)]
    pub gender: Option<i64>,
    #[serde(default)]
    pub unionid: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FollowUser {
    pub userid: String,
    #[serde(default)]
    pub remark: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub createtime: Option<i64>,
    #[serde(default)]
    pub add_way: Option<i64>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExternalContactResponse {
    pub external_contact: ExternalContact,
    #[serde(default)]
    pub follow_user: Vec<FollowUser>,
    #[serde(default)]
    pub next_cursor: Option<String>,
}

/// Accept `"1"`, `1` or null for fields WeCom documents as strings but that
/// some deployments send as numbers.
fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => Some(other.to_string()),
    })
}

#[derive(Deserialize)]
struct RawUserInfo {
    #[serde(default)]
    userid: Option<String>,
    #[serde(default)]
    user_ticket: Option<Secret>,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    openid: Option<String>,
    #[serde(default)]
    external_userid: Option<String>,
}

impl WeComClient {
    pub fn new(config: ClientConfig, sink: Option<Arc<dyn RequestSink>>) -> Result<Self, CoreError> {
        let base = config.base_url.trim().trim_end_matches('/').to_string();
        let parsed = url::Url::parse(&base)
            .map_err(|e| {
                CoreError::config(
                    format!("base URL {base:?} is not a valid URL: {e}"),
                    format!("API 地址 {base:?} 不是有效的 URL（详情：{e}）"),
                )
            })?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(CoreError::config(
                format!("base URL {base:?} must be http(s)://host[:port], e.g. {DEFAULT_BASE_URL}"),
                format!("API 地址 {base:?} 必须形如 http(s)://host[:port]，例如 {DEFAULT_BASE_URL}"),
            ));
        }
        if config.timeout.is_zero() {
            return Err(CoreError::config("timeout must be greater than zero", "超时时间必须大于 0"));
        }
        let mut builder = crate::http::client_builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // WeCom answers plain http with a 301; following it would hide the mistake.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("wwdev/", env!("CARGO_PKG_VERSION")));
        if let Some(p) = config.proxy.as_deref().filter(|p| !p.trim().is_empty()) {
            let proxy = reqwest::Proxy::all(p.trim()).map_err(|e| {
                let p = redact_text(p);
                CoreError::config(format!("proxy URL {p:?} is invalid: {e}"), format!("代理地址 {p:?} 无效（详情：{e}）"))
            })?;
            builder = builder.proxy(proxy);
        }
        let http = builder
            .build()
            .map_err(|e| {
                CoreError::config(format!("could not build the HTTP client: {e}"), format!("无法创建 HTTP 客户端（详情：{e}）"))
            })?;
        Ok(Self {
            http,
            base_url: base.into(),
            timeout: config.timeout,
            profile: config.profile.into(),
            feature: config.feature.into(),
            sink,
        })
    }

    /// Same client, records tagged with another feature name.
    pub fn with_feature(&self, feature: &str) -> Self {
        let mut c = self.clone();
        c.feature = feature.into();
        c
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    pub fn feature(&self) -> &str {
        &self.feature
    }
    pub fn profile(&self) -> &str {
        &self.profile
    }
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    // ---------- endpoints ----------

    pub async fn gettoken(&self, corpid: &str, secret: &Secret) -> Result<TokenResponse, CoreError> {
        if corpid.trim().is_empty() {
            return Err(CoreError::invalid("corpid", "is empty", "不能为空"));
        }
        if secret.is_empty() {
            return Err(CoreError::invalid("secret", "is empty", "不能为空"));
        }
        let q = vec![
            ("corpid".to_string(), corpid.trim().to_string()),
            ("corpsecret".to_string(), secret.expose().trim().to_string()),
        ];
        self.get_typed("/cgi-bin/gettoken", q).await
    }

    /// The corp jsapi_ticket (for `wx.config` / `getConfigSignature`).
    pub async fn get_jsapi_ticket(&self, token: &Secret) -> Result<TicketResponse, CoreError> {
        self.get_typed("/cgi-bin/get_jsapi_ticket", vec![tok(token)]).await
    }

    /// The agent ticket (for `wx.agentConfig` / `getAgentConfigSignature`).
    pub async fn get_agent_config_ticket(&self, token: &Secret) -> Result<TicketResponse, CoreError> {
        let q = vec![tok(token), ("type".to_string(), "agent_config".to_string())];
        self.get_typed("/cgi-bin/ticket/get", q).await
    }

    pub async fn auth_getuserinfo(&self, token: &Secret, code: &str) -> Result<UserInfo, CoreError> {
        let code = nonempty("code", code)?;
        let q = vec![tok(token), ("code".to_string(), code.to_string())];
        let raw = self.exec(Method::GET, "/cgi-bin/auth/getuserinfo", q, None).await?;
        decode_userinfo(&self.url("/cgi-bin/auth/getuserinfo"), raw)
    }

    /// The legacy `user/getuserinfo`, still used by many SDKs.
    pub async fn user_getuserinfo_legacy(&self, token: &Secret, code: &str) -> Result<LegacyUserInfo, CoreError> {
        let code = nonempty("code", code)?;
        let q = vec![tok(token), ("code".to_string(), code.to_string())];
        self.get_typed("/cgi-bin/user/getuserinfo", q).await
    }

    pub async fn auth_getuserdetail(&self, token: &Secret, user_ticket: &Secret) -> Result<UserDetail, CoreError> {
        if user_ticket.is_empty() {
            return Err(CoreError::invalid("user_ticket", "is empty", "不能为空"));
        }
        let body = serde_json::json!({ "user_ticket": user_ticket.expose() });
        self.post_typed("/cgi-bin/auth/getuserdetail", vec![tok(token)], body).await
    }

    pub async fn user_get(&self, token: &Secret, userid: &str) -> Result<User, CoreError> {
        let userid = nonempty("userid", userid)?;
        let q = vec![tok(token), ("userid".to_string(), userid.to_string())];
        self.get_typed("/cgi-bin/user/get", q).await
    }

    pub async fn convert_to_openid(&self, token: &Secret, userid: &str) -> Result<String, CoreError> {
        #[derive(Deserialize)]
        struct R {
            openid: String,
        }
        let userid = nonempty("userid", userid)?;
        let body = serde_json::json!({ "userid": userid });
        let r: R = self.post_typed("/cgi-bin/user/convert_to_openid", vec![tok(token)], body).await?;
        Ok(r.openid)
    }

    pub async fn externalcontact_get(
        &self,
        token: &Secret,
        external_userid: &str,
        cursor: Option<&str>,
    ) -> Result<ExternalContactResponse, CoreError> {
        let id = nonempty("external_userid", external_userid)?;
        let mut q = vec![tok(token), ("external_userid".to_string(), id.to_string())];
        if let Some(c) = cursor.filter(|c| !c.is_empty()) {
            q.push(("cursor".to_string(), c.to_string()));
        }
        self.get_typed("/cgi-bin/externalcontact/get", q).await
    }

    pub async fn get_api_domain_ip(&self, token: &Secret) -> Result<Vec<String>, CoreError> {
        self.ip_list("/cgi-bin/get_api_domain_ip", token).await
    }

    pub async fn getcallbackip(&self, token: &Secret) -> Result<Vec<String>, CoreError> {
        self.ip_list("/cgi-bin/getcallbackip", token).await
    }

    async fn ip_list(&self, path: &str, token: &Secret) -> Result<Vec<String>, CoreError> {
        #[derive(Deserialize)]
        struct R {
            ip_list: Vec<String>,
        }
        let r: R = self.get_typed(path, vec![tok(token)]).await?;
        Ok(r.ip_list)
    }

    /// Any `/cgi-bin/` API. Returns the answer whenever one arrived, even a non-200,
    /// a non-JSON body or an errcode (the console shows it); call
    /// [`RawResponse::check`] to turn those into errors. Transport failures are errors.
    /// Put `access_token` into `query` yourself.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<Value>,
    ) -> Result<RawResponse, CoreError> {
        let m = match method.trim().to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            other => {
                return Err(CoreError::invalid(
                    "method",
                    format!("{other:?} is not supported; use GET or POST"),
                    format!("不支持 {other:?}，请使用 GET 或 POST"),
                ));
            }
        };
        let path = normalize_cgi_path(path)?;
        self.exec(m, &path, query, body).await
    }

    /// `base_url + path`, without a query (safe for messages).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    // ---------- plumbing ----------

    async fn get_typed<T: DeserializeOwned>(&self, path: &str, q: Vec<(String, String)>) -> Result<T, CoreError> {
        let raw = self.exec(Method::GET, path, q, None).await?;
        self.decode(path, raw)
    }

    async fn post_typed<T: DeserializeOwned>(
        &self,
        path: &str,
        q: Vec<(String, String)>,
        body: Value,
    ) -> Result<T, CoreError> {
        let raw = self.exec(Method::POST, path, q, Some(body)).await?;
        self.decode(path, raw)
    }

    fn decode<T: DeserializeOwned>(&self, path: &str, raw: RawResponse) -> Result<T, CoreError> {
        decode_as(&self.url(path), raw)
    }

    /// One HTTP exchange and its record. The only place secrets are sent.
    async fn exec(
        &self,
        method: Method,
        path: &str,
        query: Vec<(String, String)>,
        body: Option<Value>,
    ) -> Result<RawResponse, CoreError> {
        let url = self.url(path);
        let time_ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
        let mut record = RequestRecord {
            id: None,
            time_ms,
            profile: self.profile.to_string(),
            feature: self.feature.to_string(),
            base_url: self.base_url.to_string(),
            method: method.to_string(),
            path: path.to_string(),
            query: redact_query(&query),
            request_body: body.as_ref().map(|b| {
                let mut b = b.clone();
                crate::record::redact_json(&mut b);
                b.to_string()
            }),
            status: None,
            errcode: None,
            errmsg: None,
            latency_ms: 0,
            response_headers: Vec::new(),
            response_body: None,
            error: None,
        };
        tracing::debug!(method = %method, path, "wecom call");

        let mut req = self.http.request(method, &url).query(&query);
        if let Some(b) = &body {
            req = req.json(b);
        }
        let started = Instant::now();
        let result = async {
            let resp = req.send().await?;
            let status = resp.status().as_u16();
            let headers: Vec<(String, String)> = resp
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
                .collect();
            let text = resp.text().await?;
            Ok::<_, reqwest::Error>((status, headers, text))
        }
        .await;
        let latency_ms = started.elapsed().as_millis() as u64;
        record.latency_ms = latency_ms;

        match result {
            Err(e) => {
                let err = self.transport_error(&url, e);
                tracing::debug!(path, kind = err.kind().as_str(), "wecom call failed");
                record.error = Some(err.to_string());
                self.emit(record);
                Err(err)
            }
            Ok((status, headers, text)) => {
                let raw = RawResponse::from_http(status, headers, text, latency_ms);
                record.status = Some(status);
                record.errcode = raw.errcode;
                record.errmsg = raw.errmsg.as_deref().map(redact_text);
                record.response_headers =
                    raw.headers.iter().map(|(k, v)| (k.clone(), redact_text(v))).collect();
                record.response_body = Some(redact_any(&raw.body));
                // An errcode is recorded in its own column; other failures as text.
                if let Err(e) = raw.check(&url)
                    && !matches!(e, CoreError::WeCom { .. })
                {
                    record.error = Some(e.to_string());
                }
                tracing::debug!(path, status, errcode = ?raw.errcode, latency_ms, "wecom answer");
                self.emit(record);
                Ok(raw)
            }
        }
    }

    fn transport_error(&self, url: &str, e: reqwest::Error) -> CoreError {
        if e.is_timeout() {
            return CoreError::Timeout { url: url.to_string(), timeout_ms: self.timeout.as_millis() as u64 };
        }
        // The reqwest URL holds the query (tokens): drop it, then walk the causes.
        let e = e.without_url();
        let mut message = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            message.push_str(": ");
            message.push_str(&s.to_string());
            src = s.source();
        }
        CoreError::Network { url: url.to_string(), message: redact_text(&message) }
    }

    fn emit(&self, record: RequestRecord) {
        if let Some(s) = &self.sink {
            s.record(record);
        }
    }
}

/// Decode a WeCom answer into a typed response the way every typed method does:
/// [`RawResponse::check`] first, then the JSON without its errcode/errmsg envelope.
pub fn decode_as<T: DeserializeOwned>(url: &str, raw: RawResponse) -> Result<T, CoreError> {
    raw.check(url)?;
    let mut json = raw.json.unwrap_or(Value::Null);
    // errcode/errmsg are envelope fields; keep them out of `extra` maps.
    if let Value::Object(m) = &mut json {
        m.remove("errcode");
        m.remove("errmsg");
    }
    serde_json::from_value(json).map_err(|e| CoreError::Decode {
        url: url.to_string(),
        message: format!("unexpected JSON shape: {e}"),
        message_zh: format!("JSON 结构与预期不符（详情：{e}）"),
        snippet: snippet(&raw.body),
    })
}

/// The answer of `auth/getuserinfo`: a member (userid) or a non-member (openid).
pub fn decode_userinfo(url: &str, raw: RawResponse) -> Result<UserInfo, CoreError> {
    match decode_as::<RawUserInfo>(url, raw)? {
        RawUserInfo { userid: Some(userid), user_ticket, expires_in, .. } if !userid.is_empty() => {
            Ok(UserInfo::Member { userid, user_ticket, expires_in })
        }
        RawUserInfo { openid: Some(openid), external_userid, .. } if !openid.is_empty() => {
            Ok(UserInfo::NonMember { openid, external_userid })
        }
        _ => Err(CoreError::Decode {
            url: url.to_string(),
            message: "the answer has neither `userid` nor `openid`".into(),
            message_zh: "应答中既没有 `userid` 也没有 `openid`".into(),
            snippet: String::new(),
        }),
    }
}

fn tok(token: &Secret) -> (String, String) {
    ("access_token".to_string(), token.expose().to_string())
}

fn nonempty<'a>(field: &str, v: &'a str) -> Result<&'a str, CoreError> {
    let t = v.trim();
    if t.is_empty() { Err(CoreError::invalid(field, "is empty", "不能为空")) } else { Ok(t) }
}

/// Accept `/cgi-bin/x`, `cgi-bin/x`; reject anything else so the generic call cannot
/// be pointed at another host or path.
pub fn normalize_cgi_path(path: &str) -> Result<String, CoreError> {
    let p = path.trim();
    let p = if p.starts_with('/') { p.to_string() } else { format!("/{p}") };
    let bad = |en: &str, zh: &str| Err(CoreError::invalid("path", en, zh));
    if !p.starts_with("/cgi-bin/") || p.len() <= "/cgi-bin/".len() {
        return bad(
            &format!("{path:?} is not a WeCom API path; it must start with /cgi-bin/, e.g. /cgi-bin/user/get"),
            &format!("{path:?} 不是企业微信 API 路径，必须以 /cgi-bin/ 开头，例如 /cgi-bin/user/get"),
        );
    }
    if p.contains('?') || p.contains('#') {
        return bad("put query parameters in the query list, not in the path", "查询参数请放进查询参数列表，不要写在路径里");
    }
    if p.split('/').any(|s| s == ".." || s == ".") || p.contains("//") || p.contains('\\') {
        return bad("the path must not contain '..', '.', '//' or '\\'", "路径中不能包含 '..'、'.'、'//' 或 '\\'");
    }
    if p.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("the path must not contain spaces or control characters", "路径中不能包含空格或控制字符");
    }
    Ok(p)
}

#[cfg(test)]
mod tests;
