//! HTML pages: the index, the OAuth authorize page and the web-login pages. They
//! validate links like WeCom, then let the visitor pick who they are.

use std::collections::HashMap;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::api::{issue_code, params};
use crate::routes::App;
use crate::seed::{Seed, SeedApp};
use crate::state::{Consent, Identity};
use wwdev_core::oauth::authority as host_port;

/// Minimal HTML escaping for text and attribute values; five characters do not
/// justify a dependency.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "body{margin:0;font-family:-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;background:#f3f4f6;color:#1f2329}\
main{max-width:640px;margin:0 auto;padding:20px}\
header{background:#07c160;color:#fff;padding:14px 20px;font-size:17px}\
header small{opacity:.85;margin-left:8px;font-size:12px}\
.card{background:#fff;border-radius:10px;padding:16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.06)}\
.notice{font-size:13px;color:#646a73}\
.err{border-left:4px solid #f54a45}\
.err h2{color:#f54a45;font-size:18px;margin:4px 0 8px}\
ul.people{list-style:none;margin:0;padding:0}\
ul.people li a{display:flex;align-items:center;gap:12px;padding:10px 6px;border-bottom:1px solid #eee;text-decoration:none;color:inherit}\
ul.people li a:hover{background:#f0faf4}\
ul.people li.off{opacity:.45;padding:10px 6px;display:flex;gap:12px;align-items:center}\
.av{width:36px;height:36px;border-radius:6px;background:#3370ff;color:#fff;display:flex;align-items:center;justify-content:center;font-size:15px;flex:none}\
.av.g{background:#8f959e}\
.meta{font-size:12px;color:#8f959e}\
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;padding:6px;text-align:left;vertical-align:top}\
code{background:#f2f3f5;padding:1px 4px;border-radius:4px;word-break:break-all}\
a.btn{display:inline-block;margin-top:8px;padding:6px 12px;border:1px solid #c9cdd4;border-radius:6px;color:#1f2329;text-decoration:none;font-size:13px}";

fn page(title: &str, sub: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{t}</title><style>{CSS}</style></head><body><header>{t}<small>{s}</small></header><main>{body}</main></body></html>",
        t = esc(title),
        s = esc(sub),
    );
    Html(html).into_response()
}

/// An error page the way WeCom shows a bad link: HTTP 200, a message, no redirect.
fn error_page(title: &str, zh: &str, en: &str, extra_html: &str) -> Response {
    let mut r = page(
        title,
        "wwdev 沙箱",
        &format!(
            "<div class=\"card err\" data-testid=\"error\"><h2>{}</h2><p class=\"notice\">{}</p>{extra_html}</div>",
            esc(zh),
            esc(en)
        ),
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&en.replace(|c: char| !c.is_ascii() || c.is_ascii_control(), " ")) {
        r.headers_mut().insert("X-Sandbox-Error", v);
    }
    r
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_owned())]).into_response()
}

/// `redirect_uri` with `code` and `state` appended (after any existing query).
fn callback_url(redirect: &url::Url, code: &str, state: &str) -> String {
    let mut u = redirect.clone();
    u.query_pairs_mut().append_pair("code", code).append_pair("state", state);
    u.to_string()
}

/// The same page's query with `extra` appended and sandbox choices removed.
fn self_link(path: &str, p: &HashMap<String, String>, extra: &[(&str, &str)]) -> String {
    let mut keys: Vec<&String> = p.keys().filter(|k| !k.starts_with("sandbox_")).collect();
    keys.sort();
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for k in keys {
        ser.append_pair(k, &p[k]);
    }
    for (k, v) in extra {
        ser.append_pair(k, v);
    }
    format!("{path}?{}", ser.finish())
}

/// The flow a page serves, from its path.
fn flow_of(path: &str) -> &'static str {
    if path == "/connect/oauth2/authorize" { "oauth" } else { "weblogin" }
}

/// The core's one exact rule, against the link's app (or any app when the link names none).
fn domain_trusted(seed: &Seed, app: Option<&SeedApp>, flow: &str, u: &url::Url) -> bool {
    match app {
        Some(a) => seed.redirect_trusted(a.agentid, flow, u),
        None => seed.apps.iter().any(|a| seed.redirect_trusted(a.agentid, flow, u)),
    }
}

/// What a validated link asks for.
struct Link {
    app: Option<SeedApp>,
    redirect: url::Url,
    state: String,
    scope: String,
    trusted: bool,
}

fn member_avatar(name: &str, grey: bool) -> String {
    let last = name.chars().last().unwrap_or('?');
    format!("<span class=\"av{}\">{}</span>", if grey { " g" } else { "" }, esc(&last.to_string()))
}

/// The picker list: one link per member (and non-members for OAuth).
fn picker(seed: &Seed, path: &str, p: &HashMap<String, String>, link: &Link, with_nonmembers: bool) -> String {
    let dept = |id: i64| {
        seed.departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let mut li = String::new();
    for m in &seed.members {
        let depts: Vec<String> = m.department.iter().map(|d| dept(*d)).collect();
        let visible = link.app.as_ref().is_none_or(|a| seed.is_visible(a.agentid, &m.userid));
        let mut meta = format!("{} · {} · {}", m.userid, depts.join("、"), m.position);
        if !visible {
            meta.push_str(" · 不在应用可见范围");
        }
        if !m.wechat_bound {
            meta.push_str(" · 未绑定微信");
        }
        if m.status == 2 {
            li.push_str(&format!(
                "<li class=\"off\">{}<div><div>{} <b>已禁用</b></div><div class=\"meta\">{}</div></div></li>",
                member_avatar(&m.name, true),
                esc(&m.name),
                esc(&meta)
            ));
            continue;
        }
        // snsapi_privateinfo asks the member to agree; the sandbox offers both answers.
        let decline = if link.scope == "snsapi_privateinfo" {
            format!(
                "<a class=\"btn\" data-decline-userid=\"{uid}\" href=\"{href}\">拒绝授权 / Decline</a>",
                uid = esc(&m.userid),
                href = esc(&self_link(path, p, &[("sandbox_userid", &m.userid), ("sandbox_consent", "decline")])),
            )
        } else {
            String::new()
        };
        li.push_str(&format!(
            "<li><a data-userid=\"{uid}\" href=\"{href}\">{av}<div><div>{name}</div><div class=\"meta\">{meta}</div></div></a>{decline}</li>",
            uid = esc(&m.userid),
            href = esc(&self_link(path, p, &[("sandbox_userid", &m.userid)])),
            av = member_avatar(&m.name, false),
            name = esc(&m.name),
            meta = esc(&meta),
        ));
    }
    let mut out = format!("<div class=\"card\"><b>企业成员</b><ul class=\"people\">{li}</ul></div>");
    if with_nonmembers {
        let mut nl = String::new();
        for c in &seed.external_contacts {
            nl.push_str(&format!(
                "<li><a data-nonmember=\"{e}\" href=\"{href}\">{av}<div><div>{name}（外部联系人，微信用户）</div><div class=\"meta\">得到 openid 与 external_userid（跟进人在可见范围内时）</div></div></a></li>",
                e = esc(&c.external_userid),
                href = esc(&self_link(path, p, &[("sandbox_nonmember", &c.external_userid)])),
                av = member_avatar(&c.name, true),
                name = esc(&c.name),
            ));
        }
        nl.push_str(&format!(
            "<li><a data-nonmember=\"stranger\" href=\"{}\">{}<div><div>陌生微信用户</div><div class=\"meta\">非企业成员，只得到 openid</div></div></a></li>",
            esc(&self_link(path, p, &[("sandbox_nonmember", "stranger")])),
            member_avatar("?", true)
        ));
        out.push_str(&format!("<div class=\"card\"><b>非企业成员</b><ul class=\"people\">{nl}</ul></div>"));
    }
    let target = format!(
        "<div class=\"card notice\">授权后跳转到 <code>{}</code>，附带 <code>code</code> 与 <code>state={}</code>。{}</div>",
        esc(link.redirect.as_str()),
        esc(&link.state),
        link.app
            .as_ref()
            .map(|a| format!("应用：{}（agentid {}），scope：{}", esc(&a.name), a.agentid, esc(&link.scope)))
            .unwrap_or_else(|| format!("scope：{}", esc(&link.scope)))
    );
    format!("{target}{out}")
}

/// After validation: issue a code for `sandbox_userid` / `sandbox_nonmember` and
/// redirect, or show the picker.
fn finish(app: &App, flow: &'static str, path: &str, p: &HashMap<String, String>, link: Link, title: &str, sub: &str) -> Response {
    let seed = app.ctl.seed();
    let identity = if let Some(uid) = p.get("sandbox_userid") {
        match seed.member(uid) {
            Some(m) if m.status == 2 => {
                return error_page(title, "该成员已被禁用，无法登录", &format!("member {uid} is disabled and cannot sign in"), "");
            }
            Some(m) if m.status == 5 => {
                return error_page(title, "该成员已离职", &format!("member {uid} has left the corp"), "");
            }
            Some(_) => Identity::Member(uid.clone()),
            None => {
                return error_page(title, "成员不存在", &format!("sandbox_userid {uid:?} is not a member of the sandbox corp"), "");
            }
        }
    } else if let Some(n) = p.get("sandbox_nonmember").filter(|_| flow == "oauth") {
        if n == "stranger" {
            Identity::Stranger
        } else if seed.external_contact(n).is_some() {
            Identity::Contact(n.clone())
        } else {
            return error_page(title, "非成员身份不存在", &format!("sandbox_nonmember must be \"stranger\" or an external_userid, got {n:?}"), "");
        }
    } else {
        let intro = if flow == "oauth" {
            "<div class=\"card notice\">模拟企业微信客户端内的网页授权：选择访问者身份。自动化测试可在链接上加 <code>sandbox_userid=USERID</code> 直接跳转。</div>"
        } else {
            "<div class=\"card notice\">请使用企业微信扫码登录。沙箱中点击成员即模拟扫码确认；自动化测试可加 <code>sandbox_userid=USERID</code>。</div>"
        };
        let list = picker(&seed, path, p, &link, flow == "oauth");
        return page(title, sub, &format!("{intro}{list}"));
    };
    let asked = p.get("sandbox_consent").map(String::as_str);
    if let Some(a) = asked.filter(|a| !matches!(*a, "allow" | "decline")) {
        return error_page(title, "参数错误：sandbox_consent 无效", &format!("sandbox_consent must be allow or decline, got {a:?}"), "");
    }
    let mut consent = true;
    if let Identity::Member(uid) = &identity {
        let out_of_range = link.app.as_ref().is_some_and(|a| !seed.is_visible(a.agentid, uid));
        // D/91022: snsapi_privateinfo requires the member inside the app's visible range,
        // "否则页面会报错提示成员不在可见范围"; the web-login document: a member outside the
        // range sees 无权限 when scanning. No code is issued in either case.
        if out_of_range && flow == "oauth" && link.scope == "snsapi_privateinfo" {
            return error_page(title, "成员不在应用可见范围内，无法授权", &format!("member {uid} is outside the visible range of app {}; snsapi_privateinfo refuses members outside it (no code is issued)", link.app.as_ref().map(|a| a.agentid).unwrap_or_default()), "");
        }
        if out_of_range && flow == "weblogin" {
            return error_page(title, "无权限：你不在该应用的可见范围内", &format!("member {uid} is outside the visible range of app {}; web login shows 无权限 (no code is issued)", link.app.as_ref().map(|a| a.agentid).unwrap_or_default()), "");
        }
        let decision = match asked {
            Some("decline") => Consent::Decline,
            Some(_) => Consent::Allow,
            None => app.ctl.preset_consent(uid).unwrap_or(Consent::Allow),
        };
        if decision == Consent::Decline {
            if flow == "weblogin" {
                // The web-login document: a refusal redirects with state and no code.
                let mut u = link.redirect.clone();
                u.query_pairs_mut().append_pair("state", &link.state);
                return redirect(u.as_str());
            }
            // OAuth privateinfo declined: assumed to redirect with a code whose user_ticket
            // yields only base fields (D/95833 says private fields need the member's consent).
            consent = link.scope != "snsapi_privateinfo";
        }
    }
    let code = issue_code(
        &app.ctl,
        flow,
        identity,
        link.app.as_ref().map(|a| a.agentid),
        &link.scope,
        &link.state,
        link.redirect.as_str(),
        link.trusted,
        consent,
    );
    redirect(&callback_url(&link.redirect, &code, &link.state))
}

/// Checks shared by the three entry pages; `Err` is the page to show.
#[allow(clippy::result_large_err)]
fn validate(
    seed: &Seed,
    title: &str,
    path: &str,
    p: &HashMap<String, String>,
    agentid_required: bool,
    scope: &str,
) -> Result<Link, Response> {
    let get = |k: &str| p.get(k).map(|s| s.trim()).unwrap_or("");
    let appid = get("appid");
    if appid.is_empty() {
        return Err(error_page(title, "参数错误：缺少 appid", "appid is missing; it must be the corpid", ""));
    }
    if appid != seed.corpid {
        return Err(error_page(title, "参数错误：appid 无效", &format!("appid {appid} is not a corpid known here; the corpid is {}", seed.corpid), ""));
    }
    let agent = get("agentid");
    let app = if agent.is_empty() {
        if agentid_required {
            return Err(error_page(title, "参数错误：缺少 agentid", "agentid is required for this link (snsapi_privateinfo and web login need it)", ""));
        }
        None
    } else {
        match agent.parse::<i64>().ok().and_then(|a| seed.app(a)) {
            Some(a) => Some(a.clone()),
            None => return Err(error_page(title, "参数错误：应用不存在", &format!("agentid {agent} is not an app of this corp (40056 invalid agentid)"), "")),
        }
    };
    let raw_redirect = get("redirect_uri");
    if raw_redirect.is_empty() {
        return Err(error_page(title, "参数错误：缺少 redirect_uri", "redirect_uri is missing", ""));
    }
    let redirect = match url::Url::parse(raw_redirect) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => u,
        _ => {
            return Err(error_page(title, "参数错误：redirect_uri 无效", &format!("redirect_uri {raw_redirect:?} is not an absolute http(s) URL; URL-encode it once in the link"), ""));
        }
    };
    let state = get("state").to_owned();
    if state.len() > 128 {
        return Err(error_page(title, "参数错误：state 过长", "state must be at most 128 bytes", ""));
    }
    let trusted = domain_trusted(seed, app.as_ref(), flow_of(path), &redirect);
    if !trusted && get("sandbox_ignore_domain") != "1" {
        let domain = host_port(&redirect).unwrap_or_default();
        let allowed = match &app {
            Some(a) => a.trusted_domains.join(", "),
            None => seed.apps.iter().flat_map(|a| a.trusted_domains.clone()).collect::<Vec<_>>().join(", "),
        };
        let mut keep: Vec<(&str, &str)> = vec![("sandbox_ignore_domain", "1")];
        let uid;
        if let Some(u) = p.get("sandbox_userid") {
            uid = u.clone();
            keep.push(("sandbox_userid", &uid));
        }
        let cont = self_link(path, p, &keep);
        return Err(error_page(
            title,
            "redirect_uri需使用应用可信域名",
            &format!("the redirect host {domain} is not a trusted domain of the app (trusted: {allowed}); codes issued anyway are refused by getuserinfo with 50001"),
            &format!("<a class=\"btn\" href=\"{}\">仍然继续（沙箱：签发的 code 换取身份时会得到 50001）</a>", esc(&cont)),
        ));
    }
    Ok(Link { app, redirect, state, scope: scope.into(), trusted })
}

/// `GET /connect/oauth2/authorize` (D/91022).
pub(crate) async fn authorize(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    let seed = app.ctl.seed();
    let title = "企业微信网页授权";
    let rt = p.get("response_type").map(String::as_str).unwrap_or("");
    if rt != "code" {
        return error_page(title, "参数错误：response_type 必须为 code", &format!("response_type must be \"code\", got {rt:?}"), "");
    }
    let scope = p.get("scope").map(String::as_str).unwrap_or("");
    if !matches!(scope, "snsapi_base" | "snsapi_privateinfo") {
        return error_page(title, "参数错误：scope 无效", &format!("scope must be snsapi_base or snsapi_privateinfo, got {scope:?}"), "");
    }
    let link = match validate(&seed, title, "/connect/oauth2/authorize", &p, scope == "snsapi_privateinfo", scope) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let sub = link.app.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| seed.corp_name.clone());
    finish(&app, "oauth", "/connect/oauth2/authorize", &p, link, title, &sub)
}

/// `GET /wwlogin/sso/login` (D/98171).
pub(crate) async fn weblogin(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    let seed = app.ctl.seed();
    let en = p.get("lang").is_some_and(|l| l == "en");
    let title = if en { "WeCom Login" } else { "企业微信登录" };
    let lt = p.get("login_type").map(String::as_str).unwrap_or("");
    if lt != "CorpApp" {
        return error_page(title, "参数错误：login_type 无效", &format!("login_type must be CorpApp for a self-built app (ServiceApp is not simulated), got {lt:?}"), "");
    }
    let link = match validate(&seed, title, "/wwlogin/sso/login", &p, true, "snsapi_base") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let sub = link.app.as_ref().map(|a| a.name.clone()).unwrap_or_default();
    finish(&app, "weblogin", "/wwlogin/sso/login", &p, link, title, &sub)
}

/// The legacy `GET /wwopen/sso/qrConnect`.
pub(crate) async fn qrconnect(State(app): State<App>, RawQuery(q): RawQuery) -> Response {
    let p = params(q);
    let seed = app.ctl.seed();
    let title = "企业微信扫码登录";
    let link = match validate(&seed, title, "/wwopen/sso/qrConnect", &p, true, "snsapi_base") {
        Ok(l) => l,
        Err(r) => return r,
    };
    let sub = link.app.as_ref().map(|a| a.name.clone()).unwrap_or_default();
    finish(&app, "weblogin", "/wwopen/sso/qrConnect", &p, link, title, &sub)
}

/// `GET /`: what this server is, its corp, apps, secrets and members.
pub(crate) async fn index(State(app): State<App>) -> Response {
    let seed = app.ctl.seed();
    let mut apps = String::new();
    for a in &seed.apps {
        let cb = format!("http://{}/callback", a.trusted_domains.iter().find(|d| d.starts_with("localhost")).unwrap_or(&a.trusted_domains[0]));
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        ser.append_pair("appid", &seed.corpid)
            .append_pair("redirect_uri", &cb)
            .append_pair("response_type", "code")
            .append_pair("scope", "snsapi_privateinfo")
            .append_pair("state", "STATE")
            .append_pair("agentid", &a.agentid.to_string());
        apps.push_str(&format!(
            "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td><a href=\"/connect/oauth2/authorize?{}#wechat_redirect\">授权页</a></td></tr>",
            esc(&a.name),
            a.agentid,
            esc(&a.secret),
            a.trusted_domains.iter().map(|d| format!("<code>{}</code>", esc(d))).collect::<Vec<_>>().join(" "),
            esc(&ser.finish()),
        ));
    }
    let mut members = String::new();
    for m in &seed.members {
        let depts: Vec<String> = m
            .department
            .iter()
            .filter_map(|d| seed.departments.iter().find(|x| x.id == *d).map(|x| x.name.clone()))
            .collect();
        let mut notes = Vec::new();
        for a in &seed.apps {
            if !seed.is_visible(a.agentid, &m.userid) {
                notes.push(format!("不在 {} 可见范围", a.agentid));
            }
        }
        if m.status == 2 {
            notes.push("已禁用".into());
        }
        if !m.wechat_bound {
            notes.push("未绑定微信（convert_to_openid → 43004）".into());
        }
        members.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&m.userid),
            esc(&m.name),
            esc(&depts.join("、")),
            esc(&notes.join("；"))
        ));
    }
    let body = format!(
        "<div class=\"card\"><p>这是 <b>wwdev 沙箱</b>：一个在本机模拟企业微信服务端接口（<code>/cgi-bin/…</code>）、网页授权页和扫码登录页的服务器。把客户端的 base URL 指向本服务即可调试，无需真实企业。</p>\
<p class=\"notice\">A local WeCom simulator: point your client's API base URL here. Admin API: <code>/sandbox/admin/</code> (clock, faults, codes, tokens, limits, invalidate, visible_range, consent, stats, seed, reset); JS-SDK check: <code>POST /sandbox/jssdk/verify</code>.</p>\
<p>企业：{} · corpid <code>{}</code></p></div>\
<div class=\"card\"><b>应用</b><table><tr><th>名称</th><th>agentid</th><th>secret</th><th>可信域名</th><th></th></tr>{apps}</table></div>\
<div class=\"card\"><b>成员</b><table><tr><th>userid</th><th>姓名</th><th>部门</th><th>备注</th></tr>{members}</table></div>",
        esc(&seed.corp_full_name),
        esc(&seed.corpid)
    );
    page("wwdev 沙箱", "WeCom sandbox", &body)
}
