//! The request log: every call to WeCom, stored in SQLite, searchable and
//! exportable, with secrets masked before anything is written.
//!
//! One file (`requests.sqlite3`, WAL mode) is shared by the app and the CLI.
//! A [`LogStore`] keeps two connections: a writer used by [`LogStore::insert`]
//! (and so by [`RequestSink::record`]) and a reader for listings, so a slow
//! search in the UI never delays the API client. Exports open their own
//! read-only connection and read one consistent snapshot.

mod export;
mod filter;
mod redact;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{
    Connection, ErrorCode, OpenFlags, OptionalExtension, Row, params, params_from_iter,
};
use serde::{Deserialize, Serialize};

use crate::clock::{SharedClock, SystemClock};
use crate::record::{RequestRecord, RequestSink};

pub use export::to_curl;
pub use filter::{ErrcodeFilter, LogFilter, MAX_PAGE, Page};

/// Schema migrations, applied in order; `PRAGMA user_version` holds how many ran.
/// Hand-rolled rather than rusqlite_migration: it is a dozen lines, and open()
/// must tell "newer schema" apart from other failures to move the file aside.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_init.sql")];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Retention is enforced on open, on [`LogStore::set_retention`] and after
/// every this many inserts (so the count limit may be exceeded by this many).
pub const RETENTION_EVERY: u64 = 100;

/// How long a statement waits for another process (app vs CLI) holding the lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Largest batch returned by [`LogStore::since_id`]; call again from the last id.
pub const MAX_TAIL: u32 = 1000;

/// File name of the log inside the data directory.
pub const LOG_FILE_NAME: &str = "requests.sqlite3";

/// How much history to keep. `None` means no limit on that axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Retention {
    /// Keep at most this many entries (the newest).
    pub max_entries: Option<u64>,
    /// Drop entries whose `time_ms` is older than this many days.
    pub max_days: Option<u32>,
}

impl Retention {
    /// No limits.
    pub const UNLIMITED: Retention = Retention {
        max_entries: None,
        max_days: None,
    };

    /// A sensible default for Settings: 100,000 entries, 90 days.
    pub fn recommended() -> Self {
        Self {
            max_entries: Some(100_000),
            max_days: Some(90),
        }
    }
}

/// What happened while opening, for the UI to show once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OpenReport {
    /// Where the unusable old file was moved to, when it was.
    pub recovered_from: Option<PathBuf>,
    /// A sentence for the user explaining what happened and where the old data is.
    pub message: Option<String>,
    /// The same in Chinese.
    pub message_zh: Option<String>,
}

/// One line of the log list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSummary {
    pub id: i64,
    pub time_ms: i64,
    pub profile: String,
    pub feature: String,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    pub errcode: Option<i64>,
    pub errmsg: Option<String>,
    pub latency_ms: u64,
    /// Transport error, HTTP status outside 2xx or errcode other than 0.
    pub failed: bool,
    /// Transport failure text, if any.
    pub error: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(
        "could not create the request log directory {dir}: {source}. Check that it is writable or choose another log path"
    )]
    CreateDir {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("could not open the request log at {path}: {source}. {hint}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
        hint: OpenHint,
    },
    #[error(
        "the request log at {path} is unusable ({reason}) and could not be moved aside: {source}. Move or delete the file by hand, then start again"
    )]
    MoveAside {
        path: PathBuf,
        reason: String,
        reason_zh: String,
        source: std::io::Error,
    },
    #[error("request log database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("could not write the request log export: {0}")]
    Write(#[from] std::io::Error),
    #[error("could not encode a request log entry: {0}")]
    Json(#[from] serde_json::Error),
    #[error(
        "no data directory found for the request log (neither XDG_DATA_HOME nor HOME is set); set one or pass a log path explicitly"
    )]
    NoDataDir,
}

