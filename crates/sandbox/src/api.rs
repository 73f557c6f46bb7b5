//! The `/cgi-bin/` endpoints with WeCom's parameters, field names, types and errcodes.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use crate::jssdk::{TicketInfo, TicketKind};
use crate::routes::{App, Ip};
use crate::state::{
    CODE_TTL, Control, Identity, SECRET_LOCKOUT_SECS, State as World, TICKET_TTL, TOKEN_TTL,
    TokenRecord, USER_TICKET_TTL, UserTicketRecord,
};
use crate::wire::{ApiError, error_response, ok_response, random_token};

type ApiResult = Result<Value, ApiError>;

/// Query parameters; the last value wins like most servers.
pub(crate) fn params(raw: Option<String>) -> HashMap<String, String> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(p: &'a HashMap<String, String>, k: &str) -> &'a str {
    p.get(k).map(String::as_str).unwrap_or("").trim()
}

impl Control {
    /// Run an endpoint body under the lock and render its result in the wire format.
    fn respond(&self, ip: &str, f: impl FnOnce(&mut World, i64) -> ApiResult) -> Response {
        let now = self.now();
        let result = {
            let mut st = self.state.lock();
            f(&mut st, now)
        };
        match result {
            Ok(v) => ok_response(v),
            Err(e) => error_response(&e, now, ip),
        }
    }

    /// Is `code` an issued, unused, unexpired code? `auth/getuserinfo` with such a code
    /// is exempt from the frequency limits (D/90312, mirrored as D/90454: "若code合法则不受
    /// 上述频率限制"); the legacy `user/getuserinfo` is treated alike (assumed).
    pub(crate) fn code_is_valid(&self, code: &str) -> bool {
        let now = self.now();
        self.state.lock().codes.get(code).is_some_and(|c| !c.used && c.expires_at > now)
    }

    /// Per corp per API per minute; once over, the API stays blocked for 60 s.
    pub(crate) fn check_minute_limit(&self, path: &str) -> Result<(), ApiError> {
        let now = self.now();
        let mut st = self.state.lock();
        if st.blocked_until.get(path).is_some_and(|&until| now < until) {
            return Err(ApiError::code(45009));
        }
        let limit = st.limits.api_per_minute;
        let window = now.div_euclid(60);
        let entry = st.minute_counts.entry(path.to_owned()).or_insert((window, 0));
        if entry.0 != window {
            *entry = (window, 0);
        }
        entry.1 += 1;
        if entry.1 > limit {
            st.blocked_until.insert(path.to_owned(), now + 60);
            return Err(ApiError::code(45009));
        }
        Ok(())
    }
}

/// 41001 missing, 40014 unknown or invalidated, 42001 expired.
fn check_token(st: &World, now: i64, p: &HashMap<String, String>) -> Result<TokenRecord, ApiError> {
    let token = param(p, "access_token");
    if token.is_empty() {
        return Err(ApiError::code(41001));
    }
    let rec = st.tokens.get(token).ok_or_else(|| ApiError::code(40014))?;
    if rec.revoked {
        return Err(ApiError::code(40014));
    }
    if rec.expires_at <= now {
        return Err(ApiError::code(42001));
    }
    Ok(rec.clone())
}

/// The JSON object of a POST body, with WeCom's answers for the usual mistakes.
fn json_body(method: &Method, headers: &HeaderMap, body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded") || ct.starts_with("multipart/form-data"));
    if *method != Method::POST || body.iter().all(u8::is_ascii_whitespace) || form {
        // A GET or a form body reaches WeCom as an empty JSON document.
        return Err(ApiError::code(40063));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        // D/90313 40058: "json不合法" (47001 is a WeChat Official Account code).
        _ => Err(ApiError::new(40058, "invalid parameter, Warning: wrong json format.")),
    }
}

/// A string field of a JSON body: `Ok(None)` when absent, 40058 when not a string.
fn str_field(m: &Map<String, Value>, k: &str) -> Result<Option<String>, ApiError> {
    match m.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= 512 => Ok(Some(s.clone()).filter(|s| !s.is_empty())),
        Some(_) => Err(ApiError::new(40058, format!("invalid parameter {k}"))),
    }
}

