//! Opening damaged, foreign, unreadable or newer log files, and surviving
//! SIGKILL in the middle of writing.

mod log_common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use log_common::rec;
use wwdev_core::clock::ManualClock;
use wwdev_core::log::{LogFilter, LogStore, OpenReport, Page, Retention, SCHEMA_VERSION};

const NOW_SECS: i64 = 1_700_000_000; // 2023-11-14T22:13:20Z

fn open_at(path: &Path) -> (LogStore, OpenReport) {
    LogStore::open_with_clock(
        path,
        Retention::UNLIMITED,
        Arc::new(ManualClock::new(NOW_SECS)),
    )
    .unwrap()
}

fn filled(path: &Path, n: usize) {
    let (store, _) = open_at(path);
    for i in 0..n {
        store.insert(&rec(i)).unwrap();
    }
}

/// The log was moved aside as reported, and the fresh one works.
fn assert_recovered(path: &Path, report: &OpenReport, store: &LogStore, why: &str) -> PathBuf {
    let moved = report
        .recovered_from
        .clone()
        .expect("report names the moved file");
    assert_eq!(
        moved,
        path.with_file_name("requests.sqlite3.corrupt-20231114T221320Z")
    );
    assert!(moved.exists(), "old file kept at {}", moved.display());
    let msg = report.message.as_deref().expect("a message for the UI");
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains(&moved.display().to_string()), "{msg}");
    assert!(msg.contains("new, empty log"), "{msg}");
    assert!(msg.contains(why), "{msg} should say why: {why}");
    // And in Chinese, with the same paths.
    let zh = report.message_zh.as_deref().expect("a Chinese message for the UI");
    assert!(zh.contains(&moved.display().to_string()) && zh.contains("新建了一个空日志"), "{zh}");
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 0);
    let id = store.insert(&rec(1)).unwrap();
    assert_eq!(
        store.query(&LogFilter::default(), Page::first(5)).unwrap()[0].id,
        id
    );
    let (_again, report) = open_at(path);
    assert_eq!(
        report,
        OpenReport::default(),
        "the fresh log opens cleanly afterwards"
    );
    moved
}

#[test]
fn garbage_file_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    let garbage: Vec<u8> = (0..70_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &garbage).unwrap();
    let (store, report) = open_at(&path);
    let moved = assert_recovered(
        &path,
        &report,
        &store,
        "not a SQLite database or it is damaged",
    );
    assert_eq!(
        std::fs::read(moved).unwrap(),
        garbage,
        "the old bytes are kept untouched"
    );
}

#[test]
fn damaged_pages_fail_the_check_and_are_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    filled(&path, 300);
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 40 * 4096);
    // Keep the header page, scribble over the b-tree pages after it.
    for (i, b) in bytes[4096..40 * 4096].iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();
    let (store, report) = open_at(&path);
    assert_recovered(&path, &report, &store, "");
}

#[test]
fn newer_schema_is_moved_aside_not_downgraded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    filled(&path, 3);
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let (store, report) = open_at(&path);
    let moved = assert_recovered(&path, &report, &store, "newer wwdev");
    // The newer file is intact where it was moved: its owner can still use it.
    let c = rusqlite::Connection::open(&moved).unwrap();
    let v: i64 = c
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!((v, n), (SCHEMA_VERSION + 1, 3));
}

#[test]
fn a_crashed_log_whose_entries_are_in_the_wal_is_not_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    // A writer dies with its entries still in the WAL...
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CRASH_CHILD, &path)
        .env("WWDEV_LOG_TEST_CRASH_START", "0")
        .env("WWDEV_LOG_TEST_CRASH_ABORT_AFTER", "20")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let wal = dir.path().join("requests.sqlite3-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 0,
        "entries left in the WAL"
    );
    // ...and the header of the main file is damaged. The WAL holds a newer
    // copy of that page, so the log is whole and must not be thrown away.
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..100].copy_from_slice(&[0xAB; 100]);
    std::fs::write(&path, &bytes).unwrap();
    let (store, report) = open_at(&path);
    assert_eq!(report, OpenReport::default());
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 20);
}

