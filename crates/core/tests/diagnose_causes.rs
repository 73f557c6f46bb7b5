//! Each cause produced the way a buggy backend would, pasted in one of the supported
//! shapes, must come out first; correct signatures must be valid.

use proptest::prelude::*;
use wwdev_core::diagnose::{
    CAUSE_IDS, Confidence, DiagnoseInput, Diagnosis, Kind, TicketCandidate, TicketKind, diagnose, first_diff,
    parse_pasted,
};
use wwdev_core::secret::Secret;
use wwdev_core::signature::{sha1_hex, sign, string1};

const NOW: i64 = 1_700_003_600;
const TS: &str = "1700003500";
const NONCE: &str = "Wm3WZYTPz0wzccnW";
const PAGE: &str = "https://app.example.com/h5/index.html?from=singlemessage&id=7#/orders/42";
const BASE: &str = "https://app.example.com/h5/index.html?from=singlemessage&id=7";

const CORP: &str = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg";
const CORP_OLD: &str = "kgt8ON7yVITDhtdwci0qeaWnEsOZxvzc1Qzfo3ql4UMhIDgHr2AFuA1oHpPvJ5d7Hsc3lJnDmBxk2RjzS9AH9Q";
const AGENT: &str = "bxLdikRXVbTPdHSM05e5u5sUoXNKd8-41ZO3MhKoyN5OfkWITDGgnr2fwJ0m9E8NYzWKVZvdVtaUgWvsdshFKA";
const OTHER_CORP: &str = "HoagFKDcsGMVCIY2vOjf9nGrJ8Ehm0RNpbqyzfZtZGdkXHq46fZWrl2HIqRWdZFB0yOqHEomDvI8y8GAgbR3kQ";

fn tickets() -> Vec<TicketCandidate> {
    let t = |kind, value: &str, fetched_at: i64, profile: &str, is_current| TicketCandidate {
        kind,
        value: Secret::new(value),
        fetched_at,
        expires_at: fetched_at + 7200,
        profile: profile.into(),
        is_current,
    };
    vec![
        t(TicketKind::Corp, CORP, NOW - 600, "prod", true),
        t(TicketKind::Agent, AGENT, NOW - 900, "prod", true),
        t(TicketKind::Corp, CORP_OLD, NOW - 9000, "prod", false),
        t(TicketKind::Corp, OTHER_CORP, NOW - 300, "test", true),
    ]
}

fn input(paste: &str, page: &str, kind: Kind) -> DiagnoseInput {
    DiagnoseInput {
        pasted: parse_pasted(paste).unwrap_or_else(|e| panic!("paste not read: {e}\n{paste}")),
        page_url: page.into(),
        kind,
        tickets: tickets(),
        active_profile: "prod".into(),
        now: NOW,
        ..Default::default()
    }
}

fn sig(ticket: &str, nonce: &str, ts: &str, url: &str) -> String {
    sha1_hex(&string1(ticket, nonce, ts, url))
}

fn obj(ts: &str, nonce: &str, signature: &str) -> String {
    format!("{{timestamp: {ts}, nonceStr: '{nonce}', signature: \"{signature}\",}}")
}

#[track_caller]
fn assert_first(d: &Diagnosis, id: &str) {
    assert!(!d.valid, "expected invalid, got valid: {d:#?}");
    let ids: Vec<_> = d.causes.iter().map(|c| c.id).collect();
    assert_eq!(ids.first().copied(), Some(id), "causes were {ids:?}");
    assert_eq!(d.causes[0].confidence, Confidence::Exact, "{:?}", d.causes[0]);
    assert!(d.explained.is_some());
    let c = &d.causes[0];
    assert!(!c.fix_zh.is_empty() && !c.fix_en.is_empty() && !c.detail_zh.is_empty() && !c.detail_en.is_empty());
}

#[test]
fn correct_signature_with_fragment_in_href_is_valid() {
    let s = sign(CORP, NONCE, TS, PAGE);
    let d = diagnose(&input(&obj(TS, NONCE, &s.signature), PAGE, Kind::Config));
    assert!(d.valid, "{d:#?}");
    assert!(d.causes.is_empty());
    let e = d.expected.unwrap();
    assert_eq!(e.signature, s.signature);
    assert_eq!(e.url_signed, BASE);
    assert!(!e.string1.contains(CORP), "string1 output must mask the ticket");
    assert!(d.fields.iter().all(|f| f.ok), "{:?}", d.fields);
}

#[test]
fn correct_agent_signature_is_valid_with_auto_kind() {
    let s = sign(AGENT, NONCE, TS, PAGE);
    let d = diagnose(&input(&obj(TS, NONCE, &s.signature), PAGE, Kind::Auto));
    assert!(d.valid, "{d:#?}");
    assert_eq!(d.expected.unwrap().ticket_kind, TicketKind::Agent);
    let d = diagnose(&input(&obj(TS, NONCE, &s.signature), PAGE, Kind::AgentConfig));
    assert!(d.valid);
}