/// A wrong secret from `ip`: count it; at the hourly threshold lock the IP out.
fn note_secret_failure(st: &mut World, now: i64, ip: &str) {
    let limit = st.limits.secret_failures_per_hour;
    let times = st.secret_failures.entry(ip.to_owned()).or_default();
    times.retain(|t| *t > now - 3600);
    times.push(now);
    if times.len() as u64 >= u64::from(limit) {
        st.locked_out.insert(ip.to_owned(), now + SECRET_LOCKOUT_SECS);
    }
}

pub(crate) async fn gettoken(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        // Too many wrong secrets from this IP: gettoken is refused for an hour, even with
        // the right secret (D/90313 45009 item 5; threshold per WeCom staff, see Limits).
        if st.locked_out.get(&ip.0).is_some_and(|&until| now < until) {
            return Err(ApiError::code(45009));
        }
        let corpid = param(&p, "corpid");
        if corpid.is_empty() {
            return Err(ApiError::code(41002));
        }
        if corpid != st.seed.corpid {
            return Err(ApiError::code(40013));
        }
        let secret = param(&p, "corpsecret");
        if secret.is_empty() {
            return Err(ApiError::code(41004));
        }
        let Some(agentid) = st.seed.app_by_secret(secret).map(|a| a.agentid) else {
            note_secret_failure(st, now, &ip.0);
            return Err(ApiError::code(40001));
        };
        // While valid, the same token comes back: observed and widely relied on; the
        // current D/91039 no longer states it.
        let current = st
            .tokens
            .values()
            .filter(|t| t.agentid == agentid && !t.revoked && t.expires_at > now)
            .max_by_key(|t| t.issued_at)
            .cloned();
        let rec = match current {
            Some(t) => t,
            None => {
                let rec = TokenRecord {
                    token: random_token(128),
                    agentid,
                    issued_at: now,
                    expires_at: now + TOKEN_TTL,
                    revoked: false,
                };
                st.tokens.insert(rec.token.clone(), rec.clone());
                rec
            }
        };
        Ok(json!({"access_token": rec.token, "expires_in": rec.expires_at - now}))
    })
}

/// The result of exchanging a code, before it is worded for one endpoint flavour.
enum Exchanged {
    Member { userid: String, user_ticket: Option<(String, i64)> },
    NonMember { openid: String, external_userid: Option<String> },
}

fn exchange_code(st: &mut World, now: i64, p: &HashMap<String, String>) -> Result<Exchanged, ApiError> {
    let token = check_token(st, now, p)?;
    let code = param(p, "code");
    if code.is_empty() {
        return Err(ApiError::code(41008));
    }
    let rec = st.codes.get(code).cloned().ok_or_else(|| ApiError::code(40029))?;
    // Real servers answer 40029 for used and expired codes alike (observed).
    if rec.used || rec.expires_at <= now {
        return Err(ApiError::code(40029));
    }
    // The redirect domain must be a trusted domain of the app behind the access_token
    // (D/91023 权限说明; D/90313 50001: which app issued the code, does the token belong
    // to it): a code of app A spent with app B's token is 50001, not 301002.
    let redirect_ok = url::Url::parse(&rec.redirect_uri)
        .is_ok_and(|u| st.seed.redirect_trusted(token.agentid, rec.flow, &u));
    if rec.agentid.is_some_and(|a| a != token.agentid) || !rec.trusted_redirect || !redirect_ok {
        return Err(ApiError::code(50001));
    }
    if let Some(c) = st.codes.get_mut(code) {
        c.used = true;
    }
    Ok(match rec.identity {
        Identity::Member(userid) => {
            let user_ticket = (rec.scope == "snsapi_privateinfo"
                && rec.agentid.is_some()
                && st.seed.is_visible(token.agentid, &userid))
            .then(|| {
                let t = UserTicketRecord {
                    ticket: random_token(96),
                    userid: userid.clone(),
                    agentid: token.agentid,
                    consent: rec.consent,
                    issued_at: now,
                    expires_at: now + USER_TICKET_TTL,
                };
                st.user_tickets.insert(t.ticket.clone(), t.clone());
                (t.ticket, USER_TICKET_TTL)
            });
            Exchanged::Member { userid, user_ticket }
        }
        Identity::Contact(ext) => {
            let c = st.seed.external_contact(&ext).cloned();
            let openid = c.as_ref().map(|c| c.openid.clone()).unwrap_or_default();
            // external_userid only when one of the followers is in the app's range.
            let external_userid = c
                .filter(|c| c.followers.iter().any(|f| st.seed.is_visible(token.agentid, f)))
                .map(|c| c.external_userid);
            Exchanged::NonMember { openid, external_userid }
        }
        Identity::Stranger => Exchanged::NonMember { openid: st.seed.stranger_openid(), external_userid: None },
    })
}

