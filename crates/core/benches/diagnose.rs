//! Diagnosis latency over a realistic history: 2 profiles × 50 tickets (corp and
//! agent, one current of each per profile). Prints p50/p99 for a valid signature,
//! one explained exactly by a cause, and one nothing explains (the worst case: the
//! whole bounded search runs). Run: `cargo bench -p wwdev-core --bench diagnose`.

use std::hint::black_box;
use std::time::Instant;

use wwdev_core::diagnose::{DiagnoseInput, Kind, TicketCandidate, TicketKind, diagnose, parse_pasted};
use wwdev_core::secret::Secret;
use wwdev_core::signature::{sha1_hex, sign, string1};

const NOW: i64 = 1_700_000_000;
const PAGE: &str = "https://app.example.com/h5/index.html?from=singlemessage&id=7&code=C0DE&state=s1#/orders/42";

fn history() -> Vec<TicketCandidate> {
    let mut v = Vec::new();
    for profile in ["prod", "test"] {
        for i in 0..50i64 {
            let kind = if i % 2 == 0 { TicketKind::Corp } else { TicketKind::Agent };
            let fetched_at = NOW - 600 - (i / 2) * 7200;
            // 86-character tickets like the real ones.
            let value = format!("{profile}{i:03}-{}", sha1_hex(&format!("{profile}{i}")).repeat(2))[..86].to_owned();
            v.push(TicketCandidate {
                kind,
                value: Secret::new(value),
                fetched_at,
                expires_at: fetched_at + 7200,
                profile: profile.to_owned(),
                is_current: i < 2,
            });
        }
    }
    v
}

fn input(tickets: &[TicketCandidate], signature: &str) -> DiagnoseInput {
    let paste = format!("getAgentConfigSignature :>> {{timestamp: 1699999900, nonceStr: 'Wm3WZYTPz0wzccnW', signature: '{signature}'}}");
    DiagnoseInput {
        pasted: parse_pasted(&paste).expect("bench paste"),
        page_url: PAGE.into(),
        kind: Kind::Auto,
        tickets: tickets.to_vec(),
        active_profile: "prod".into(),
        oauth_url: Some("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fh5%2Findex.html&response_type=code&scope=snsapi_base&state=s1#wechat_redirect".into()),
        entry_url: Some("https://app.example.com/h5/index.html".into()),
        now: NOW,
        ..Default::default()
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn run(name: &str, inp: &DiagnoseInput, expect_first: Option<&str>, valid: bool) -> f64 {
    let d = diagnose(inp);
    assert_eq!(d.valid, valid, "{name}: unexpected verdict");
    if let Some(id) = expect_first {
        assert_eq!(d.causes.first().map(|c| c.id), Some(id), "{name}: unexpected cause");
    }
    for _ in 0..20 {
        black_box(diagnose(black_box(inp)));
    }
    let mut t: Vec<f64> = (0..300)
        .map(|_| {
            let s = Instant::now();
            black_box(diagnose(black_box(inp)));
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&t, 0.5), percentile(&t, 0.99));
    println!("{name:<34} p50 {p50:>7.3} ms   p99 {p99:>7.3} ms");
    p50
}

fn main() {
    let tickets = history();
    let agent = tickets.iter().find(|t| t.kind == TicketKind::Agent && t.is_current && t.profile == "prod").unwrap();
    let stale_agent = &tickets[21];
    let (ts, nonce) = ("1699999900", "Wm3WZYTPz0wzccnW");
    println!("history: {} tickets, 2 profiles; diagnose() per keystroke", tickets.len());
    let paste = "getAgentConfigSignature :>> {timestamp: 1699999900, nonceStr: 'Wm3WZYTPz0wzccnW', signature: '0f9de62fce790f9a083d5c99e95740ceb90c27ed'}";
    let mut pt: Vec<f64> = (0..300)
        .map(|_| {
            let s = Instant::now();
            black_box(parse_pasted(black_box(paste)).ok());
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    pt.sort_by(f64::total_cmp);
    println!("{:<34} p50 {:>7.3} ms   p99 {:>7.3} ms", "parse_pasted (console line)", percentile(&pt, 0.5), percentile(&pt, 0.99));

    let ok = sign(agent.value.expose(), nonce, ts, PAGE).signature;
    let valid = run("valid", &input(&tickets, &ok), None, true);

    let frag = sha1_hex(&string1(agent.value.expose(), nonce, ts, PAGE));
    run("exact: fragment_in_url (1 mistake)", &input(&tickets, &frag), Some("fragment_in_url"), false);

    let two = sha1_hex(&string1(stale_agent.value.expose(), nonce, ts, &PAGE.split('#').next().unwrap().replace("https", "http")));
    run("exact: 2 mistakes", &input(&tickets, &two), Some("stale_ticket"), false);

    let unknown = sha1_hex("nothing explains this");
    let worst = run("unknown (full search)", &input(&tickets, &unknown), Some("unknown"), false);
    println!("ratio unknown/valid p50: {:.1}x", worst / valid);
}
