//! How the WeCom client decides a `wx.config` / `wx.agentConfig` registration,
//! against the tickets the sandbox issued. The decision itself lives in wwdev-core
//! ([`wwdev_core::jssdk::decide`], shared with the live page bridge); this module
//! turns the sandbox's seed and ticket table into the facts it decides on.

use serde::{Deserialize, Serialize};
use wwdev_core::jssdk::{AppFacts, CorpFacts, KnownTicket};
use wwdev_core::secret::Secret;

pub use wwdev_core::jssdk::{DiagnosedCause, VerifyInput, VerifyOutcome, host_port};

use crate::seed::Seed;

/// The corp jsapi_ticket (`get_jsapi_ticket`, for `wx.config`) or an app's ticket
/// (`ticket/get?type=agent_config`, for `wx.agentConfig`): core's type.
pub use wwdev_core::cache::TicketKind;

/// One issued ticket and its validity window.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TicketInfo {
    pub kind: TicketKind,
    /// For agent tickets the owning app; for the corp ticket the app whose token fetched it first.
    pub agentid: i64,
    pub ticket: String,
    pub issued_at: i64,
    pub expires_at: i64,
    /// Invalidated before its expiry.
    pub revoked: bool,
}

impl std::fmt::Debug for TicketInfo {
    // The ticket value stays out of Debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TicketInfo")
            .field("kind", &self.kind)
            .field("agentid", &self.agentid)
            .field("ticket", &crate::wire::mask(&self.ticket))
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .field("revoked", &self.revoked)
            .finish()
    }
}

impl TicketInfo {
    pub fn is_valid(&self, now: i64) -> bool {
        !self.revoked && self.expires_at > now
    }
}


/// The seed as the decision's corp facts: every app, with its trusted domains.
pub fn corp_facts(seed: &Seed) -> CorpFacts {
    CorpFacts {
        corpid: seed.corpid.clone(),
        apps: seed
            .apps
            .iter()
            .map(|a| AppFacts { agentid: a.agentid, name: a.name.clone(), trusted_domains: Some(a.trusted_domains.clone()) })
            .collect(),
        apps_complete: true,
    }
}

/// The issued tickets as the decision's known tickets at time `now`. The newest
/// still-valid ticket per kind (and app, for agent tickets) is current.
pub fn known_tickets(tickets: &[TicketInfo], now: i64) -> Vec<KnownTicket> {
    let owner = |t: &TicketInfo| match t.kind {
        TicketKind::Corp => None,
        TicketKind::Agent => Some(t.agentid),
    };
    tickets
        .iter()
        .map(|t| KnownTicket {
            kind: match t.kind {
                TicketKind::Corp => wwdev_core::diagnose::TicketKind::Corp,
                TicketKind::Agent => wwdev_core::diagnose::TicketKind::Agent,
            },
            agentid: t.agentid,
            value: Secret::new(t.ticket.clone()),
            fetched_at: t.issued_at,
            expires_at: t.expires_at,
            valid: t.is_valid(now),
            is_current: t.is_valid(now)
                && !tickets.iter().any(|o| o.kind == t.kind && owner(o) == owner(t) && o.is_valid(now) && o.issued_at > t.issued_at),
        })
        .collect()
}

/// Decide a registration against the tickets issued so far at time `now`: the client's
/// verdict, and for a refused signature the diagnosis engine's causes and reason text.
pub fn decide(input: &VerifyInput, seed: &Seed, tickets: &[TicketInfo], now: i64) -> VerifyOutcome {
    wwdev_core::jssdk::decide(input, &corp_facts(seed), &known_tickets(tickets, now), now).outcome
}

/// The client's verdict alone, with its short reason text.
pub fn decide_client(input: &VerifyInput, seed: &Seed, tickets: &[TicketInfo], now: i64) -> VerifyOutcome {
    wwdev_core::jssdk::decide_client(input, &corp_facts(seed), &known_tickets(tickets, now), now)
}

/// What the live page bridge's simulated client answers for chat-toolbar APIs, from
/// the seed: the first external contact, and a fixed sandbox group chat id.
pub fn sim_data(seed: &Seed) -> wwdev_core::jssdk::SimData {
    wwdev_core::jssdk::SimData {
        external_userid: seed.external_contacts.first().map(|c| c.external_userid.clone()),
        chat_id: Some(SANDBOX_CHAT_ID.to_owned()),
    }
}