pub(crate) async fn auth_getuserinfo(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        Ok(match exchange_code(st, now, &p)? {
            // D/91023 shows no expires_in here (the ticket lives 1800 s); only the legacy
            // user/getuserinfo carries it.
            Exchanged::Member { userid, user_ticket: Some((t, _)) } => {
                json!({"userid": userid, "user_ticket": t})
            }
            Exchanged::Member { userid, user_ticket: None } => json!({"userid": userid}),
            Exchanged::NonMember { openid, external_userid: Some(e) } => {
                json!({"openid": openid, "external_userid": e})
            }
            Exchanged::NonMember { openid, external_userid: None } => json!({"openid": openid}),
        })
    })
}

/// The pre-2022 flavour, still used by SDKs: CamelCase `UserId`/`OpenId`/`DeviceId`.
pub(crate) async fn legacy_getuserinfo(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        Ok(match exchange_code(st, now, &p)? {
            Exchanged::Member { userid, user_ticket: Some((t, ttl)) } => {
                json!({"UserId": userid, "DeviceId": "", "user_ticket": t, "expires_in": ttl})
            }
            Exchanged::Member { userid, user_ticket: None } => json!({"UserId": userid, "DeviceId": ""}),
            Exchanged::NonMember { openid, external_userid: Some(e) } => {
                json!({"OpenId": openid, "DeviceId": "", "external_userid": e})
            }
            Exchanged::NonMember { openid, external_userid: None } => json!({"OpenId": openid, "DeviceId": ""}),
        })
    })
}

fn avatar(userid: &str) -> String {
    format!("https://wework.qpic.cn/wwpic/sandbox_{userid}/0")
}

pub(crate) async fn getuserdetail(
    State(app): State<App>,
    ip: Ip,
    method: Method,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        let token = check_token(st, now, &p)?;
        let m = json_body(&method, &headers, &body)?;
        let ticket = str_field(&m, "user_ticket")?.ok_or_else(|| ApiError::code(40063))?;
        // D/90313: unknown ticket 84015 成员票据无效, expired 84014 成员票据过期.
        let rec = st.user_tickets.get(&ticket).cloned().ok_or_else(|| ApiError::code(84015))?;
        if rec.expires_at <= now {
            return Err(ApiError::code(84014));
        }
        // Another app's ticket: undocumented; 301002 is assumed.
        if rec.agentid != token.agentid {
            return Err(ApiError::code(301002));
        }
        let mem = st.seed.member(&rec.userid).cloned().ok_or_else(|| ApiError::code(60111))?;
        if !rec.consent {
            // D/95833: gender "0", the default avatar and no qr_code/mobile/email/biz_mail/
            // address unless the member agreed on the consent page.
            return Ok(json!({
                "userid": mem.userid,
                "gender": "0",
                "avatar": DEFAULT_AVATAR,
            }));
        }
        Ok(json!({
            "userid": mem.userid,
            "gender": mem.gender,
            "avatar": avatar(&mem.userid),
            "qr_code": format!("https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=sbx{}", &st.seed.open_userid(&mem.userid)[2..18]),
            "mobile": mem.mobile,
            "email": mem.email,
            "biz_mail": mem.biz_mail,
            "address": mem.address,
        }))
    })
}