impl LogError {
    /// What happened, in Chinese (the English text is `Display`). The system's or
    /// SQLite's own text is English, so it comes last, labelled as the detail.
    pub fn message_zh(&self) -> String {
        match self {
            LogError::CreateDir { dir, source } => format!(
                "无法创建请求日志目录 {}：请确认该目录可写，或换一个日志路径。（详情：{source}）",
                dir.display()
            ),
            LogError::Open { path, source, hint } => {
                format!("无法打开请求日志 {}：{}。（详情：{source}）", path.display(), hint.zh())
            }
            LogError::MoveAside { path, reason_zh, source, .. } => format!(
                "请求日志 {} 无法使用（{reason_zh}），也无法移到一旁：请手动移走或删除该文件，然后重新开始。（详情：{source}）",
                path.display()
            ),
            LogError::Sqlite(e) => format!("读写请求日志数据库时出错。（详情：{e}）"),
            LogError::Write(e) => format!("无法写出请求日志的导出内容。（详情：{e}）"),
            LogError::Json(e) => format!("无法编码一条请求日志记录。（详情：{e}）"),
            LogError::NoDataDir => "找不到存放请求日志的数据目录（XDG_DATA_HOME 和 HOME 都没有设置）：\
                 请设置其中一个，或明确指定日志文件路径。"
                .into(),
        }
    }
}

/// A log failure is a storage problem (the app's own data), not a setting.
impl From<LogError> for crate::error::CoreError {
    fn from(e: LogError) -> Self {
        crate::error::CoreError::storage(e.to_string(), e.message_zh())
    }
}

/// What to do when the log cannot be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenHint {
    /// The file cannot be created or opened in its directory.
    DirPermissions,
    /// Another process (the app, a CLI command) holds the lock.
    Locked,
    /// Anything else: a full disk, permissions.
    DiskOrPermissions,
}

impl OpenHint {
    pub fn en(self) -> &'static str {
        match self {
            OpenHint::DirPermissions => "Check the directory's permissions",
            OpenHint::Locked => "Another process keeps it locked; close other wwdev windows or commands and try again",
            OpenHint::DiskOrPermissions => "Check free disk space and the file's permissions",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            OpenHint::DirPermissions => "请检查所在目录的权限",
            OpenHint::Locked => "另一个进程锁住了它，请关闭其他 wwdev 窗口或命令后重试",
            OpenHint::DiskOrPermissions => "请检查磁盘剩余空间和文件权限",
        }
    }
}

impl std::fmt::Display for OpenHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en())
    }
}

/// `$XDG_DATA_HOME/wwdev/requests.sqlite3` on Linux (falling back to
/// `~/.local/share`), the platform data directory elsewhere.
pub fn default_log_path() -> Result<PathBuf, LogError> {
    dirs::data_dir()
        .map(|d| d.join("wwdev").join(LOG_FILE_NAME))
        .ok_or(LogError::NoDataDir)
}

/// The SQLite request log. Cheap to clone; clones share the connections.
#[derive(Clone)]
pub struct LogStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    // Fields drop in order: the read-only connection must close first so the
    // writer, closing last, checkpoints the WAL into the database and removes it.
    reader: Mutex<Connection>,
    writer: Mutex<Connection>,
    retention: Mutex<Retention>,
    inserts: AtomicU64,
    clock: SharedClock,
}

impl std::fmt::Debug for LogStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogStore")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

/// Why a file could not be used.
enum Failure {
    /// The file is damaged, foreign, unreadable or from a newer wwdev: move it aside.
    /// (reason in English, in Chinese)
    Unusable((String, String), rusqlite::Error),
    /// Anything else (locked by another process, disk full): report, touch nothing.
    Fatal(rusqlite::Error, OpenHint),
}

fn classify(e: rusqlite::Error) -> Failure {
    let code = e.sqlite_error_code();
    match code {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            Failure::Unusable(("it is not a SQLite database or it is damaged".into(), "它不是 SQLite 数据库，或已损坏".into()), e)
        }
        Some(ErrorCode::CannotOpen)
        | Some(ErrorCode::PermissionDenied)
        | Some(ErrorCode::ReadOnly) => Failure::Unusable(
            (
                "it cannot be opened for reading and writing; check its permissions".into(),
                "无法以读写方式打开它，请检查文件权限".into(),
            ),
            e,
        ),
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => {
            Failure::Fatal(e, OpenHint::Locked)
        }
        _ => Failure::Fatal(e, OpenHint::DiskOrPermissions),
    }
}

const SELECT_SUMMARY: &str = "r.id, r.time_ms, r.profile, r.feature, r.method, r.path, r.status, r.errcode, r.errmsg, r.latency_ms, r.failed, r.error";