#[test]
fn fragment_in_url() {
    let s = sig(CORP, NONCE, TS, PAGE);
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "fragment_in_url");
    let ex = d.explained.unwrap();
    let e = d.expected.unwrap();
    assert_eq!(ex.first_diff_index, first_diff(&e.string1, &ex.string1));
    assert_eq!(ex.first_diff_index, Some(e.string1.chars().count()), "the fragment is appended");
}

#[test]
fn wrong_ticket_kind() {
    // agentConfig signed with the corp ticket; the console label says agentConfig.
    let s = sig(CORP, NONCE, TS, BASE);
    let paste = format!("getAgentConfigSignature :>> {}", obj(TS, NONCE, &s));
    let d = diagnose(&input(&paste, PAGE, Kind::Auto));
    assert_first(&d, "wrong_ticket_kind");
    assert_eq!(d.causes[0].ticket.as_ref().unwrap().kind, TicketKind::Corp);
    // And the reverse: config signed with the agent ticket.
    let s = sig(AGENT, NONCE, TS, BASE);
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "wrong_ticket_kind");
}

#[test]
fn stale_ticket() {
    let s = sig(CORP_OLD, NONCE, TS, BASE);
    let paste = format!(
        r#"{{"code":0,"msg":"ok","data":{{"appId":"ww1234","timestamp":"{TS}","noncestr":"{NONCE}","signature":"{s}","url":"{BASE}"}}}}"#
    );
    let d = diagnose(&input(&paste, PAGE, Kind::Config));
    assert_first(&d, "stale_ticket");
    let t = d.causes[0].ticket.as_ref().unwrap();
    assert_eq!(t.fetched_at, NOW - 9000);
    assert!(t.expires_at < NOW && !t.is_current);
    assert!(d.causes[0].detail_en.contains("expired"));
}

#[test]
fn other_profile_ticket() {
    let s = sig(OTHER_CORP, NONCE, TS, BASE);
    let paste = format!("signature={s}\nnonceStr: {NONCE}\ntimestamp: {TS}\n");
    let d = diagnose(&input(&paste, PAGE, Kind::Config));
    assert_first(&d, "other_profile_ticket");
    assert_eq!(d.causes[0].ticket.as_ref().unwrap().profile, "test");
}

#[test]
fn timestamp_ms() {
    // Backend used Date.now() and returned it; the page handed it to ww.register.
    let ms = format!("{TS}123");
    let s = sig(CORP, NONCE, &ms, BASE);
    let d = diagnose(&input(&obj(&ms, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "timestamp_ms");
    assert_eq!(d.expected.unwrap().timestamp, TS, "expected values are corrected to seconds");
}

#[test]
fn url_encoded() {
    let enc: String = url_encode(BASE);
    let s = sig(CORP, NONCE, TS, &enc);
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "url_encoded");
}

#[test]
fn url_double_encoded() {
    let s = sig(CORP, NONCE, TS, &url_encode(&url_encode(BASE)));
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "url_double_encoded");
}

#[test]
fn url_decoded_once_is_url_encoded_cause() {
    let page = "https://app.example.com/h5/?back=https%3A%2F%2Fapp.example.com%2Fx";
    let s = sig(CORP, NONCE, TS, "https://app.example.com/h5/?back=https://app.example.com/x");
    let d = diagnose(&input(&obj(TS, NONCE, &s), page, Kind::Config));
    assert_first(&d, "url_encoded");
}

#[test]
fn html_escaped_amp() {
    let s = sig(CORP, NONCE, TS, &BASE.replace('&', "&amp;"));
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "html_escaped_amp");
    // `&timestamp` of string1 decoded as the `&times` entity.
    let mangled = format!("jsapi_ticket={CORP}&noncestr={NONCE}×tamp={TS}&url={BASE}");
    let d = diagnose(&input(&obj(TS, NONCE, &sha1_hex(&mangled)), PAGE, Kind::Config));
    assert_first(&d, "html_escaped_amp");
}

#[test]
fn scheme_mismatch() {
    let s = sig(CORP, NONCE, TS, &BASE.replace("https://", "http://"));
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "scheme_mismatch");
}

#[test]
fn trailing_slash() {
    let page = "https://app.example.com/h5/";
    let s = sig(CORP, NONCE, TS, "https://app.example.com/h5");
    let d = diagnose(&input(&obj(TS, NONCE, &s), page, Kind::Config));
    assert_first(&d, "trailing_slash");
}

