//! The Live screen's view of the page bridge: page events as the bridge gives them
//! (redacted, failed registrations diagnosed), grouped into page sessions, and the
//! setup text (script tags, dev-server proxy snippets).

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use wwdev_core::jssdk::DiagnosedCause;
use wwdev_signer::BridgeEvent;

/// Page events kept in memory for the Live screen (the request log keeps them all).
pub const LIVE_EVENTS_KEPT: usize = 2000;

/// One page event, for the timeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export_to = "LiveEventView.ts")]
pub struct LiveEventView {
    /// Increasing per bridge run.
    pub seq: u32,
    #[ts(type = "number")]
    pub time_ms: i64,
    /// `session`, `config`, `agentConfig`, `jsapi`, `error`, `console`, `network`, `refused`.
    pub kind: String,
    pub session: String,
    pub href: Option<String>,
    pub ok: Option<bool>,
    pub err_msg: Option<String>,
    #[ts(type = "number | null")]
    pub err_code: Option<i64>,
    /// `probe` (a real client answered) or `simulator` (client.js).
    pub source: String,
    /// For a failed config / agentConfig: the object `wwdev diagnose --json` prints.
    #[ts(type = "Record<string, any> | null")]
    pub diagnosis: Option<Value>,
    /// `diagnosis.valid == false` and its first cause, ready to show.
    pub top_cause: Option<DiagnosedCause>,
    /// Type-specific fields (`api`, `params`, `entry`, `ua`, `message`, `url`, `status`, ...).
    #[ts(type = "Record<string, any>")]
    pub detail: Value,
}

impl LiveEventView {
    pub fn from_bridge(seq: u32, e: BridgeEvent) -> Self {
        // The causes are `jssdk::cause_json` objects: the DiagnosedCause fields plus the ticket.
        let top_cause = e
            .top_cause()
            .and_then(|_| serde_json::from_value(e.diagnosis.as_ref()?["causes"].get(0)?.clone()).ok());
        LiveEventView {
            seq,
            time_ms: e.time_ms,
            kind: e.kind,
            session: e.session,
            href: e.href,
            ok: e.ok,
            err_msg: e.err_msg,
            err_code: e.err_code,
            source: e.source,
            diagnosis: e.diagnosis,
            top_cause,
            detail: Value::Object(e.detail),
        }
    }

    /// A failed config/agentConfig/JS-API call, an error, or a refused request.
    pub fn failed(&self) -> bool {
        self.ok == Some(false) || matches!(self.kind.as_str(), "error" | "refused")
    }
}

/// One page load, as the Live screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Default)]
#[ts(export_to = "LiveSessionView.ts")]
pub struct LiveSessionView {
    pub session: String,
    /// `wxwork`, `wechat` or `browser` (from the user agent; `unknown` before the page said).
    pub client: String,
    pub os: String,
    pub wxwork_version: Option<String>,
    pub user_agent: Option<String>,
    /// The first `location.href` of the load (what iOS WeCom signs for an SPA).
    pub entry_url: Option<String>,
    /// The latest `location.href` seen.
    pub last_href: Option<String>,
    /// Whether any event came from client.js (a desktop browser playing WeCom).
    pub simulated: bool,
    #[ts(type = "number")]
    pub first_ms: i64,
    #[ts(type = "number")]
    pub last_ms: i64,
    pub events: u32,
    pub failures: u32,
    /// Top cause id of the latest failed registration, if any.
    pub last_cause: Option<String>,
}

