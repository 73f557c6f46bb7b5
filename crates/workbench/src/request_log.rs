//! The request log as the workbench holds it. Opening it runs SQLite's integrity check and
//! the retention sweep, about 0.5–2 s at 100,000 entries (bench/README.md), so the app
//! opens it on a thread of its own, and only once the first screen is up (or after
//! [`OPEN_AT_THE_LATEST`]): on two cores, even a check beside the window slowed the first
//! screen down (measured, bench/README.md "Startup"). Until it is open, calls are still
//! recorded (kept in memory, written when it opens), the log commands wait for it (and
//! start the open if it has not begun), and `app_info` says nothing about it yet; a
//! message about a damaged file then arrives as the `log-opened` event.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::sync::SetOnce;
use wwdev_core::log::LogStore;
use wwdev_core::record::{RequestRecord, RequestSink};

use crate::LogOpened;
use crate::host::{EventSink, events};

/// Records made before the log opened are kept up to this many (oldest dropped first):
/// far more than the calls anyone makes in the seconds an open takes.
const PENDING_MAX: usize = 10_000;

/// The log opens this long after startup even if no first screen was reported (a broken
/// UI, a host without one).
pub const OPEN_AT_THE_LATEST: Duration = Duration::from_secs(3);

/// How the host provides the request log.
pub enum LogSource {
    /// Already open (tests, tools).
    Opened(LogOpened),
    /// Opened on a background thread by this function, once [`RequestLog::open_now`] is
    /// called or [`OPEN_AT_THE_LATEST`] has passed.
    Opening(Box<dyn FnOnce() -> LogOpened + Send>),
}

impl From<LogOpened> for LogSource {
    fn from(o: LogOpened) -> Self {
        LogSource::Opened(o)
    }
}

pub struct RequestLog {
    opened: SetOnce<LogOpened>,
    /// Records made while the log is opening. Checked and filled under this lock, and
    /// `finish` sets `opened` under it too, so no record slips between the two.
    pending: Mutex<Vec<RequestRecord>>,
    events: Arc<dyn EventSink>,
    /// Dropping it lets the opening thread start (see [`RequestLog::open_now`]).
    go: Mutex<Option<mpsc::Sender<()>>>,
}

impl RequestLog {
    /// The log from `source`; an `Opening` source starts its thread here.
    pub fn new(source: LogSource, events: Arc<dyn EventSink>) -> Arc<Self> {
        let (go, start) = mpsc::channel::<()>();
        let log = Arc::new(RequestLog {
            opened: SetOnce::new(),
            pending: Mutex::new(Vec::new()),
            events,
            go: Mutex::new(Some(go)),
        });
        match source {
            LogSource::Opened(o) => log.finish(o),
            LogSource::Opening(open) => {
                let l = log.clone();
                let spawned = std::thread::Builder::new().name("wwdev-log-open".into()).spawn(move || {
                    // Returns on `open_now` (the sender dropped) or on the timeout.
                    let _ = start.recv_timeout(OPEN_AT_THE_LATEST);
                    l.finish(open());
                    crate::startup_trace::step("request log opened (background)");
                });
                if let Err(e) = spawned {
                    log.finish(LogOpened::failed(
                        format!("could not start a thread to open it: {e}"),
                        format!("无法启动打开日志的线程（详情：{e}）"),
                    ));
                }
            }
        }
        log
    }

    fn finish(&self, o: LogOpened) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let written = match &o.store {
            Some(store) => {
                let n = pending.len();
                for r in pending.drain(..) {
                    store.record(r);
                }
                n
            }
            None => {
                pending.clear();
                0
            }
        };
        // Announced before `opened` is set, so whoever waited for the log sees the events
        // already pushed (emitting never blocks).
        if written > 0 {
            self.events.emit(events::LOG_APPENDED, serde_json::Value::Null);
        }
        if let Some((en, zh)) = &o.message {
            self.events.emit(events::LOG_OPENED, json!({ "message": en, "message_zh": zh }));
        }
        let _ = self.opened.set(o);
    }

    /// The open store, if the log has opened and could be.
    pub fn store(&self) -> Option<&LogStore> {
        self.opened.get().and_then(|o| o.store.as_ref())
    }

    /// The message (en, zh) about the log, once it has opened.
    pub fn message(&self) -> Option<&(String, String)> {
        self.opened.get().and_then(|o| o.message.as_ref())
    }

    /// Lets a log that is waiting to open start now (the first screen is up, or a log
    /// command needs it). Idempotent.
    pub fn open_now(&self) {
        self.go.lock().unwrap_or_else(|p| p.into_inner()).take();
    }

    /// Waits until the log has opened (or failed to), starting the open if need be.
    pub async fn wait(&self) -> &LogOpened {
        self.open_now();
        self.opened.wait().await
    }
}