#[test]
fn oauth_url_signed() {
    let oauth = "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1234&redirect_uri=https%3A%2F%2Fapp.example.com%2Fh5%2F&response_type=code&scope=snsapi_base&state=s1#wechat_redirect";
    let page = "https://app.example.com/h5/?code=CODE123&state=s1";
    let s = sig(CORP, NONCE, TS, oauth.split('#').next().unwrap());
    let mut i = input(&obj(TS, NONCE, &s), page, Kind::Config);
    i.oauth_url = Some(oauth.into());
    assert_first(&diagnose(&i), "oauth_url_signed");
}

#[test]
fn missing_oauth_params() {
    let page = "https://app.example.com/h5/?code=CODE123&state=s1";
    let s = sig(CORP, NONCE, TS, "https://app.example.com/h5/");
    let d = diagnose(&input(&obj(TS, NONCE, &s), page, Kind::Config));
    assert_first(&d, "missing_oauth_params");
}

#[test]
fn spa_entry_url() {
    let entry = "https://app.example.com/shop/";
    let page = "https://app.example.com/shop/orders/42?tab=paid";
    let s = sig(CORP, NONCE, TS, entry);
    let mut i = input(&obj(TS, NONCE, &s), page, Kind::Config);
    i.entry_url = Some(entry.into());
    assert_first(&diagnose(&i), "spa_entry_url");
}

#[test]
fn nonce_mismatch() {
    // Backend signed one nonce; the page generated its own for ww.register.
    let s = sig(CORP, NONCE, TS, BASE);
    let paste = format!(
        "{}\nww.register({{corpId: 'ww1234', timestamp: {TS}, nonceStr: 'PageMadeThisOne1'}})",
        obj(TS, NONCE, &s)
    );
    let d = diagnose(&input(&paste, PAGE, Kind::Config));
    assert_first(&d, "nonce_mismatch");
    assert_eq!(d.expected.unwrap().nonce_str, "PageMadeThisOne1");
}

#[test]
fn timestamp_mismatch() {
    let s = sig(CORP, NONCE, TS, BASE);
    let mut i = input(&obj(TS, NONCE, &s), PAGE, Kind::Config);
    i.register_timestamp = Some("1700003555".into());
    assert_first(&diagnose(&i), "timestamp_mismatch");
}