/// The avatar getuserdetail shows a member who declined privateinfo.
const DEFAULT_AVATAR: &str = "https://wework.qpic.cn/wwpic/sandbox_default_avatar/0";

pub(crate) async fn user_get(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        let token = check_token(st, now, &p)?;
        let userid = param(&p, "userid");
        if userid.is_empty() {
            return Err(ApiError::code(41009));
        }
        let m = st
            .seed
            .member(userid)
            .filter(|m| m.status != 5)
            .cloned()
            .ok_or_else(|| ApiError::code(60111))?;
        if !st.seed.is_visible(token.agentid, userid) {
            return Err(ApiError::code(60011));
        }
        // Apps created after 2022-06-20 no longer get mobile/gender/email/avatar here.
        Ok(json!({
            "userid": m.userid,
            "name": m.name,
            "department": m.department,
            "order": vec![0; m.department.len()],
            "position": m.position,
            "is_leader_in_dept": m.is_leader_in_dept,
            "direct_leader": m.direct_leader,
            "telephone": m.telephone,
            "alias": m.alias,
            "open_userid": st.seed.open_userid(&m.userid),
            "main_department": m.main_department,
            "status": m.status,
            "extattr": {"attrs": []},
            "external_profile": {"external_corp_name": st.seed.corp_name, "external_attr": []},
        }))
    })
}

pub(crate) async fn convert_to_openid(
    State(app): State<App>,
    ip: Ip,
    method: Method,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        check_token(st, now, &p)?;
        let m = json_body(&method, &headers, &body)?;
        let userid = str_field(&m, "userid")?.ok_or_else(|| ApiError::code(41009))?;
        let mem = st
            .seed
            .member(&userid)
            .filter(|m| m.status != 5)
            .ok_or_else(|| ApiError::code(40003))?;
        if !mem.wechat_bound {
            return Err(ApiError::code(43004));
        }
        Ok(json!({"openid": st.seed.member_openid(&userid)}))
    })
}

/// Count a ticket fetch against the hourly limits (corp and app), sliding window.
fn ticket_rate(st: &mut World, now: i64, agentid: i64) -> Result<(), ApiError> {
    st.ticket_fetches.retain(|(t, _)| *t > now - 3600);
    let corp = st.ticket_fetches.len() as u32;
    let app = st.ticket_fetches.iter().filter(|(_, a)| *a == agentid).count() as u32;
    if corp >= st.limits.ticket_per_hour_corp || app >= st.limits.ticket_per_hour_app {
        return Err(ApiError::code(45009));
    }
    st.ticket_fetches.push((now, agentid));
    Ok(())
}

/// The current valid ticket of this kind (and app for agent tickets), or a new one.
fn current_ticket(st: &mut World, now: i64, kind: TicketKind, agentid: i64) -> TicketInfo {
    let found = st
        .tickets
        .iter()
        .filter(|t| t.kind == kind && t.is_valid(now) && (kind == TicketKind::Corp || t.agentid == agentid))
        .max_by_key(|t| t.issued_at)
        .cloned();
    found.unwrap_or_else(|| {
        let t = TicketInfo {
            kind,
            agentid,
            ticket: random_token(86),
            issued_at: now,
            expires_at: now + TICKET_TTL,
            revoked: false,
        };
        st.tickets.push(t.clone());
        t
    })
}

pub(crate) async fn get_jsapi_ticket(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        let token = check_token(st, now, &p)?;
        ticket_rate(st, now, token.agentid)?;
        let t = current_ticket(st, now, TicketKind::Corp, token.agentid);
        Ok(json!({"ticket": t.ticket, "expires_in": t.expires_at - now}))
    })
}

