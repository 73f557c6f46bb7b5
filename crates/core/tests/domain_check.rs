//! Domain checks against a real HTTP server on 127.0.0.1.

use axum::{Router, http::StatusCode, response::Redirect, routing::get};
use std::time::Duration;
use wwdev_core::domain::{DomainCheckRequest, Severity, check_domain};

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("127.0.0.1:{}", addr.port())
}

fn req(domain: &str, name: &str, urls: Vec<String>) -> DomainCheckRequest {
    DomainCheckRequest { domain: domain.into(), verify_file_name: Some(name.into()), expected_content: None, urls }
}

#[tokio::test]
async fn file_served_over_http_only_is_found_and_https_is_reported() {
    let domain = serve(Router::new().route("/WW_verify_Ab12Cd34Ef56Gh78.txt", get(|| async { "Ab12Cd34Ef56Gh78\n" }))).await;
    let report = check_domain(
        &req(&domain, "WW_verify_Ab12Cd34Ef56Gh78.txt", vec![format!("https://{domain}/cb"), "https://other.test/cb".into()]),
        Duration::from_secs(5),
    )
    .await;
    let by_id = |id: &str| report.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{id} missing: {report:#?}"));
    assert_eq!(by_id("verify_file_https").severity, Severity::Error, "plain-HTTP server cannot answer https");
    let http = by_id("verify_file_http");
    assert_eq!(http.severity, Severity::Warning, "{http:?}");
    assert!(http.message_en.contains("matches"));
    let urls: Vec<_> = report.checks.iter().filter(|c| c.id == "url_under_domain").collect();
    assert_eq!(urls[0].severity, Severity::Ok);
    assert_eq!(urls[1].severity, Severity::Error);
    assert!(!report.ok());
}

#[tokio::test]
async fn wrong_content_redirect_and_missing_file_are_explained() {
    let app = Router::new()
        .route("/WW_verify_wrongcontent1.txt", get(|| async { "something else" }))
        .route("/WW_verify_redirected123.txt", get(|| async { Redirect::permanent("/sub/WW_verify_redirected123.txt") }))
        .route("/WW_verify_missing00001.txt", get(|| async { StatusCode::NOT_FOUND }));
    let domain = serve(app).await;
    let t = Duration::from_secs(5);
    let http_check = |r: wwdev_core::domain::DomainReport| r.checks.into_iter().find(|c| c.id == "verify_file_http").unwrap();

    let c = http_check(check_domain(&req(&domain, "WW_verify_wrongcontent1.txt", vec![]), t).await);
    assert_eq!(c.severity, Severity::Error);
    assert!(c.message_en.contains("expected wrongcontent1"), "{c:?}");

    let c = http_check(check_domain(&req(&domain, "WW_verify_redirected123.txt", vec![]), t).await);
    assert_eq!(c.severity, Severity::Error);
    assert!(c.message_en.contains("redirect"), "{c:?}");

    let c = http_check(check_domain(&req(&domain, "WW_verify_missing00001.txt", vec![]), t).await);
    assert!(c.message_en.contains("404"), "{c:?}");
}
