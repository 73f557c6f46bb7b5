//! The command layer against a real embedded sandbox over HTTP, without a desktop: the
//! same code the Tauri commands run, on a `Workbench` with in-memory storage.

use wwdev_workbench::Workbench;
use wwdev_workbench::commands::{credentials, identity, links, profiles, sandbox, sign};
use wwdev_workbench::types::{FaultKind, OAuthParams, SandboxFault, TicketKind};
use wwdev_workbench::ErrorKind;

async fn app() -> (Workbench, String) {
    let st = Workbench::in_memory();
    let h = wwdev_sandbox::start(wwdev_sandbox::SandboxConfig::default()).await.unwrap();
    st.attach_sandbox(h).unwrap();
    let id = st.sandbox_profile_id().unwrap();
    (st, id)
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_and_tickets_are_cached_and_follow_the_sandbox_clock() {
    let (st, id) = app().await;
    let t1 = credentials::token(&st, &id, false).await.unwrap();
    let t2 = credentials::token(&st, &id, false).await.unwrap();
    assert!(!t1.from_cache && t2.from_cache);
    assert_eq!(t1.expires_at - t1.fetched_at, 7200);
    credentials::ticket(&st, &id, TicketKind::Corp, false).await.unwrap();
    let snap = credentials::snapshot(&st, &id).unwrap();
    assert_eq!(snap.corp_fetches_last_hour, 1);
    assert!(snap.token.unwrap().masked.contains("***"));
    // Two hours later on the sandbox clock the cached token is stale and refetched.
    st.sandbox_handle().unwrap().control().advance_clock(7200);
    let t3 = credentials::token(&st, &id, false).await.unwrap();
    assert!(!t3.from_cache);
    assert!(t3.fetched_at >= t1.fetched_at + 7200);
    let real = credentials::reveal(&st, &id, wwdev_workbench::types::RevealWhat::Token).unwrap();
    assert!(!real.contains("***") && real.len() > 8);
}

#[tokio::test(flavor = "multi_thread")]
async fn oauth_link_code_and_identity_lookup() {
    let (st, id) = app().await;
    let prof = st.profile(&id).unwrap();
    let built = links::build_oauth(
        &st,
        OAuthParams {
            profile_id: id.clone(),
            redirect_uri: prof.default_redirect_uri.clone(),
            scope: "snsapi_privateinfo".into(),
            state: "t1".into(),
            agentid: None,
            for_sandbox: true,
        },
    )
    .unwrap();
    let url = built.url.expect("link blocked");
    assert!(url.starts_with(&st.sandbox_handle().unwrap().base_url()));
    let member = st.sandbox_handle().unwrap().seed().members[0].userid.clone();
    let auth = sandbox::authorize_url(&st, &id, Some(&member)).unwrap();
    let resp = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(&auth)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    let callback = resp.headers()["location"].to_str().unwrap().to_owned();
    let rep = identity::lookup(&st, &id, &callback).await.unwrap();
    assert!(rep.steps.iter().all(|s| s.ok), "{:?}", rep.steps);
    assert_eq!(rep.userinfo.as_ref().unwrap()["userid"], member.as_str());
    assert_eq!(rep.user.as_ref().unwrap()["userid"], member.as_str());
    // user_ticket is a credential: masked in what the UI receives.
    let ticket = rep.userinfo.as_ref().unwrap()["user_ticket"].as_str().unwrap_or("");
    assert!(ticket.is_empty() || ticket.contains("***"), "{ticket}");
    // Used once: the second lookup fails at getuserinfo with 40029.
    let again = identity::lookup(&st, &id, &callback).await.unwrap();
    let failed = again.steps.iter().find(|s| !s.ok).unwrap();
    assert_eq!(failed.error.as_ref().unwrap().errcode, Some(40029));
    assert_eq!(st.links()[0].url, url);
}

#[tokio::test(flavor = "multi_thread")]
async fn faults_become_explained_errors_and_sign_masks_tickets() {
    let (st, id) = app().await;
    sandbox::set_fault(
        &st,
        SandboxFault {
            path: "/cgi-bin/gettoken".into(),
            kind: FaultKind::Errcode,
            latency_ms: None,
            status: None,
            errcode: Some(40013),
            count: Some(1),
        },
    )
    .unwrap();
    let t = profiles::test_connection(&st, &id).await.unwrap();
    assert!(!t.ok);
    let e = t.error.unwrap();
    assert_eq!((e.kind, e.errcode), (ErrorKind::Wecom, Some(40013)));
    assert!(e.hint.is_some());
    assert!(profiles::test_connection(&st, &id).await.unwrap().ok);

    let rep = sign::sign_url(&st, &id, "https://app.example.com/page?a=1#frag", Some("abc".into()), Some("1700000000".into()), false)
        .await
        .unwrap();
    assert_eq!(rep.url_signed, "https://app.example.com/page?a=1");
    assert_eq!(rep.stripped_fragment.as_deref(), Some("#frag"));
    assert_eq!(rep.config.signature.len(), 40);
    assert_ne!(rep.config.signature, rep.agent_config.signature);
    assert!(rep.config.string1.is_none() && rep.config.string1_masked.contains("***"));
    assert!(rep.ww_register_snippet.contains(&rep.agent_config.signature));
    let bad = sign::sign_url(&st, &id, "app.example.com", None, None, false).await.unwrap_err();
    assert_eq!(bad.kind, ErrorKind::InvalidInput);
}

/// The app starts the sandbox while its window is created: a command that arrives first
/// waits, and then sees the sandbox profile (never a first screen without it).
#[tokio::test(flavor = "multi_thread")]
async fn commands_wait_for_the_sandbox_started_beside_the_window() {
    let st = std::sync::Arc::new(Workbench::starting(wwdev_workbench::Host::in_memory()));
    let early = tokio::spawn({
        let st = st.clone();
        async move { st.profiles_list().await }
    });
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert!(!early.is_finished(), "profiles_list answered before startup was done");
    st.finish_startup().await.unwrap();
    let list = early.await.unwrap().unwrap();
    assert!(list.profiles.iter().any(|p| p.is_sandbox), "{list:?}");
    assert!(st.app_info().await.unwrap().sandbox_base_url.is_some());
}