/// The group chat `getCurExternalChat` answers in the sandbox (not a seeded chat: the
/// sandbox has no group-chat API yet).
pub const SANDBOX_CHAT_ID: &str = "wrSbxChat0Kq7Lm2Nx5Pz8Rv3Tw6Yb9Cd";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use wwdev_core::signature::{sha1_hex, string1};

    fn ticket(kind: TicketKind, agentid: i64, t: &str) -> TicketInfo {
        TicketInfo { kind, agentid, ticket: t.into(), issued_at: 0, expires_at: 7200, revoked: false }
    }

    fn input(kind: &str, ts: &str, sig: String, agentid: Option<i64>) -> VerifyInput {
        VerifyInput {
            kind: kind.into(),
            url: "https://app.example.test/p?a=1".into(),
            timestamp: json!(ts),
            nonce_str: "N".into(),
            signature: sig,
            agentid: agentid.map(|a| json!(a)),
            ..Default::default()
        }
    }

    fn sig(t: &str, ts: &str) -> String {
        sha1_hex(&string1(t, "N", ts, "https://app.example.test/p?a=1"))
    }

    #[test]
    fn decisions_without_a_server() {
        let seed = Seed::default();
        let tickets = [ticket(TicketKind::Corp, 1000002, "CORP"), ticket(TicketKind::Agent, 1000002, "AG")];
        assert!(decide(&input("config", "100", sig("CORP", "100"), None), &seed, &tickets, 10).valid);
        // Numeric timestamps are accepted like strings.
        let mut i = input("config", "100", sig("CORP", "100"), None);
        i.timestamp = json!(100);
        assert!(decide(&i, &seed, &tickets, 10).valid);
        // Expired at 7200.
        let o = decide(&input("config", "100", sig("CORP", "100"), None), &seed, &tickets, 7200);
        assert!(!o.valid);
        assert_eq!(o.causes[0].id, "stale_ticket", "{o:?}");
        // Uppercase hex.
        let o = decide(&input("config", "100", sig("CORP", "100").to_uppercase(), None), &seed, &tickets, 10);
        assert!(!o.valid && o.reason.contains("lowercase"));
        // Milliseconds are called out.
        let o = decide(&input("config", "1700000000000", sig("OTHER", "1700000000000"), None), &seed, &tickets, 10);
        assert!(o.reason.contains("milliseconds"), "{}", o.reason);
        // config signed with the agent ticket.
        let o = decide(&input("config", "100", sig("AG", "100"), None), &seed, &tickets, 10);
        assert_eq!(o.errcode, Some(40093));
        assert!(o.reason.contains("agent ticket"));
        // agentConfig with no agent ticket for that app: 42012.
        let o = decide(&input("agentConfig", "100", sig("X", "100"), Some(1000002)), &seed, &tickets[..1], 10);
        assert_eq!(o.errcode, Some(42012));
        assert_eq!(decide(&input("agentConfig", "100", sig("AG", "100"), Some(42)), &seed, &tickets, 10).errcode, Some(40056));
        assert_eq!(decide(&input("cfg", "100", sig("AG", "100"), None), &seed, &tickets, 10).errcode, Some(40058));
        let mut i = input("config", "100", sig("CORP", "100"), None);
        i.url = "app.example.test/p".into();
        assert_eq!(decide(&i, &seed, &tickets, 10).errcode, Some(40094));
    }

    #[test]
    fn corp_id_is_checked_when_given() {
        let seed = Seed::default();
        let tickets = [ticket(TicketKind::Corp, 1000002, "CORP")];
        let mut i = input("config", "100", sig("CORP", "100"), None);
        i.corpid = Some(seed.corpid.clone());
        assert!(decide(&i, &seed, &tickets, 10).valid);
        i.corpid = Some("wwffffffffffffffff".into());
        let o = decide(&i, &seed, &tickets, 10);
        assert_eq!((o.errcode, o.err_msg.as_str()), (Some(40013), "config:invalid corpId, e=40013"));
        // The JSON field is `corpId`, as ww.register names it.
        let v: VerifyInput = serde_json::from_value(json!({"kind": "agentConfig", "url": "https://app.example.test/p", "timestamp": 1,
            "nonceStr": "N", "signature": "s", "agentid": 1000002, "corpId": "wwX"})).unwrap();
        assert_eq!(v.corpid.as_deref(), Some("wwX"));
        assert_eq!(decide(&v, &seed, &tickets, 10).errcode, Some(40013));
    }

    #[test]
    fn debug_hides_ticket() {
        let t = ticket(TicketKind::Corp, 1, "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVU");
        assert!(!format!("{t:?}").contains("VdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37"));
    }
}