impl RequestSink for RequestLog {
    fn record(&self, record: RequestRecord) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        match self.opened.get() {
            Some(o) => {
                drop(pending);
                if let Some(store) = &o.store {
                    store.record(record);
                    self.events.emit(events::LOG_APPENDED, serde_json::Value::Null);
                }
            }
            None => {
                if pending.len() >= PENDING_MAX {
                    pending.remove(0);
                }
                pending.push(record);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::RecordedEvents;
    use std::sync::mpsc;

    fn record(path: &str) -> RequestRecord {
        crate::commands::log::tests::record("token", path)
    }

    fn names(e: &RecordedEvents) -> Vec<String> {
        e.0.lock().unwrap().iter().map(|(n, _)| n.clone()).collect()
    }

    #[tokio::test]
    async fn calls_made_while_the_log_opens_are_written_once_it_has() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.sqlite3");
        let (go, wait) = mpsc::channel::<()>();
        let events = Arc::new(RecordedEvents::default());
        let p = path.clone();
        let log = RequestLog::new(
            LogSource::Opening(Box::new(move || {
                wait.recv().unwrap(); // the "integrity check" takes until the test says so
                crate::log_open(Some(&p), &Default::default())
            })),
            events.clone(),
        );
        log.record(record("/cgi-bin/gettoken"));
        assert!(log.store().is_none(), "still opening");
        go.send(()).unwrap();
        let opened = log.wait().await;
        log.record(record("/cgi-bin/user/get"));
        let store = opened.store.as_ref().expect("opened");
        let paths: Vec<String> = store.since_id(0).unwrap().into_iter().map(|r| r.path).collect();
        assert_eq!(paths, ["/cgi-bin/gettoken", "/cgi-bin/user/get"]);
        assert!(names(&events).iter().filter(|n| *n == events::LOG_APPENDED).count() >= 2);
    }

    #[tokio::test]
    async fn a_damaged_log_is_announced_when_it_opens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.sqlite3");
        std::fs::write(&path, b"this is not a database, it is a damaged file").unwrap();
        let events = Arc::new(RecordedEvents::default());
        let p = path.clone();
        let log =
            RequestLog::new(LogSource::Opening(Box::new(move || crate::log_open(Some(&p), &Default::default()))), events.clone());
        log.wait().await;
        assert!(log.store().is_some(), "a new log replaces the damaged one");
        let (en, zh) = log.message().expect("a message about the damaged file");
        assert!(!en.is_empty() && zh.contains("已损坏"), "{zh}");
        assert!(names(&events).iter().any(|n| n == events::LOG_OPENED));
    }

    /// The first screen's commands answer while a large log is still being checked; the
    /// Log screen's commands wait for it and then see it.
    #[tokio::test(flavor = "multi_thread")]
    async fn only_the_log_commands_wait_for_the_log() {
        use crate::types_log::{LogFilterView, LogPageArgs};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.sqlite3");
        let (go, wait) = mpsc::channel::<()>();
        let st = Arc::new(crate::Workbench::new(crate::Host {
            log: LogSource::Opening(Box::new(move || {
                wait.recv().unwrap();
                crate::log_open(Some(&p), &Default::default())
            })),
            ..crate::Host::in_memory()
        }));
        st.app_info().await.unwrap();
        st.profiles_list().await.unwrap();
        st.settings_get().await.unwrap();
        let query = tokio::spawn({
            let st = st.clone();
            async move { st.log_query(LogFilterView::default(), LogPageArgs { before_id: None, limit: 5 }).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert!(!query.is_finished(), "log_query answered before the log had opened");
        go.send(()).unwrap();
        assert_eq!(query.await.unwrap().unwrap().total, Some(0));
    }

    /// On two cores the check competes with the window for the CPU, so it waits for the
    /// first screen.
    #[tokio::test(flavor = "multi_thread")]
    async fn the_log_opens_once_the_first_screen_is_up() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("log.sqlite3");
        let began = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let b = began.clone();
        let st = crate::Workbench::new(crate::Host {
            log: LogSource::Opening(Box::new(move || {
                b.store(true, std::sync::atomic::Ordering::SeqCst);
                crate::log_open(Some(&p), &Default::default())
            })),
            ..crate::Host::in_memory()
        });
        st.profiles_list().await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!began.load(std::sync::atomic::Ordering::SeqCst), "the log began to open before the first screen");
        st.app_ready(None).await.unwrap();
        let opened = tokio::time::timeout(OPEN_AT_THE_LATEST / 2, st.log.opened.wait()).await;
        assert!(opened.is_ok_and(|o| o.store.is_some()), "the log did not open after the first screen");
    }
}
