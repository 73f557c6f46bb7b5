//! Types of the `diagnose` command: the core `Diagnosis`, mirrored with snake_case
//! fields so ts-rs can generate them (the core types carry no TS derive).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use wwdev_core::diagnose as d;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "camelCase")]
#[ts(export_to = "DiagnoseKind.ts")]
pub enum DiagnoseKind {
    Config,
    AgentConfig,
    #[default]
    Auto,
}

impl From<DiagnoseKind> for d::Kind {
    fn from(k: DiagnoseKind) -> Self {
        match k {
            DiagnoseKind::Config => d::Kind::Config,
            DiagnoseKind::AgentConfig => d::Kind::AgentConfig,
            DiagnoseKind::Auto => d::Kind::Auto,
        }
    }
}

fn kind_name(k: d::TicketKind) -> String {
    match k {
        d::TicketKind::Corp => "corp",
        d::TicketKind::Agent => "agent",
    }
    .into()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DiagTicket.ts")]
pub struct DiagTicket {
    /// "corp" | "agent"
    pub kind: String,
    #[ts(type = "number")]
    pub fetched_at: i64,
    #[ts(type = "number")]
    pub expires_at: i64,
    pub profile: String,
    pub is_current: bool,
}

impl From<&d::TicketInfo> for DiagTicket {
    fn from(t: &d::TicketInfo) -> Self {
        Self {
            kind: kind_name(t.kind),
            fetched_at: t.fetched_at,
            expires_at: t.expires_at,
            profile: t.profile.clone(),
            is_current: t.is_current,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DiagCause.ts")]
pub struct DiagCause {
    /// Stable id (`fragment_in_url`, `wrong_ticket_kind`, ..., `unknown`).
    pub id: String,
    /// "exact" (reproduces the signature) | "likely" | "hint"
    pub confidence: String,
    pub title_zh: String,
    pub title_en: String,
    pub detail_zh: String,
    pub detail_en: String,
    pub fix_zh: String,
    pub fix_en: String,
    pub ticket: Option<DiagTicket>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DiagExpected.ts")]
pub struct DiagExpected {
    pub ticket: DiagTicket,
    pub nonce_str: String,
    pub timestamp: String,
    pub url_signed: String,
    /// The ticket inside is masked.
    pub string1: String,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DiagExplained.ts")]
pub struct DiagExplained {
    pub string1: String,
    pub signature: String,
    /// First differing character (in chars) between expected and explained string1.
    pub first_diff_index: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DiagField.ts")]
pub struct DiagField {
    pub name: String,
    pub expected: String,
    pub got: String,
    pub ok: bool,
}

/// What was read from the paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Default)]
#[ts(export_to = "DiagPasted.ts")]
pub struct DiagPasted {
    pub signature: Option<String>,
    pub nonce_str: Option<String>,
    pub timestamp: Option<String>,
    pub url: Option<String>,
    /// "config" | "agentConfig" when the paste names it.
    pub kind_hint: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DiagParseError.ts")]
pub struct DiagParseError {
    pub kind: String,
    pub message_zh: String,
    pub message_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "DiagnosisView.ts")]
pub struct DiagnosisView {
    pub valid: bool,
    /// Set when the paste could not be read; the rest is then empty.
    pub parse_error: Option<DiagParseError>,
    pub pasted: DiagPasted,
    pub expected: Option<DiagExpected>,
    pub explained: Option<DiagExplained>,
    pub fields: Vec<DiagField>,
    /// Most likely first; empty when valid.
    pub causes: Vec<DiagCause>,
    pub certainly_right_en: Vec<String>,
    pub certainly_right_zh: Vec<String>,
    pub next_checks_en: Vec<String>,
    pub next_checks_zh: Vec<String>,
    /// Tickets of the chosen profile known to the cache (0 = fetch tickets first).
    pub tickets_known: u32,
    /// Tickets of other profiles searched as well.
    pub other_tickets_known: u32,
}

fn confidence(c: d::Confidence) -> String {
    match c {
        d::Confidence::Exact => "exact",
        d::Confidence::Likely => "likely",
        d::Confidence::Hint => "hint",
    }
    .into()
}

impl DiagnosisView {
    pub fn empty(pasted: DiagPasted, tickets_known: u32, other_tickets_known: u32) -> Self {
        Self {
            valid: false,
            parse_error: None,
            pasted,
            expected: None,
            explained: None,
            fields: vec![],
            causes: vec![],
            certainly_right_en: vec![],
            certainly_right_zh: vec![],
            next_checks_en: vec![],
            next_checks_zh: vec![],
            tickets_known,
            other_tickets_known,
        }
    }

    pub fn from_core(x: d::Diagnosis, pasted: DiagPasted, tickets_known: u32, other_tickets_known: u32) -> Self {
        Self {
            valid: x.valid,
            parse_error: None,
            pasted,
            expected: x.expected.map(|e| DiagExpected {
                ticket: (&e.ticket).into(),
                nonce_str: e.nonce_str,
                timestamp: e.timestamp,
                url_signed: e.url_signed,
                string1: e.string1,
                signature: e.signature,
            }),
            explained: x.explained.map(|e| DiagExplained {
                string1: e.string1,
                signature: e.signature,
                first_diff_index: e.first_diff_index.map(|i| i as u32),
            }),
            fields: x
                .fields
                .into_iter()
                .map(|f| DiagField { name: f.name.into(), expected: f.expected, got: f.got, ok: f.ok })
                .collect(),
            causes: x
                .causes
                .into_iter()
                .map(|c| DiagCause {
                    id: c.id.into(),
                    confidence: confidence(c.confidence),
                    title_zh: c.title_zh.into(),
                    title_en: c.title_en.into(),
                    detail_zh: c.detail_zh,
                    detail_en: c.detail_en,
                    fix_zh: c.fix_zh.into(),
                    fix_en: c.fix_en.into(),
                    ticket: c.ticket.as_ref().map(Into::into),
                })
                .collect(),
            certainly_right_en: x.certainly_right,
            certainly_right_zh: x.certainly_right_zh,
            next_checks_en: x.next_checks_en,
            next_checks_zh: x.next_checks_zh,
            tickets_known,
            other_tickets_known,
        }
    }
}

impl From<&d::Pasted> for DiagPasted {
    fn from(p: &d::Pasted) -> Self {
        Self {
            signature: p.signature.clone(),
            nonce_str: p.nonce_str.clone(),
            timestamp: p.timestamp.clone(),
            url: p.url.clone(),
            kind_hint: p.kind_hint.map(|k| match k {
                d::Kind::Config => "config".into(),
                d::Kind::AgentConfig => "agentConfig".into(),
                d::Kind::Auto => "auto".into(),
            }),
        }
    }
}

// ---- local signing endpoint (commands/signer.rs) ----

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, Default)]
#[ts(export_to = "SignerStatus.ts")]
pub struct SignerStatus {
    pub running: bool,
    pub port: Option<u16>,
    /// `http://127.0.0.1:PORT`.
    pub base_url: Option<String>,
    /// `base_url` + `/jssdk/signature?url=`.
    pub signature_url: Option<String>,
    pub profile_id: Option<String>,
    pub profile_name: Option<String>,
    pub origins: Vec<String>,
    /// Ready-to-paste `ww.register` call using the endpoint.
    pub snippet: Option<String>,
    /// The `<script>` tags of probe.js and client.js (client.js for a desktop browser only).
    pub scripts: Vec<String>,
    /// Vite `server.proxy` config that lets a phone reach the bridge through the dev server.
    pub proxy_vite: Option<String>,
    /// The same for webpack-dev-server.
    pub proxy_webpack: Option<String>,
}

/// One request the endpoint answered (or refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "SignerEventView.ts")]
pub struct SignerEventView {
    /// Increasing; pass the last one to `signer_events` to get newer ones.
    pub seq: u32,
    #[ts(type = "number")]
    pub time_ms: i64,
    pub origin: Option<String>,
    pub url: Option<String>,
    pub ok: bool,
    pub error: Option<String>,
}
