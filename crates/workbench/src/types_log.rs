//! Types of the request-log commands (see docs/COMMANDS.md, "Request log").
//! Kept apart from dto.rs so the log feature merges without touching it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use wwdev_core::log::{ErrcodeFilter, LogFilter, LogSummary};

use crate::types::{ConsoleResponse, ErrcodeEntry};

/// Which outcomes the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "LogOutcome.ts")]
pub enum LogOutcome {
    #[default]
    Any,
    Ok,
    /// Transport error, HTTP status outside 2xx or errcode other than 0.
    Error,
    /// Exactly `LogFilterView.code`.
    Code,
}

/// What the Log screen filters by. Every field narrows; the default shows all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(default)]
#[ts(export_to = "LogFilterView.ts")]
pub struct LogFilterView {
    /// Exact profile name.
    pub profile: Option<String>,
    /// Exact path, e.g. `/cgi-bin/gettoken`.
    pub endpoint: Option<String>,
    pub outcome: LogOutcome,
    /// The errcode when `outcome` is `code`.
    #[ts(type = "number | null")]
    pub code: Option<i64>,
    /// Inclusive bounds, Unix milliseconds.
    #[ts(type = "number | null")]
    pub since_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub until_ms: Option<i64>,
    /// Free text: every whitespace-separated term must occur in path, params, bodies or errmsg.
    pub text: Option<String>,
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

impl LogFilterView {
    pub fn to_core(&self) -> LogFilter {
        LogFilter {
            profile: non_empty(&self.profile),
            path_contains: None,
            endpoint: non_empty(&self.endpoint),
            errcode: match (self.outcome, self.code) {
                (LogOutcome::Any, _) => ErrcodeFilter::Any,
                (LogOutcome::Ok, _) => ErrcodeFilter::Ok,
                (LogOutcome::Error, _) => ErrcodeFilter::AnyError,
                (LogOutcome::Code, Some(c)) => ErrcodeFilter::Code(c),
                // "A code" with no code typed yet narrows nothing.
                (LogOutcome::Code, None) => ErrcodeFilter::Any,
            },
            since_ms: self.since_ms,
            until_ms: self.until_ms,
            text: non_empty(&self.text),
        }
    }
}

/// A page request: entries with an id below `before_id` (none = newest first page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export_to = "LogPageArgs.ts")]
pub struct LogPageArgs {
    #[ts(type = "number | null")]
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "LogItem.ts")]
pub struct LogItem {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "number")]
    pub time_ms: i64,
    pub profile: String,
    pub feature: String,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    #[ts(type = "number | null")]
    pub errcode: Option<i64>,
    pub errmsg: Option<String>,
    #[ts(type = "number")]
    pub latency_ms: u64,
    pub failed: bool,
    pub error: Option<String>,
}

impl From<LogSummary> for LogItem {
    fn from(s: LogSummary) -> Self {
        Self {
            id: s.id,
            time_ms: s.time_ms,
            profile: s.profile,
            feature: s.feature,
            method: s.method,
            path: s.path,
            status: s.status,
            errcode: s.errcode,
            errmsg: s.errmsg,
            latency_ms: s.latency_ms,
            failed: s.failed,
            error: s.error,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "LogPage.ts")]
pub struct LogPage {
    pub items: Vec<LogItem>,
    /// How many entries match the filter (counted on the first page only; null on later pages).
    #[ts(type = "number | null")]
    pub total: Option<u64>,
}

/// The full entry for the detail pane. Secrets are masked as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "LogDetail.ts")]
pub struct LogDetail {
    pub item: LogItem,
    pub base_url: String,
    pub query: Vec<(String, String)>,
    /// Request body, pretty-printed when it is JSON.
    pub request_body: Option<String>,
    pub response_headers: Vec<(String, String)>,
    /// Response body, pretty-printed when it is JSON.
    pub response_body: Option<String>,
    /// The errcode's catalogue entry (errcode other than 0 only).
    pub explanation: Option<ErrcodeEntry>,
    pub curl: String,
    /// Whether `log_replay` can re-send it (false when a masked single-use value is in it).
    pub replayable: bool,
    pub replay_blocker: Option<String>,
    pub replay_blocker_zh: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "LogFacets.ts")]
pub struct LogFacets {
    pub profiles: Vec<String>,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export_to = "LogExportFormat.ts")]
pub enum LogExportFormat {
    Json,
    Har,
    Curl,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export_to = "LogReplayResult.ts")]
pub struct LogReplayResult {
    pub response: ConsoleResponse,
    /// The new log entry recording the replay, when it was found.
    #[ts(type = "number | null")]
    pub new_id: Option<i64>,
}