#[test]
fn a_second_recovery_in_the_same_second_gets_its_own_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    std::fs::write(&path, b"junk one").unwrap();
    let first = open_at(&path).1.recovered_from.unwrap();
    std::fs::write(&path, b"junk two").unwrap();
    let second = open_at(&path).1.recovered_from.unwrap();
    assert_ne!(first, second);
    assert_eq!(std::fs::read(first).unwrap(), b"junk one");
    assert_eq!(std::fs::read(second).unwrap(), b"junk two");
}

#[test]
fn an_unusable_directory_is_an_error_not_a_recovery() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let err = LogStore::open(&blocker.join("requests.sqlite3"), Retention::UNLIMITED).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("could not create the request log directory"),
        "{msg}"
    );
    assert!(msg.contains("not-a-dir"), "{msg}");
    let zh = err.message_zh();
    assert!(zh.starts_with("无法创建请求日志目录") && zh.contains("not-a-dir"), "{zh}");
    assert!(!zh.contains("could not create"), "{zh}");
    assert_eq!(std::fs::read(&blocker).unwrap(), b"x");
}

#[test]
fn opens_while_another_process_is_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    filled(&path, 5);
    // Another writer (the app) holds the write lock: a reader (the CLI) must
    // open normally, and must never mistake the lock for damage.
    let other = rusqlite::Connection::open(&path).unwrap();
    other
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM requests WHERE id = 1;")
        .unwrap();
    let (store, report) = open_at(&path);
    assert_eq!(report, OpenReport::default());
    assert_eq!(
        store.count(&LogFilter::default()).unwrap(),
        5,
        "uncommitted delete not visible"
    );
    other.execute_batch("COMMIT").unwrap();
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 4);
}

// ---- unreadable file -------------------------------------------------------

const UNREADABLE_CHILD: &str = "WWDEV_LOG_TEST_UNREADABLE_CHILD";

/// Opens the log at `path` and prints the report as JSON; run as another user.
#[test]
fn unreadable_child() {
    let Ok(path) = std::env::var(UNREADABLE_CHILD) else {
        return;
    };
    let (store, report) = open_at(Path::new(&path));
    store.insert(&rec(0)).unwrap();
    println!("REPORT {}", serde_json::to_string(&report).unwrap());
}

#[test]
fn unreadable_file_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    filled(&path, 3);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let report = if std::fs::File::open(&path).is_err() {
        let (store, report) = open_at(&path);
        assert_recovered(&path, &report, &store, "permissions");
        report
    } else {
        // Running as root, which reads anything: run the open as `nobody`.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "unreadable_child",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(UNREADABLE_CHILD, &path)
            .uid(65534)
            .gid(65534)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        let line = stdout
            .lines()
            .find_map(|l| l.split_once("REPORT ").map(|(_, r)| r))
            .unwrap_or_else(|| panic!("no report from child: {stdout}"));
        let report: OpenReport = serde_json::from_str(line).unwrap();
        assert!(
            report.message.as_deref().unwrap().contains("permissions"),
            "{report:?}"
        );
        report
    };
    let moved = report.recovered_from.unwrap();
    assert_eq!(
        std::fs::metadata(&moved).unwrap().permissions().mode() & 0o777,
        0
    );
    std::fs::set_permissions(&moved, std::fs::Permissions::from_mode(0o600)).unwrap();
    let c = rusqlite::Connection::open(&moved).unwrap();
    let n: i64 = c
        .query_row("SELECT count(*) FROM requests", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 3, "the old entries are intact in the moved file");
}

use std::os::unix::process::{CommandExt, ExitStatusExt};

// ---- SIGKILL while writing -------------------------------------------------

const CRASH_CHILD: &str = "WWDEV_LOG_TEST_CRASH_CHILD";