/// Sessions of `events` (oldest events first), the most recently active first.
pub fn sessions<'a>(events: impl IntoIterator<Item = &'a LiveEventView>) -> Vec<LiveSessionView> {
    let mut out: Vec<LiveSessionView> = Vec::new();
    for e in events {
        let i = match out.iter().position(|s| s.session == e.session) {
            Some(i) => i,
            None => {
                out.push(LiveSessionView {
                    session: e.session.clone(),
                    client: "unknown".into(),
                    os: "unknown".into(),
                    first_ms: e.time_ms,
                    ..Default::default()
                });
                out.len() - 1
            }
        };
        let s = &mut out[i];
        s.last_ms = s.last_ms.max(e.time_ms);
        s.events += 1;
        if e.failed() {
            s.failures += 1;
        }
        if let Some(c) = &e.top_cause {
            s.last_cause = Some(c.id.clone());
        }
        if e.source == "simulator" {
            s.simulated = true;
        }
        if let Some(h) = &e.href {
            s.last_href = Some(h.clone());
        }
        let d = &e.detail;
        if let Some(ua) = d.get("ua").filter(|u| u.is_object()) {
            s.client = ua["client"].as_str().unwrap_or("unknown").to_owned();
            s.os = ua["os"].as_str().unwrap_or("unknown").to_owned();
            s.wxwork_version = ua["wxwork"].as_str().map(str::to_owned);
        }
        if let Some(ua) = d.get("userAgent").and_then(Value::as_str) {
            s.user_agent = Some(ua.to_owned());
        }
        if s.entry_url.is_none() {
            // probe.js's `entry` is the entry URL; the simulator's is the getContext entry (`normal`).
            let entry = d.get("entry").and_then(Value::as_str).filter(|x| x.starts_with("http://") || x.starts_with("https://"));
            s.entry_url = entry.map(str::to_owned).or_else(|| e.href.clone());
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.last_ms));
    out
}

/// The dev-server proxy snippets (Vite `server.proxy`, webpack devServer), as the README gives them.
pub fn proxy_snippets(base_url: &str) -> (String, String) {
    (
        format!(
            "// vite.config.js\nexport default {{\n  server: {{\n    host: true,\n    \
             proxy: {{ '/__wwdev': {{ target: '{base_url}', changeOrigin: true }} }},\n  }},\n}}"
        ),
        format!(
            "// webpack.config.js (webpack-dev-server 4/5)\nmodule.exports = {{\n  devServer: {{\n    host: '0.0.0.0',\n    \
             proxy: [{{ context: ['/__wwdev'], target: '{base_url}', changeOrigin: true }}],\n  }},\n}}"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(seq: u32, kind: &str, session: &str, detail: Value, ok: Option<bool>) -> LiveEventView {
        LiveEventView {
            seq,
            time_ms: 1000 + seq as i64,
            kind: kind.into(),
            session: session.into(),
            href: Some(format!("https://app.example.com/p{seq}")),
            ok,
            err_msg: None,
            err_code: None,
            source: "probe".into(),
            diagnosis: None,
            top_cause: None,
            detail,
        }
    }

    #[test]
    fn events_group_into_sessions_with_client_facts() {
        let list = vec![
            ev(1, "session", "a", json!({"entry": "https://app.example.com/", "ua": {"client": "wxwork", "os": "iOS", "wxwork": "4.1.30"}}), None),
            ev(2, "session", "b", json!({"entry": "normal"}), None),
            ev(3, "config", "a", json!({}), Some(false)),
            ev(4, "jsapi", "a", json!({}), Some(true)),
        ];
        let s = sessions(&list);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].session, "a", "most recently active first");
        assert_eq!((s[0].client.as_str(), s[0].os.as_str(), s[0].wxwork_version.as_deref()), ("wxwork", "iOS", Some("4.1.30")));
        assert_eq!(s[0].entry_url.as_deref(), Some("https://app.example.com/"));
        assert_eq!((s[0].events, s[0].failures, s[0].first_ms, s[0].last_ms), (3, 1, 1001, 1004));
        assert_eq!(s[1].client, "unknown");
        assert_eq!(s[1].entry_url.as_deref(), Some("https://app.example.com/p2"), "no entry URL reported (a simulator's getContext entry is not one): the first href");
    }

    #[test]
    fn proxy_snippets_point_at_the_bridge() {
        let (v, w) = proxy_snippets("http://127.0.0.1:8790");
        assert!(v.contains("'/__wwdev': { target: 'http://127.0.0.1:8790'") && v.contains("server:"));
        assert!(w.contains("context: ['/__wwdev'], target: 'http://127.0.0.1:8790'") && w.contains("devServer"));
    }
}
