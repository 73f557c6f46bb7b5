//! Signature diagnosis over the tickets the app has seen: the chosen profile's current
//! and previous tickets (both kinds), plus every other profile's, so a ticket of the
//! wrong profile is named too. The engine is `wwdev_core::diagnose`.

use wwdev_core::diagnose::{self as d, DiagnoseInput, TicketCandidate};

use crate::types::Profile;
use crate::types_diag::*;
use wwdev_core::error::UiResult;
use crate::Workbench;

/// Arguments of `diagnose` (one struct, so the command stays readable).
#[derive(Debug, Clone, Default)]
pub struct DiagnoseArgs {
    pub profile_id: String,
    pub pasted: String,
    pub page_url: String,
    pub kind: DiagnoseKind,
    pub oauth_url: Option<String>,
    pub entry_url: Option<String>,
    pub register_nonce: Option<String>,
    pub register_timestamp: Option<String>,
}

/// Every ticket the cache holds for `p`, newest first, with the real values (they
/// never leave this process: the diagnosis masks tickets in what it returns).
pub fn tickets_of(state: &Workbench, p: &Profile) -> Vec<TicketCandidate> {
    wwdev_core::flows::ticket_candidates(state.cache_for(&p.base_url), &p.credential_key(), &p.name)
}

fn blank_to_none(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

pub fn run(state: &Workbench, a: DiagnoseArgs) -> UiResult<DiagnosisView> {
    let profile = state.profile(&a.profile_id)?;
    let mut tickets = tickets_of(state, &profile);
    let own = tickets.len() as u32;
    for other in state.profiles().into_iter().filter(|p| p.id != profile.id) {
        tickets.extend(tickets_of(state, &other));
    }
    let others = tickets.len() as u32 - own;
    let pasted = match d::parse_pasted(&a.pasted) {
        Ok(p) => p,
        Err(e) => {
            let mut v = DiagnosisView::empty(DiagPasted::default(), own, others);
            v.parse_error =
                Some(DiagParseError { kind: e.kind().into(), message_zh: e.message_zh(), message_en: e.to_string() });
            return Ok(v);
        }
    };
    let shown = DiagPasted::from(&pasted);
    let input = DiagnoseInput {
        pasted,
        page_url: a.page_url.trim_end_matches(['\r', '\n']).to_owned(),
        kind: a.kind.into(),
        tickets,
        active_profile: profile.name.clone(),
        oauth_url: blank_to_none(a.oauth_url),
        entry_url: blank_to_none(a.entry_url),
        register_nonce: blank_to_none(a.register_nonce),
        register_timestamp: blank_to_none(a.register_timestamp),
        now: state.now_for(&profile.base_url),
    };
    Ok(DiagnosisView::from_core(d::diagnose(&input), shown, own, others))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::log::tests::sandbox_profile;
    use crate::types::{RevealWhat, TicketKind};

    fn state() -> Workbench {
        Workbench::in_memory()
    }

    fn paste(sig: &str, nonce: &str, ts: &str) -> String {
        format!("getConfigSignature :>> {{timestamp: {ts}, nonceStr: '{nonce}', signature: '{sig}'}}")
    }

    #[tokio::test]
    async fn names_the_fragment_and_accepts_the_right_signature() {
        let st = state();
        let (pid, _) = sandbox_profile(&st).await;
        let args = |pasted: String| DiagnoseArgs {
            profile_id: pid.clone(),
            pasted,
            page_url: "https://app.example.com/page?x=1#/route".into(),
            kind: DiagnoseKind::Config,
            ..Default::default()
        };
        // No ticket yet: the view says so instead of guessing.
        let empty = run(&st, args(paste(&"a".repeat(40), "n", "1700000000"))).unwrap();
        assert_eq!(empty.tickets_known, 0);

        crate::commands::credentials::ticket(&st, &pid, TicketKind::Corp, false).await.unwrap();
        let ticket = crate::commands::credentials::reveal(&st, &pid, RevealWhat::CorpTicket).unwrap();
        let buggy = wwdev_core::signature::sign(&ticket, "n0nce", "1700000000", "https://app.example.com/page?x=1#/route");
        // sign() strips the fragment itself; the buggy backend hashes it in.
        let s1 = format!("jsapi_ticket={ticket}&noncestr=n0nce&timestamp=1700000000&url=https://app.example.com/page?x=1#/route");
        let wrong = wwdev_core::signature::sha1_hex(&s1);
        assert_ne!(wrong, buggy.signature);
        let v = run(&st, args(paste(&wrong, "n0nce", "1700000000"))).unwrap();
        assert!(!v.valid);
        assert_eq!(v.tickets_known, 1);
        assert_eq!(v.causes[0].id, "fragment_in_url", "{:?}", v.causes);
        let exp = v.expected.as_ref().unwrap();
        assert_eq!(exp.signature, buggy.signature);
        assert!(!exp.string1.contains(&ticket), "the ticket must be masked");
        assert!(v.explained.as_ref().unwrap().first_diff_index.is_some());

        let ok = run(&st, args(paste(&buggy.signature, "n0nce", "1700000000"))).unwrap();
        assert!(ok.valid && ok.causes.is_empty(), "{ok:?}");

        let garbage = run(&st, args("hello world".into())).unwrap();
        assert!(garbage.parse_error.is_some());
        assert!(!serde_json::to_string(&v).unwrap().contains(&ticket));
    }
}