/// Inserts forever, printing each committed id; killed by the parent.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var(CRASH_CHILD) else {
        return;
    };
    let start: usize = std::env::var("WWDEV_LOG_TEST_CRASH_START")
        .unwrap()
        .parse()
        .unwrap();
    let (store, _) = LogStore::open(
        Path::new(&path),
        Retention {
            max_entries: Some(1_000_000),
            max_days: None,
        },
    )
    .unwrap();
    let abort_after: Option<usize> = std::env::var("WWDEV_LOG_TEST_CRASH_ABORT_AFTER")
        .ok()
        .map(|n| n.parse().unwrap());
    let mut out = std::io::stdout().lock();
    for i in start.. {
        if abort_after == Some(i - start) {
            // Die without closing the store, like a crash: the WAL stays behind.
            std::process::abort();
        }
        let mut r = rec(i);
        // Big bodies make each transaction span many pages, so the kill is
        // likely to land in the middle of one.
        r.response_body = Some(format!(
            r#"{{"errcode":0,"n":{i},"pad":"{}"}}"#,
            "王五".repeat(1500)
        ));
        let id = store.insert(&r).unwrap();
        writeln!(out, "committed {id} {i}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn sigkill_mid_write_keeps_every_committed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    let mut committed: Vec<(i64, usize)> = Vec::new();
    for round in 0..3 {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
            .env(CRASH_CHILD, &path)
            .env("WWDEV_LOG_TEST_CRASH_START", (round * 100_000).to_string())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut this_round = 0;
        let kill_point = 150 + round * 40;
        let mut killed = false;
        for line in lines.by_ref() {
            let line = line.unwrap();
            if let Some(rest) = line.strip_prefix("committed ") {
                let (id, i) = rest.split_once(' ').unwrap();
                committed.push((id.parse().unwrap(), i.parse().unwrap()));
                this_round += 1;
                if this_round == kill_point {
                    child.kill().unwrap(); // SIGKILL on Unix
                    killed = true;
                    break;
                }
            }
        }
        // Lines printed before the kill are committed entries as well.
        for line in lines.map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("committed ") {
                let (id, i) = rest.split_once(' ').unwrap();
                committed.push((id.parse().unwrap(), i.parse().unwrap()));
            }
        }
        let status = child.wait().unwrap();
        // A child that died on its own (a panic, an abort) before the kill point
        // would leave the output short and prove nothing about SIGKILL.
        assert!(killed, "round {round}: the child stopped after {this_round} commits, before the kill point {kill_point}: {status}");
        assert_eq!(
            status.signal(),
            Some(9),
            "round {round}: the child must die of our SIGKILL, not of its own accord: {status}"
        );

        let (store, report) = LogStore::open(&path, Retention::UNLIMITED).unwrap();
        assert_eq!(
            report,
            OpenReport::default(),
            "no recovery needed after a crash"
        );
        for &(id, i) in &committed {
            let got = store
                .get(id)
                .unwrap()
                .unwrap_or_else(|| panic!("committed entry {id} lost"));
            let mut want = rec(i);
            want.id = Some(id);
            assert_eq!(
                (got.path, got.query, got.time_ms),
                (want.path, want.query, want.time_ms)
            );
            let body: serde_json::Value =
                serde_json::from_str(got.response_body.as_deref().unwrap()).unwrap();
            assert_eq!(body["n"], i);
        }
        let total = store.count(&LogFilter::default()).unwrap() as usize;
        assert!(total >= committed.len(), "{total} < {}", committed.len());
        // Search index and tables agree.
        let text = LogFilter {
            text: Some("王五王五".into()),
            ..Default::default()
        };
        assert_eq!(store.count(&text).unwrap() as usize, total);
        drop(store);
        let c = rusqlite::Connection::open(&path).unwrap();
        let check: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        c.execute(
            "INSERT INTO requests_fts(requests_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap();
    }
}
