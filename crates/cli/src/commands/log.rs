//! `wwdev log ...` and the request log the CLI writes to (the same file as the app).

use crate::Global;
use crate::output::{pick, print_json, utc, warn};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wwdev_core::error::CoreError;
use wwdev_core::log::{ErrcodeFilter, LogFilter, LogStore, LogSummary, Page, Retention, default_log_path};
use wwdev_core::record::RequestSink;

type Result<T> = std::result::Result<T, CoreError>;

/// Where the log lives: `--log-file`, else the platform data directory.
fn log_path(g: &Global) -> Result<PathBuf> {
    match &g.log_file {
        Some(p) => Ok(p.clone()),
        None => Ok(default_log_path()?),
    }
}

/// Open the log for reading or writing. Retention is the app's setting, enforced
/// when the app opens the log; the CLI never deletes entries on its own.
pub fn open(g: &Global) -> Result<LogStore> {
    let path = log_path(g)?;
    let (store, report) = LogStore::open_quick(&path, Retention::UNLIMITED)?;
    if let Some(en) = report.message {
        let zh = report.message_zh.unwrap_or_else(|| en.clone());
        warn(&zh, &en);
    }
    Ok(store)
}

/// The sink WeCom calls are recorded into, unless `--no-log`. A log that cannot be
/// opened must not stop the command: warn and carry on unrecorded.
pub fn sink(g: &Global) -> Option<Arc<dyn RequestSink>> {
    if g.no_log {
        return None;
    }
    match open(g) {
        Ok(store) => Some(Arc::new(store)),
        Err(e) => {
            warn(&format!("这次调用不会记入请求日志：{}", e.message_zh()), &format!("this call is not recorded in the request log: {e}"));
            None
        }
    }
}

#[derive(Args, Debug)]
pub struct LogArgs {
    #[command(subcommand)]
    pub command: LogCommand,
}

#[derive(Args, Debug, Clone, Default)]
pub struct FilterArgs {
    /// Only this profile (the CLI records as "cli").
    #[arg(long)]
    pub profile: Option<String>,
    /// Only paths containing this text, e.g. gettoken or user/.
    #[arg(long)]
    pub path: Option<String>,
    /// ok, error, or an errcode such as 40029.
    #[arg(long)]
    pub errcode: Option<String>,
    /// Only entries from the last N minutes.
    #[arg(long)]
    pub since_minutes: Option<i64>,
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// The newest entries, oldest first; --follow keeps printing new ones.
    Tail {
        #[arg(short = 'n', long, default_value_t = 20)]
        lines: u32,
        #[arg(short, long)]
        follow: bool,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Full-text search over paths, parameters, bodies and errmsg.
    Search {
        query: String,
        #[arg(short = 'n', long, default_value_t = 50)]
        lines: u32,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Export the (filtered) log to stdout.
    Export {
        #[arg(long, value_parser = ["json", "har", "curl"], default_value = "json")]
        format: String,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Print where the log file is.
    Path,
}

fn to_filter(f: &FilterArgs, text: Option<String>) -> Result<LogFilter> {
    let errcode = match f.errcode.as_deref().map(str::trim) {
        None | Some("") | Some("any") => ErrcodeFilter::Any,
        Some("ok") => ErrcodeFilter::Ok,
        Some("error") | Some("err") => ErrcodeFilter::AnyError,
        Some(n) => ErrcodeFilter::Code(n.parse().map_err(|_| {
            CoreError::invalid(
                "errcode",
                format!("`{n}` is not ok, error or a number such as 40029"),
                format!("`{n}` 不是 ok、error 或 40029 这样的错误码数字"),
            )
        })?),
    };
    let since_ms = f.since_minutes.map(|m| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        now.as_millis() as i64 - m * 60_000
    });
    Ok(LogFilter { profile: f.profile.clone(), path_contains: f.path.clone(), errcode, since_ms, text, ..Default::default() })
}

fn print_line(s: &LogSummary, json: bool) {
    if json {
        print_json(s);
        return;
    }
    let outcome = match (&s.error, s.status, s.errcode) {
        // The recorded text is the English the call failed with: a detail in Chinese.
        (Some(e), _, _) => pick(&format!("出错（详情：{e}）"), &format!("ERROR {e}")).to_owned(),
        (None, Some(st), _) if !(200..300).contains(&st) => format!("HTTP {st}"),
        (None, _, Some(c)) if c != 0 => format!("{c} {}", s.errmsg.as_deref().unwrap_or("")),
        _ => "ok".into(),
    };
    let t = utc(s.time_ms / 1000);
    println!("#{:<6} {t} {:<10} {:<4} {:<34} {:>5}ms {outcome}", s.id, s.profile, s.method, s.path, s.latency_ms);
}

pub async fn run(g: &Global, a: LogArgs) -> Result<()> {
    if let LogCommand::Path = a.command {
        println!("{}", log_path(g)?.display());
        return Ok(());
    }
    let store = open(g)?;
    match a.command {
        LogCommand::Tail { lines, follow, filter } => {
            let f = to_filter(&filter, None)?;
            let mut page = store.query(&f, Page::first(lines))?;
            page.reverse();
            page.iter().for_each(|s| print_line(s, g.json));
            let mut last = page.last().map(|s| s.id).or(store.latest_id()?).unwrap_or(0);
            if follow {
                // Until interrupted (Ctrl+C ends the process).
                loop {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    for s in store.since_id_filtered(&f, last)? {
                        print_line(&s, g.json);
                        last = last.max(s.id);
                    }
                }
            }
        }
        LogCommand::Search { query, lines, filter } => {
            let f = to_filter(&filter, Some(query))?;
            let page = store.query(&f, Page::first(lines))?;
            if page.is_empty() && !g.json {
                eprintln!("{}", pick("没有匹配的条目", "no entries match"));
            }
            page.iter().for_each(|s| print_line(s, g.json));
        }
        LogCommand::Export { format, filter } => {
            let f = to_filter(&filter, None)?;
            let out = std::io::stdout().lock();
            let n = match format.as_str() {
                "har" => store.export_har(&f, out),
                "curl" => store.export_curl(&f, out),
                _ => store.export_json(&f, out),
            }?;
            eprintln!("{}", pick(&format!("已导出 {n} 条记录"), &format!("exported {n} entries")));
        }
        LogCommand::Path => unreachable!("handled above"),
    }
    Ok(())
}