const SELECT_RECORD: &str = "r.id, r.time_ms, r.profile, r.feature, r.base_url, r.method, r.path, r.query, r.request_body, \
     r.status, r.errcode, r.errmsg, r.latency_ms, r.response_headers, r.response_body, r.error";

fn summary_from_row(row: &Row<'_>) -> rusqlite::Result<LogSummary> {
    Ok(LogSummary {
        id: row.get(0)?,
        time_ms: row.get(1)?,
        profile: row.get(2)?,
        feature: row.get(3)?,
        method: row.get(4)?,
        path: row.get(5)?,
        status: row.get(6)?,
        errcode: row.get(7)?,
        errmsg: row.get(8)?,
        latency_ms: row.get::<_, i64>(9)?.max(0) as u64,
        failed: row.get(10)?,
        error: row.get(11)?,
    })
}

fn pairs_from_json(idx: usize, text: String) -> rusqlite::Result<Vec<(String, String)>> {
    serde_json::from_str(&text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn record_from_row(row: &Row<'_>) -> rusqlite::Result<RequestRecord> {
    Ok(RequestRecord {
        id: Some(row.get(0)?),
        time_ms: row.get(1)?,
        profile: row.get(2)?,
        feature: row.get(3)?,
        base_url: row.get(4)?,
        method: row.get(5)?,
        path: row.get(6)?,
        query: pairs_from_json(7, row.get(7)?)?,
        request_body: row.get(8)?,
        status: row.get(9)?,
        errcode: row.get(10)?,
        errmsg: row.get(11)?,
        latency_ms: row.get::<_, i64>(12)?.max(0) as u64,
        response_headers: pairs_from_json(13, row.get(13)?)?,
        response_body: row.get(14)?,
        error: row.get(15)?,
    })
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic elsewhere while holding the lock leaves the connection usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl LogStore {
    /// Open (or create) the log at `path`, migrating the schema and enforcing
    /// `retention`. A file that is not a usable log — not a database, damaged,
    /// unreadable, or written by a newer wwdev — is renamed to
    /// `<name>.corrupt-<UTC timestamp>` and a fresh log is started; the report
    /// says so.
    pub fn open(path: &Path, retention: Retention) -> Result<(LogStore, OpenReport), LogError> {
        Self::open_with_clock(path, retention, Arc::new(SystemClock))
    }

    /// Like [`LogStore::open`] but without the full integrity check, which reads
    /// the whole file (about 2 s for 100,000 entries). For short-lived processes
    /// such as the CLI: a file that is not a database or has a newer schema is still
    /// moved aside, and damage further in surfaces as a failed (logged) insert.
    pub fn open_quick(path: &Path, retention: Retention) -> Result<(LogStore, OpenReport), LogError> {
        Self::open_inner(path, retention, Arc::new(SystemClock), false)
    }

    /// [`LogStore::open`] with an injected clock (age retention, recovery names).
    pub fn open_with_clock(
        path: &Path,
        retention: Retention,
        clock: SharedClock,
    ) -> Result<(LogStore, OpenReport), LogError> {
        Self::open_inner(path, retention, clock, true)
    }

    fn open_inner(
        path: &Path,
        retention: Retention,
        clock: SharedClock,
        integrity_check: bool,
    ) -> Result<(LogStore, OpenReport), LogError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| LogError::CreateDir {
                dir: dir.to_owned(),
                source,
            })?;
        }
        let mut report = OpenReport::default();
        let (writer, reader) = match try_open(path, integrity_check) {
            Ok(c) => c,
            Err(Failure::Unusable(reason, source)) => {
                if !path.exists() {
                    return Err(LogError::Open {
                        path: path.to_owned(),
                        source,
                        hint: OpenHint::DirPermissions,
                    });
                }
                let moved =
                    move_aside(path, clock.now()).map_err(|source| LogError::MoveAside {
                        path: path.to_owned(),
                        reason: reason.0.clone(),
                        reason_zh: reason.1.clone(),
                        source,
                    })?;
                tracing::warn!(path = %path.display(), moved_to = %moved.display(), reason = %reason.0, "request log moved aside");
                report.message = Some(format!(
                    "The request log {} could not be used ({}). It was moved to {} and a new, empty log was started.",
                    path.display(),
                    reason.0,
                    moved.display()
                ));
                report.message_zh = Some(format!(
                    "请求日志 {} 无法使用（{}），已移到 {}，并新建了一个空日志。",
                    path.display(),
                    reason.1,
                    moved.display()
                ));
                report.recovered_from = Some(moved);
                match try_open(path, integrity_check) {
                    Ok(c) => c,
                    Err(Failure::Unusable(_, source)) => {
                        return Err(LogError::Open {
                            path: path.to_owned(),
                            source,
                            hint: OpenHint::DirPermissions,
                        });
                    }
                    Err(Failure::Fatal(source, hint)) => {
                        return Err(LogError::Open {
                            path: path.to_owned(),
                            source,
                            hint,
                        });
                    }
                }
            }
            Err(Failure::Fatal(source, hint)) => {
                return Err(LogError::Open {
                    path: path.to_owned(),
                    source,
                    hint,
                });
            }
        };
        let store = LogStore {
            inner: Arc::new(Inner {
                path: path.to_owned(),
                writer: Mutex::new(writer),
                reader: Mutex::new(reader),
                retention: Mutex::new(retention),
                inserts: AtomicU64::new(0),
                clock,
            }),
        };
        store.apply_retention()?;
        Ok((store, report))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    pub fn retention(&self) -> Retention {
        *lock(&self.inner.retention)
    }

    /// Change the limits and enforce them now. Returns how many entries were deleted.
    pub fn set_retention(&self, retention: Retention) -> Result<u64, LogError> {
        *lock(&self.inner.retention) = retention;
        self.apply_retention()
    }

    /// Delete entries beyond the retention limits (oldest first). Returns how many.
    pub fn apply_retention(&self) -> Result<u64, LogError> {
        let retention = self.retention();
        let now_ms = self.inner.clock.now().saturating_mul(1000);
        let mut conn = lock(&self.inner.writer);
        apply_retention(&mut conn, retention, now_ms)
    }

    /// Store one record (redacted again here) and return its id.
    pub fn insert(&self, record: &RequestRecord) -> Result<i64, LogError> {
        let r = redact::record(record);
        let failed = r.error.is_some()
            || r.status.is_none_or(|s| !(200..300).contains(&s))
            || r.errcode.is_some_and(|c| c != 0);
        let query = serde_json::to_string(&r.query)?;
        let headers = serde_json::to_string(&r.response_headers)?;
        let mut conn = lock(&self.inner.writer);
        let id = {
            let mut stmt = conn.prepare_cached(
                "INSERT INTO requests (time_ms, profile, feature, base_url, method, path, query, request_body, \
                 status, errcode, errmsg, latency_ms, response_headers, response_body, error, failed) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?;
            stmt.insert(params![
                r.time_ms,
                r.profile,
                r.feature,
                r.base_url,
                r.method,
                r.path,
                query,
                r.request_body,
                r.status,
                r.errcode,
                r.errmsg,
                i64::try_from(r.latency_ms).unwrap_or(i64::MAX),
                headers,
                r.response_body,
                r.error,
                failed,
            ])?
        };
        let n = self.inner.inserts.fetch_add(1, Ordering::Relaxed) + 1;
        if n.is_multiple_of(RETENTION_EVERY) {
            let retention = self.retention();
            let now_ms = self.inner.clock.now().saturating_mul(1000);
            // The entry is stored; a failed cleanup must not turn into a failed insert.
            if let Err(e) = apply_retention(&mut conn, retention, now_ms) {
                tracing::warn!(error = %e, "request log retention failed; will retry");
            }
        }
        Ok(id)
    }

    /// One page of entries matching `filter`, newest first. Pass the last id of
    /// a page as `before_id` to get the next one.
    pub fn query(&self, filter: &LogFilter, page: Page) -> Result<Vec<LogSummary>, LogError> {
        let mut w = filter::build(filter);
        if let Some(before) = page.before_id {
            w.sql.push(format!("{} < ?", w.id_col()));
            w.params.push(before.into());
        }
        let limit = page.limit.clamp(1, MAX_PAGE);
        let sql = format!(
            "SELECT {SELECT_SUMMARY} {} ORDER BY {} DESC LIMIT {limit}",
            w.sql_from_where(),
            w.id_col()
        );
        let conn = lock(&self.inner.reader);
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(w.params.iter()), summary_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many entries match `filter`.
    pub fn count(&self, filter: &LogFilter) -> Result<u64, LogError> {
        let w = filter::build(filter);
        let sql = format!("SELECT count(*) {}", w.sql_from_where());
        let conn = lock(&self.inner.reader);
        let n: i64 = conn
            .prepare_cached(&sql)?
            .query_row(params_from_iter(w.params.iter()), |r| r.get(0))?;
        Ok(n as u64)
    }

    /// The full entry, for the detail pane.
    pub fn get(&self, id: i64) -> Result<Option<RequestRecord>, LogError> {
        let conn = lock(&self.inner.reader);
        let sql = format!("SELECT {SELECT_RECORD} FROM requests r WHERE r.id = ?");
        Ok(conn
            .prepare_cached(&sql)?
            .query_row([id], record_from_row)
            .optional()?)
    }

    /// Id of the newest entry, `None` when the log is empty.
    pub fn latest_id(&self) -> Result<Option<i64>, LogError> {
        let conn = lock(&self.inner.reader);
        Ok(conn.query_row("SELECT max(id) FROM requests", [], |r| r.get(0))?)
    }

    /// Entries newer than `after_id`, oldest first (for a live tail), at most
    /// [`MAX_TAIL`] of them; call again with the last id until it returns none.
    pub fn since_id(&self, after_id: i64) -> Result<Vec<LogSummary>, LogError> {
        self.since_id_filtered(&LogFilter::default(), after_id)
    }

    /// [`LogStore::since_id`] restricted to entries matching `filter`.
    pub fn since_id_filtered(
        &self,
        filter: &LogFilter,
        after_id: i64,
    ) -> Result<Vec<LogSummary>, LogError> {
        let mut w = filter::build(filter);
        w.sql.push(format!("{} > ?", w.id_col()));
        w.params.push(after_id.into());
        let sql = format!(
            "SELECT {SELECT_SUMMARY} {} ORDER BY {} ASC LIMIT {MAX_TAIL}",
            w.sql_from_where(),
            w.id_col()
        );
        let conn = lock(&self.inner.reader);
        let mut stmt = conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(w.params.iter()), summary_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Profile names present in the log, sorted.
    pub fn distinct_profiles(&self) -> Result<Vec<String>, LogError> {
        self.distinct("profile")
    }

    /// Paths present in the log, sorted (for the endpoint filter).
    pub fn distinct_paths(&self) -> Result<Vec<String>, LogError> {
        self.distinct("path")
    }

    fn distinct(&self, col: &'static str) -> Result<Vec<String>, LogError> {
        let conn = lock(&self.inner.reader);
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT DISTINCT {col} FROM requests ORDER BY {col}"
        ))?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Delete every entry. Returns how many were deleted. Ids keep growing
    /// afterwards, so a live tail never confuses old and new entries.
    pub fn clear(&self) -> Result<u64, LogError> {
        let mut conn = lock(&self.inner.writer);
        let tx = conn.transaction()?;
        // Emptying the FTS index in one command and deleting without the
        // per-row trigger is much faster than 100,000 trigger runs. The trigger
        // text is taken from the schema so it is recreated exactly.
        let trigger: String = tx.query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'requests_ad'",
            [],
            |r| r.get(0),
        )?;
        tx.execute_batch("DROP TRIGGER requests_ad")?;
        let n = tx.execute("DELETE FROM requests", [])?;
        tx.execute(
            "INSERT INTO requests_fts(requests_fts) VALUES ('delete-all')",
            [],
        )?;
        tx.execute_batch(&trigger)?;
        tx.commit()?;
        Ok(n as u64)
    }

    /// Write the matching entries (oldest first) as a JSON array of records.
    /// Returns how many were written.
    pub fn export_json(&self, filter: &LogFilter, out: impl Write) -> Result<u64, LogError> {
        export::json(self, filter, out)
    }

    /// Write the matching entries (oldest first) as a HAR 1.2 document.
    pub fn export_har(&self, filter: &LogFilter, out: impl Write) -> Result<u64, LogError> {
        export::har(self, filter, out)
    }

    /// Write the matching entries (oldest first) as a `sh` script of curl
    /// commands. Secrets are not in the log, so query parameters such as
    /// `access_token` read environment variables (`$WWDEV_ACCESS_TOKEN`) that the
    /// script checks for at the top.
    pub fn export_curl(&self, filter: &LogFilter, out: impl Write) -> Result<u64, LogError> {
        export::curl(self, filter, out)
    }

    /// Call `f` for each matching record, oldest first, from one snapshot taken
    /// on a dedicated connection (a long export never blocks the list).
    fn for_each_record(
        &self,
        filter: &LogFilter,
        mut f: impl FnMut(RequestRecord) -> Result<(), LogError>,
    ) -> Result<(), LogError> {
        let mut conn = open_reader(&self.inner.path)?;
        let tx = conn.transaction()?;
        let w = filter::build(filter);
        let sql = format!(
            "SELECT {SELECT_RECORD} {} ORDER BY {} ASC",
            w.sql_from_where(),
            w.id_col()
        );
        {
            let mut stmt = tx.prepare(&sql)?;
            let mut rows = stmt.query(params_from_iter(w.params.iter()))?;
            while let Some(row) = rows.next()? {
                // Defence in depth for files written by anything else.
                f(redact::record(&record_from_row(row)?))?;
            }
        }
        tx.finish()?;
        Ok(())
    }
}

impl RequestSink for LogStore {
    /// Store the record; a failure is logged and otherwise ignored, so the
    /// call being recorded is never affected by the log.
    fn record(&self, record: RequestRecord) {
        if let Err(e) = self.insert(&record) {
            tracing::warn!(error = %e, feature = %record.feature, method = %record.method, "request log entry not written");
        }
    }
}

fn open_reader(path: &Path) -> Result<Connection, LogError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Open, check and migrate the file; returns (writer, reader).
fn try_open(path: &Path, integrity_check: bool) -> Result<(Connection, Connection), Failure> {
    let mut w = Connection::open(path).map_err(classify)?;
    w.busy_timeout(BUSY_TIMEOUT).map_err(classify)?;
    // The first statement that reads the header is where SQLite notices a
    // file that is not a database.
    let mode: String = w
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(classify)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "request log could not switch to WAL mode");
    }
    w.pragma_update(None, "synchronous", "NORMAL")
        .map_err(classify)?;
    let check: String = if integrity_check {
        w.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(classify)?
    } else {
        // Still read the schema, so a damaged first page is noticed here.
        w.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
            .map_err(classify)?;
        "ok".to_owned()
    };
    if check != "ok" {
        return Err(Failure::Unusable(
            (format!("its integrity check failed: {check}"), format!("完整性检查未通过：{check}")),
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(check),
            ),
        ));
    }
    let version: i64 = w
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(classify)?;
    if version > SCHEMA_VERSION {
        return Err(Failure::Unusable(
            (
                format!(
                    "it was written by a newer wwdev (schema version {version}; this version knows up to {SCHEMA_VERSION})"
                ),
                format!("它由更新版本的 wwdev 写入（结构版本 {version}；本版本最高支持 {SCHEMA_VERSION}）"),
            ),
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
                None,
            ),
        ));
    }
    if version < 0 {
        return Err(Failure::Unusable(
            (format!("it has an invalid schema version {version}"), format!("它的结构版本 {version} 无效")),
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISMATCH),
                None,
            ),
        ));
    }
    if version < SCHEMA_VERSION {
        let tx = w.transaction().map_err(classify)?;
        for sql in &MIGRATIONS[version as usize..] {
            tx.execute_batch(sql).map_err(classify)?;
        }
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(classify)?;
        tx.commit().map_err(classify)?;
    }
    if w.is_readonly(rusqlite::MAIN_DB).map_err(classify)? {
        return Err(Failure::Unusable(
            ("it is read-only; check its permissions".into(), "它是只读的，请检查文件权限".into()),
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                None,
            ),
        ));
    }
    let r = open_reader(path).map_err(|e| match e {
        LogError::Sqlite(e) => classify(e),
        _ => unreachable!("open_reader only fails with SQLite errors"),
    })?;
    Ok((w, r))
}

