//! What the diagnosis takes and what it reports. These types are serialised to JSON
//! (CLI `--json`, the app, the sandbox's verify endpoint): field names are public API.

use serde::{Deserialize, Serialize};

use super::Pasted;
use crate::secret::Secret;

/// At most this many mistakes are composed in one candidate.
pub const MAX_DEVIATIONS: usize = 2;

/// Which registration the signature was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// `wx.config` / `getConfigSignature`: the corp jsapi_ticket.
    Config,
    /// `wx.agentConfig` / `getAgentConfigSignature`: the agent ticket.
    AgentConfig,
    /// Not known: both ticket kinds count as right.
    #[default]
    Auto,
}

/// The two ticket kinds: the cache's own type (one type per concept).
pub use crate::cache::TicketKind;

impl TicketKind {
    /// The ticket a registration kind needs (`None` for [`Kind::Auto`]).
    pub(super) fn for_kind(kind: Kind) -> Option<TicketKind> {
        match kind {
            Kind::Config => Some(TicketKind::Corp),
            Kind::AgentConfig => Some(TicketKind::Agent),
            Kind::Auto => None,
        }
    }
    pub(super) fn name_en(self) -> &'static str {
        match self {
            TicketKind::Corp => "corp jsapi_ticket",
            TicketKind::Agent => "agent ticket",
        }
    }
    pub(super) fn name_zh(self) -> &'static str {
        match self {
            TicketKind::Corp => "企业 jsapi_ticket",
            TicketKind::Agent => "应用 ticket",
        }
    }
}

/// A ticket wwdev knows: current ones and history, of any profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketCandidate {
    pub kind: TicketKind,
    pub value: Secret,
    /// Unix seconds.
    pub fetched_at: i64,
    /// Unix seconds.
    pub expires_at: i64,
    pub profile: String,
    /// The newest ticket of its kind in its profile.
    pub is_current: bool,
}

/// Everything the diagnosis needs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DiagnoseInput {
    pub pasted: Pasted,
    /// `location.href` of the page, fragment and all.
    pub page_url: String,
    pub kind: Kind,
    /// Current and history, newest first, possibly several profiles.
    pub tickets: Vec<TicketCandidate>,
    pub active_profile: String,
    /// The OAuth link the user came through, if known.
    pub oauth_url: Option<String>,
    /// The entry URL of a single-page app, if known.
    pub entry_url: Option<String>,
    /// What was handed to `ww.register`, when known apart from the paste
    /// (overrides `pasted.register_*`).
    pub register_nonce: Option<String>,
    pub register_timestamp: Option<String>,
    /// Unix seconds.
    pub now: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Confidence {
    /// A candidate with this mistake reproduces the signature exactly.
    Exact,
    /// Certainly wrong in the inputs, but the signature is not reproduced.
    Likely,
    /// Worth checking.
    Hint,
}

/// Which ticket a cause is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TicketInfo {
    pub kind: TicketKind,
    pub fetched_at: i64,
    pub expires_at: i64,
    pub profile: String,
    pub is_current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cause {
    /// Stable id, see [`CAUSE_IDS`].
    pub id: &'static str,
    pub confidence: Confidence,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub detail_zh: String,
    pub detail_en: String,
    pub fix_zh: &'static str,
    pub fix_en: &'static str,
    pub ticket: Option<TicketInfo>,
}

/// What the signature should be. `string1` shows the ticket masked
/// (`sM4A***(86)~1a2b3c`: prefix, length, short fingerprint) so the diagnosis can be
/// shown and logged; both string1s mask the same way, so diff indexes stay meaningful.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    pub ticket_kind: TicketKind,
    pub ticket: TicketInfo,
    pub nonce_str: String,
    pub timestamp: String,
    pub url_signed: String,
    pub string1: String,
    pub signature: String,
}

/// The string1 that reproduces the pasted signature (ticket masked likewise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Explained {
    pub string1: String,
    pub signature: String,
    /// First differing char index between `expected.string1` and this one.
    pub first_diff_index: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldCheck {
    /// `ticket`, `nonceStr`, `timestamp`, `url`, `signature`,
    /// `register.nonceStr`, `register.timestamp`.
    pub name: &'static str,
    pub expected: String,
    pub got: String,
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub valid: bool,
    pub expected: Option<Expected>,
    pub explained: Option<Explained>,
    pub fields: Vec<FieldCheck>,
    /// Most likely first; empty when valid.
    pub causes: Vec<Cause>,
    pub certainly_right: Vec<String>,
    pub certainly_right_zh: Vec<String>,
    pub next_checks_zh: Vec<String>,
    pub next_checks_en: Vec<String>,
}

/// Every cause id, in the order used to break ties (more common first).
pub const CAUSE_IDS: &[&str] = &[
    "fragment_in_url",
    "timestamp_ms",
    "wrong_ticket_kind",
    "stale_ticket",
    "url_encoded",
    "oauth_url_signed",
    "missing_oauth_params",
    "spa_entry_url",
    "nonce_mismatch",
    "timestamp_mismatch",
    "html_escaped_amp",
    "url_double_encoded",
    "scheme_mismatch",
    "trailing_slash",
    "other_profile_ticket",
    "whitespace",
    "unknown",
];

impl TicketInfo {
    pub(super) fn of(candidate: &TicketCandidate) -> TicketInfo {
        TicketInfo {
            kind: candidate.kind,
            fetched_at: candidate.fetched_at,
            expires_at: candidate.expires_at,
            profile: candidate.profile.clone(),
            is_current: candidate.is_current,
        }
    }
}

impl Diagnosis {
    pub(super) fn empty() -> Diagnosis {
        Diagnosis {
            valid: false,
            expected: None,
            explained: None,
            fields: Vec::new(),
            causes: Vec::new(),
            certainly_right: Vec::new(),
            certainly_right_zh: Vec::new(),
            next_checks_zh: Vec::new(),
            next_checks_en: Vec::new(),
        }
    }
}