pub(crate) async fn ticket_get(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        let token = check_token(st, now, &p)?;
        if param(&p, "type") != "agent_config" {
            // D/90313 91040 获取ticket的类型无效.
            return Err(ApiError::code(91040));
        }
        ticket_rate(st, now, token.agentid)?;
        // No agentid parameter: the token's own app decides whose ticket this is.
        let t = current_ticket(st, now, TicketKind::Agent, token.agentid);
        Ok(json!({"ticket": t.ticket, "expires_in": t.expires_at - now}))
    })
}

pub(crate) async fn externalcontact_get(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    app.ctl.respond(&ip.0, |st, now| {
        let token = check_token(st, now, &p)?;
        let app_allowed = st.seed.app(token.agentid).is_some_and(|a| a.external_contact_allowed);
        if !app_allowed {
            return Err(ApiError::code(48002));
        }
        let ext = param(&p, "external_userid");
        if ext.is_empty() {
            // D/90313 41035 缺少外部联系人userid参数.
            return Err(ApiError::code(41035));
        }
        let c = st
            .seed
            .external_contact(ext)
            .cloned()
            .ok_or_else(|| ApiError::code(40096))?;
        let follow: Vec<Value> = c
            .followers
            .iter()
            .filter(|f| st.seed.is_visible(token.agentid, f))
            .enumerate()
            .map(|(i, f)| {
                json!({
                    "userid": f,
                    "remark": c.name,
                    "description": "",
                    "createtime": 1_700_000_000 + i as i64 * 86_400,
                    "tags": [],
                    "remark_corp_name": c.corp_name,
                    "remark_mobiles": [],
                    "oper_userid": f,
                    "add_way": 1,
                    "state": "",
                })
            })
            .collect();
        if follow.is_empty() {
            return Err(ApiError::code(84061));
        }
        let mut contact = json!({
            "external_userid": c.external_userid,
            "name": c.name,
            "avatar": format!("https://wx.qlogo.cn/mmhead/sandbox_{}/0", &c.external_userid[5..15]),
            "type": c.kind,
            "gender": c.gender,
        });
        if c.kind == 1 {
            contact["unionid"] = json!(c.unionid);
        } else {
            contact["position"] = json!(c.position);
            contact["corp_name"] = json!(c.corp_name);
            contact["corp_full_name"] = json!(c.corp_full_name);
        }
        Ok(json!({"external_contact": contact, "follow_user": follow, "next_cursor": ""}))
    })
}

const IP_LIST: &[&str] = &["182.254.11.176", "182.254.78.66", "140.207.54.80", "223.166.222.100"];

fn ip_list_endpoint(app: &App, ip: &str, q: Option<String>) -> Response {
    let p = params(q);
    app.ctl.respond(ip, |st, now| {
        // On errors these endpoints still carry an empty ip_list.
        check_token(st, now, &p).map_err(|e| e.with("ip_list", json!([])))?;
        Ok(json!({"ip_list": IP_LIST}))
    })
}

pub(crate) async fn get_api_domain_ip(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    ip_list_endpoint(&app, &ip.0, q)
}

pub(crate) async fn getcallbackip(State(app): State<App>, ip: Ip, RawQuery(q): RawQuery) -> Response {
    ip_list_endpoint(&app, &ip.0, q)
}

/// Store a new code for an identity picked on the authorize or login page.
#[allow(clippy::too_many_arguments)]
pub(crate) fn issue_code(
    ctl: &Control,
    flow: &'static str,
    identity: Identity,
    agentid: Option<i64>,
    scope: &str,
    state: &str,
    redirect_uri: &str,
    trusted_redirect: bool,
    consent: bool,
) -> String {
    let now = ctl.now();
    let code = random_token(43);
    let rec = crate::state::CodeRecord {
        code: code.clone(),
        flow,
        identity,
        agentid,
        scope: scope.into(),
        state: state.into(),
        redirect_uri: redirect_uri.into(),
        trusted_redirect,
        consent,
        issued_at: now,
        expires_at: now + CODE_TTL,
        used: false,
    };
    ctl.state.lock().codes.insert(code.clone(), rec);
    code
}