/// Rename `path` (and its -wal/-shm companions) to `<name>.corrupt-<timestamp>`.
fn move_aside(path: &Path, now_secs: i64) -> std::io::Result<PathBuf> {
    let target = crate::move_aside::move_aside(path, now_secs)?;
    for suffix in ["-wal", "-shm"] {
        let side = companion(path, suffix);
        if side.exists() {
            // Keep the WAL with its database so the old file can still be inspected.
            if let Err(e) = fs::rename(&side, companion(&target, suffix)) {
                tracing::warn!(file = %side.display(), error = %e, "could not move the old log's side file; removing it");
                let _ = fs::remove_file(&side);
            }
        }
    }
    Ok(target)
}

fn companion(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn apply_retention(
    conn: &mut Connection,
    retention: Retention,
    now_ms: i64,
) -> Result<u64, LogError> {
    if retention == Retention::UNLIMITED {
        return Ok(0);
    }
    let tx = conn.transaction()?;
    let mut deleted = 0u64;
    if let Some(days) = retention.max_days {
        let cutoff = now_ms.saturating_sub(i64::from(days) * 86_400_000);
        deleted += tx.execute("DELETE FROM requests WHERE time_ms < ?", [cutoff])? as u64;
    }
    if let Some(max) = retention.max_entries {
        let offset = i64::try_from(max).unwrap_or(i64::MAX);
        let newest_to_drop: Option<i64> = tx
            .query_row(
                "SELECT id FROM requests ORDER BY id DESC LIMIT 1 OFFSET ?",
                [offset],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = newest_to_drop {
            deleted += tx.execute("DELETE FROM requests WHERE id <= ?", [id])? as u64;
        }
    }
    tx.commit()?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, english_in};

    #[test]
    fn log_errors_read_in_chinese_with_the_detail_labelled() {
        let io = || std::io::Error::other("Permission denied (os error 13)");
        let busy = || rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let path = PathBuf::from("/data/wwdev/requests.sqlite3");
        // (error, the Chinese it must say, the English it must not carry outside the detail)
        let cases: Vec<(LogError, &str, &str)> = vec![
            (
                LogError::CreateDir { dir: "/data/wwdev".into(), source: io() },
                "无法创建请求日志目录 /data/wwdev：请确认该目录可写，或换一个日志路径。（详情：Permission denied (os error 13)）",
                "could not create",
            ),
            (
                LogError::Open { path: path.clone(), source: busy(), hint: OpenHint::Locked },
                "无法打开请求日志 /data/wwdev/requests.sqlite3：另一个进程锁住了它，请关闭其他 wwdev 窗口或命令后重试。",
                "Another process",
            ),
            (
                LogError::MoveAside {
                    path: path.clone(),
                    reason: "it is not a SQLite database or it is damaged".into(),
                    reason_zh: "它不是 SQLite 数据库，或已损坏".into(),
                    source: io(),
                },
                "请求日志 /data/wwdev/requests.sqlite3 无法使用（它不是 SQLite 数据库，或已损坏），也无法移到一旁：请手动移走或删除该文件",
                "damaged",
            ),
            (LogError::Sqlite(busy()), "读写请求日志数据库时出错。（详情：", "database error"),
            (LogError::Write(io()), "无法写出请求日志的导出内容。（详情：Permission denied", "could not write"),
            (LogError::Json(json), "无法编码一条请求日志记录。（详情：", "could not encode"),
            (LogError::NoDataDir, "找不到存放请求日志的数据目录（XDG_DATA_HOME 和 HOME 都没有设置）", "no data directory"),
        ];
        for (e, zh, en) in cases {
            let (message, message_zh) = (e.to_string(), e.message_zh());
            assert!(message.contains(en), "{message}");
            assert!(message_zh.contains(zh), "{message_zh}");
            assert!(!message_zh.contains(en), "{message_zh}");
            assert_eq!(english_in(&message_zh), None, "{message_zh}");
            // The CLI reports it as the app's own data failing, both languages kept.
            let ui = crate::error::CoreError::from(e).to_ui();
            assert_eq!((ui.kind, ui.exit_code()), (ErrorKind::Storage, 2));
            assert_eq!((ui.message, ui.message_zh), (message, message_zh));
        }
    }

    #[test]
    fn every_open_hint_has_both_languages() {
        for h in [OpenHint::DirPermissions, OpenHint::Locked, OpenHint::DiskOrPermissions] {
            assert_eq!(h.to_string(), h.en());
            assert!(!h.zh().is_empty() && english_in(h.zh()).is_none(), "{h:?}");
        }
    }
}