#[test]
fn whitespace() {
    // Ticket read from a file with its trailing newline.
    let s = sig(&format!("{CORP}\n"), NONCE, TS, BASE);
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert_first(&d, "whitespace");
    // Backend signed the nonce with a trailing space, the page trimmed it.
    let s = sig(CORP, &format!("{NONCE} "), TS, BASE);
    let paste = format!(r#"{{"timestamp":"{TS}","nonceStr":"{NONCE} ","signature":"{s}"}}"#);
    let d = diagnose(&input(&paste, PAGE, Kind::Config));
    assert_first(&d, "whitespace");
}

#[test]
fn two_mistakes_compose() {
    // Old ticket and a fragment: both named, exact.
    let s = sig(CORP_OLD, NONCE, TS, PAGE);
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    let ids: Vec<_> = d.causes.iter().map(|c| c.id).collect();
    assert_eq!(ids, ["fragment_in_url", "stale_ticket"]);
}

#[test]
fn unknown_says_what_is_right_and_what_to_check() {
    let s = sig("a-ticket-wwdev-never-saw", NONCE, TS, BASE);
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert!(!d.valid);
    assert_eq!(d.causes.last().unwrap().id, "unknown");
    assert_eq!(d.causes[0].id, "unknown");
    assert!(d.explained.is_none());
    assert!(d.certainly_right.iter().any(|r| r.contains("current corp jsapi_ticket")), "{:?}", d.certainly_right);
    assert!(d.certainly_right.iter().any(|r| r.contains("in seconds")));
    assert!(d.next_checks_en.iter().any(|c| c.contains("trusted domain") && c.contains("app.example.com")));
    assert_eq!(d.next_checks_en.len(), d.next_checks_zh.len());
}

#[test]
fn leaked_ticket_not_in_history_is_named() {
    let s = sig("ticket-from-another-node", NONCE, TS, BASE);
    let paste = format!(r#"{{"jsapi_ticket":"ticket-from-another-node","nonceStr":"{NONCE}","timestamp":{TS},"signature":"{s}"}}"#);
    let d = diagnose(&input(&paste, PAGE, Kind::Config));
    assert_eq!(d.causes[0].id, "unknown");
    assert_eq!(d.causes[0].confidence, Confidence::Exact);
    assert!(d.causes[0].detail_en.contains("not in wwdev's history"));
}

#[test]
fn garbage_gets_a_clear_answer() {
    for g in ["", "   \n", "lorem ipsum dolor", "{}", "[1,2,3]", "<html><body>502 Bad Gateway</body></html>", "{signature: 'zz'}", "signature: 123"] {
        let e = parse_pasted(g).expect_err(g);
        let m = e.to_string();
        assert!(m.len() > 60 && (m.contains("Paste") || m.contains("paste")), "unclear message for {g:?}: {m}");
        assert!(!e.message_zh().is_empty());
    }
    // A hand-built input with nothing usable still gets an answer, not a panic.
    let d = diagnose(&DiagnoseInput::default());
    assert!(!d.valid);
    assert_eq!(d.causes[0].id, "unknown");
    assert!(d.next_checks_en[0].contains("signature"));
}

#[test]
fn cause_ids_are_the_published_contract() {
    let mut ids = CAUSE_IDS.to_vec();
    ids.sort_unstable();
    let mut want = vec![
        "fragment_in_url", "wrong_ticket_kind", "stale_ticket", "other_profile_ticket", "timestamp_ms",
        "url_encoded", "url_double_encoded", "html_escaped_amp", "scheme_mismatch", "trailing_slash",
        "oauth_url_signed", "missing_oauth_params", "spa_entry_url", "nonce_mismatch", "timestamp_mismatch",
        "whitespace", "unknown",
    ];
    want.sort_unstable();
    assert_eq!(ids, want);
}

#[test]
fn uppercase_signature_is_not_valid() {
    let s = sign(CORP, NONCE, TS, PAGE).signature.to_uppercase();
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    assert!(!d.valid);
    assert!(d.causes[0].detail_en.contains("lowercase"));
}

#[test]
fn diagnosis_serialises_without_the_ticket() {
    let s = sig(CORP_OLD, NONCE, TS, PAGE);
    let d = diagnose(&input(&obj(TS, NONCE, &s), PAGE, Kind::Config));
    let j = serde_json::to_string(&d).unwrap();
    for t in [CORP, CORP_OLD] {
        assert!(!j.contains(t), "ticket leaked into the serialised diagnosis");
        assert!(!format!("{d:?}").contains(t), "ticket leaked into Debug");
    }
    assert!(j.contains("\"id\":\"fragment_in_url\""));
}

fn url_encode(s: &str) -> String {
    // encodeURIComponent, written out independently of the engine's implementation.
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn correct_is_valid_and_one_char_off_is_not(
        ticket in "[A-Za-z0-9_-]{20,110}",
        nonce in "[A-Za-z0-9]{1,32}",
        ts in 1_000_000_000u64..2_000_000_000u64,
        host in "[a-z]{1,12}\\.(com|cn)",
        path in "(/[a-zA-Z0-9._%-]{0,10}){0,3}",
        query in proptest::option::of("[a-z]{1,5}=[a-zA-Z0-9%]{0,8}(&[a-z]{1,5}=[a-z0-9]{0,5}){0,2}"),
        frag in proptest::option::of("[a-zA-Z0-9/?=&]{0,12}"),
        pos in 0usize..40,
        agent in any::<bool>(),
    ) {
        let mut page = format!("https://{host}{path}");
        if let Some(q) = query { page.push('?'); page.push_str(&q); }
        if let Some(f) = frag { page.push('#'); page.push_str(&f); }
        let ts = ts.to_string();
        let good = sign(&ticket, &nonce, &ts, &page).signature;
        let kind = if agent { TicketKind::Agent } else { TicketKind::Corp };
        let mk = |signature: &str| DiagnoseInput {
            pasted: parse_pasted(&obj(&ts, &nonce, signature)).unwrap(),
            page_url: page.clone(),
            kind: if agent { Kind::AgentConfig } else { Kind::Config },
            tickets: vec![TicketCandidate {
                kind, value: Secret::new(ticket.clone()), fetched_at: 0, expires_at: i64::MAX,
                profile: "p".into(), is_current: true,
            }],
            active_profile: "p".into(),
            now: 1_500_000_000,
            ..Default::default()
        };
        let d = diagnose(&mk(&good));
        prop_assert!(d.valid, "{:#?}", d);
        prop_assert!(d.causes.is_empty());

        let mut bad: Vec<char> = good.chars().collect();
        let c = bad[pos];
        bad[pos] = if c == '0' { '1' } else { '0' };
        let bad: String = bad.into_iter().collect();
        let d = diagnose(&mk(&bad));
        prop_assert!(!d.valid);
        prop_assert!(!d.causes.is_empty());
    }

    #[test]
    fn any_text_parses_or_explains_without_panicking(s in "\\PC{0,200}") {
        match parse_pasted(&s) {
            Ok(p) => { let _ = diagnose(&DiagnoseInput { pasted: p, page_url: "https://a.com/".into(), ..Default::default() }); }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}
