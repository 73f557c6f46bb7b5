use std::time::Duration;

use wwdev_core::domain as core;

use crate::types::{DomainCheck, DomainCheckParams, DomainReport, Severity};
use wwdev_core::error::UiResult;
use crate::Workbench;

impl From<core::Severity> for Severity {
    fn from(s: core::Severity) -> Self {
        match s {
            core::Severity::Ok => Severity::Ok,
            core::Severity::Warning => Severity::Warning,
            core::Severity::Error => Severity::Error,
        }
    }
}

pub fn to_view(r: core::DomainReport) -> DomainReport {
    DomainReport {
        ok: r.ok(),
        domain: r.domain,
        checks: r
            .checks
            .into_iter()
            .map(|c| DomainCheck {
                id: c.id,
                ok: c.severity == core::Severity::Ok,
                severity: c.severity.into(),
                message_zh: c.message_zh,
                message_en: c.message_en,
                detail: c.detail,
            })
            .collect(),
    }
}

pub async fn check(state: &Workbench, p: DomainCheckParams) -> UiResult<DomainReport> {
    let req = request(state, p)?;
    let timeout = Duration::from_secs(state.settings().timeout_secs as u64);
    Ok(to_view(core::check_domain(&req, timeout).await))
}

pub fn request(state: &Workbench, p: DomainCheckParams) -> UiResult<core::DomainCheckRequest> {
    let mut urls: Vec<String> = p.urls.into_iter().map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()).collect();
    if urls.is_empty()
        && let Some(id) = p.profile_id.as_deref()
    {
        let prof = state.profile(id)?;
        if !prof.default_redirect_uri.is_empty() {
            urls.push(prof.default_redirect_uri);
        }
    }
    Ok(core::DomainCheckRequest {
        domain: p.domain,
        verify_file_name: p.verify_file_name.filter(|s| !s.trim().is_empty()),
        expected_content: p.expected_content.filter(|s| !s.trim().is_empty()),
        urls,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Profile;
    #[tokio::test]
    async fn url_checks_use_the_profile_redirect_when_none_given() {
        let st = Workbench::in_memory();
        let p = st
            .save_profile(
                Profile {
                    name: "A".into(),
                    corpid: "ww1".into(),
                    default_redirect_uri: "https://other.example.org/cb".into(),
                    ..Default::default()
                },
                None,
            )
            .unwrap();
        let req = request(
            &st,
            DomainCheckParams {
                profile_id: Some(p.profile.id),
                domain: "app.example.com".into(),
                verify_file_name: Some(" ".into()),
                expected_content: None,
                urls: vec![],
            },
        )
        .unwrap();
        assert_eq!(req.urls, vec!["https://other.example.org/cb"]);
        assert!(req.verify_file_name.is_none());
        // No verify file: only URL checks run, no network needed.
        let report = to_view(core::check_domain(&req, Duration::from_secs(1)).await);
        assert!(!report.ok, "{report:?}");
        assert!(report.checks.iter().any(|c| c.severity == Severity::Error && !c.ok));
    }
}
