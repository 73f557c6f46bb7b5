//! Property tests of the parsers of user input that had none: the diagnosis paste,
//! WeCom answers (any body, any status), and profile import. The same properties the
//! cargo-fuzz targets in fuzz/ check for much longer (bench/fuzz.sh).

use proptest::prelude::*;
use wwdev_core::client::{RawResponse, TicketResponse, TokenResponse, User, UserDetail, UserInfo, decode_as, decode_userinfo};
use wwdev_core::diagnose::{self, DiagnoseInput, Kind, TicketCandidate, TicketKind};
use wwdev_core::profile::{Profile, export_profiles, import_profiles};
use wwdev_core::secret::Secret;

const URL: &str = "https://qyapi.weixin.qq.com/cgi-bin/x";

/// Text that looks like what people paste: fragments of objects, console lines, key: value.
fn paste_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{".to_string()),
        Just("}".to_string()),
        Just("signature".to_string()),
        Just("nonceStr".to_string()),
        Just("timestamp".to_string()),
        Just("url".to_string()),
        Just(": ".to_string()),
        Just("=".to_string()),
        Just("'".to_string()),
        Just("\"".to_string()),
        Just(",".to_string()),
        Just("\n".to_string()),
        Just("\\".to_string()),
        Just("0f9de62fce790f9a083d5c99e95740ceb90c27ed".to_string()),
        Just("1414587457000".to_string()),
        "\\PC{0,8}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn diagnose_input(pasted: diagnose::Pasted) -> DiagnoseInput {
    DiagnoseInput {
        page_url: pasted.url.clone().unwrap_or_else(|| "https://app.example.test/p?id=1#/x".into()),
        pasted,
        kind: Kind::Auto,
        tickets: vec![TicketCandidate {
            kind: TicketKind::Corp,
            value: Secret::new("sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"),
            fetched_at: 1_414_580_000,
            expires_at: 1_414_587_200,
            profile: "p".into(),
            is_current: true,
        }],
        active_profile: "p".into(),
        now: 1_414_587_457,
        ..Default::default()
    }
}

/// JSON-ish bodies: real envelopes with odd values, and plain garbage.
fn body_like() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:?}")),
        "\\PC{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("[]".to_string()),
        Just("{}".to_string()),
    ];
    let key = prop_oneof![
        Just("errcode"), Just("errmsg"), Just("access_token"), Just("expires_in"), Just("ticket"),
        Just("userid"), Just("user_ticket"), Just("openid"), Just("external_userid"), Just("name"),
        Just("department"), Just("mobile"), Just("extattr"),
    ];
    prop_oneof![
        proptest::collection::vec((key, value), 0..8).prop_map(|kv| {
            let fields: Vec<String> = kv.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
            format!("{{{}}}", fields.join(","))
        }),
        "\\PC{0,200}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn diagnosis_paste_never_panics(s in "\\PC{0,300}") {
        if let Ok(p) = diagnose::parse_pasted(&s) {
            let _ = diagnose::diagnose(&diagnose_input(p));
        }
    }

    #[test]
    fn diagnosis_paste_like_never_panics(s in paste_like()) {
        if let Ok(p) = diagnose::parse_pasted(&s) {
            let d = diagnose::diagnose(&diagnose_input(p));
            prop_assert!(serde_json::to_string(&d).is_ok());
        }
    }

    #[test]
    fn wecom_answers_never_panic_and_classify(status in 100u16..600, body in body_like()) {
        let raw = RawResponse::from_http(status, vec![], body.clone(), 1);
        let checked = raw.check(URL);
        if status != 200 {
            prop_assert_eq!(checked.as_ref().map_err(|e| e.kind()), Err("http"));
        } else if raw.json.is_none() {
            prop_assert_eq!(checked.as_ref().map_err(|e| e.kind()), Err("decode"));
        }
        if let Err(e) = &checked {
            // The error shown to a user never carries a whole token-like value unmasked.
            let _ = (e.to_ui(), e.to_string());
        }
        let token = decode_as::<TokenResponse>(URL, raw.clone());
        if token.is_ok() {
            prop_assert!(checked.is_ok(), "decoded although check failed: {}", body);
        }
        let _ = decode_as::<TicketResponse>(URL, raw.clone());
        let _ = decode_as::<User>(URL, raw.clone());
        let _ = decode_as::<UserDetail>(URL, raw.clone());
        match decode_userinfo(URL, raw.clone()) {
            Ok(UserInfo::Member { userid, .. }) => prop_assert!(!userid.is_empty()),
            Ok(UserInfo::NonMember { openid, .. }) => prop_assert!(!openid.is_empty()),
            Err(_) => {}
        }
        prop_assert_eq!(raw.redacted().status, status);
    }

    #[test]
    fn an_errcode_answer_is_a_wecom_error(code in 1i64..100_000, msg in "\\PC{0,40}") {
        let body = serde_json::json!({"errcode": code, "errmsg": msg}).to_string();
        let e = decode_as::<TokenResponse>(URL, RawResponse::from_http(200, vec![], body, 1)).unwrap_err();
        prop_assert_eq!(e.kind(), "wecom");
        prop_assert_eq!(e.to_ui().errcode, Some(code));
    }

    #[test]
    fn profile_import_never_panics(s in "\\PC{0,300}") {
        let _ = import_profiles(&s);
    }

    #[test]
    fn profile_export_import_round_trip(
        ids in proptest::collection::hash_set("[a-z0-9-]{1,12}", 1..4),
        name in "\\PC{1,20}",
        corp in "ww[0-9a-f]{4,16}",
        agent in 1u32..9_999_999,
        domains in proptest::collection::vec("[a-z]{1,8}\\.(com|cn|test)", 0..3),
        notes in "\\PC{0,30}",
    ) {
        let profiles: Vec<Profile> = ids.into_iter().map(|id| Profile {
            id,
            name: name.clone(),
            corpid: corp.clone(),
            agentid: agent.to_string(),
            base_url: wwdev_core::client::DEFAULT_BASE_URL.into(),
            trusted_domains: domains.clone(),
            default_redirect_uri: None,
            notes: notes.clone(),
        }).collect();
        // Only what validates is exported by the app; skip generated names it refuses.
        prop_assume!(profiles.iter().all(|p| p.validate().is_ok()));
        let back = import_profiles(&export_profiles(&profiles)).unwrap();
        prop_assert_eq!(back, profiles);
    }
}
