//! The diagnosis paste: whatever the page printed (objects, console lines, key: value
//! lines). A paste that parses also goes through the whole diagnosis with one ticket.
#![no_main]
use libfuzzer_sys::fuzz_target;
use wwdev_core::diagnose::{self, DiagnoseInput, Kind, TicketCandidate, TicketKind};
use wwdev_core::secret::Secret;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let Ok(pasted) = diagnose::parse_pasted(s) else { return };
    let input = DiagnoseInput {
        page_url: pasted.url.clone().unwrap_or_else(|| "https://app.example.test/p?id=1#/home".into()),
        pasted,
        kind: Kind::Auto,
        tickets: vec![TicketCandidate {
            kind: TicketKind::Corp,
            value: Secret::new("sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"),
            fetched_at: 1_414_580_000,
            expires_at: 1_414_587_200,
            profile: "fuzz".into(),
            is_current: true,
        }],
        active_profile: "fuzz".into(),
        now: 1_414_587_457,
        ..Default::default()
    };
    let d = diagnose::diagnose(&input);
    serde_json::to_string(&d).expect("a diagnosis always serialises");
});
