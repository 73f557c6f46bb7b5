//! Request log store: insert, list, filter, paginate, count, search, tail,
//! retention and clear, on a real SQLite file.

mod log_common;

use std::sync::Arc;

use log_common::{BASE_MS, rec};
use wwdev_core::clock::ManualClock;
use wwdev_core::log::{ErrcodeFilter, LogFilter, LogStore, Page, Retention};
use wwdev_core::record::RequestSink;

fn store_with(n: usize) -> (tempfile::TempDir, LogStore) {
    let dir = tempfile::tempdir().unwrap();
    let (store, report) =
        LogStore::open(&dir.path().join("requests.sqlite3"), Retention::UNLIMITED).unwrap();
    assert_eq!(report.recovered_from, None);
    for i in 0..n {
        store.insert(&rec(i)).unwrap();
    }
    (dir, store)
}

fn ids(v: &[wwdev_core::log::LogSummary]) -> Vec<i64> {
    v.iter().map(|s| s.id).collect()
}

fn text(t: &str) -> LogFilter {
    LogFilter {
        text: Some(t.into()),
        ..Default::default()
    }
}

#[test]
fn insert_and_get_round_trip() {
    let (_d, store) = store_with(0);
    let r = rec(2);
    let id = store.insert(&r).unwrap();
    let got = store.get(id).unwrap().expect("stored");
    assert_eq!(got.id, Some(id));
    let mut expected = r.clone();
    expected.id = Some(id);
    // Bodies are re-serialised by redaction (key order may change), compare as JSON.
    let as_json = |s: &Option<String>| {
        s.as_deref()
            .map(|s| serde_json::from_str::<serde_json::Value>(s).unwrap())
    };
    assert_eq!(as_json(&got.request_body), as_json(&expected.request_body));
    assert_eq!(
        as_json(&got.response_body),
        as_json(&expected.response_body)
    );
    expected.request_body = got.request_body.clone();
    expected.response_body = got.response_body.clone();
    assert_eq!(
        got, expected,
        "everything else is stored verbatim, masks are not masked again"
    );
    assert_eq!(store.get(id + 1000).unwrap(), None);
    assert_eq!(store.latest_id().unwrap(), Some(id));
}

#[test]
fn newest_first_keyset_pagination_visits_everything_once() {
    let (_d, store) = store_with(57);
    let mut seen = Vec::new();
    let mut page = Page::first(10);
    loop {
        let batch = store.query(&LogFilter::default(), page).unwrap();
        if batch.is_empty() {
            break;
        }
        assert!(batch.len() <= 10);
        page.before_id = Some(batch.last().unwrap().id);
        seen.extend(ids(&batch));
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    assert_eq!(seen, sorted, "strictly descending, no repeats");
    assert_eq!(seen.len(), 57);
}

#[test]
fn filters_narrow_the_set_and_count_agrees() {
    let (_d, store) = store_with(40);
    let all = |f: &LogFilter| store.query(f, Page::first(1000)).unwrap();
    type Case = (LogFilter, fn(usize) -> bool);
    let cases: Vec<Case> = vec![
        (
            LogFilter {
                profile: Some("dev".into()),
                ..Default::default()
            },
            |i| i % 2 == 0,
        ),
        (
            LogFilter {
                endpoint: Some("/cgi-bin/user/get".into()),
                ..Default::default()
            },
            |i| i % 4 == 1,
        ),
        // path_contains is a case-insensitive substring; user/ matches get and create
        (
            LogFilter {
                path_contains: Some("USER/".into()),
                ..Default::default()
            },
            |i| i % 4 == 1 || i % 4 == 2,
        ),
        (
            LogFilter {
                errcode: ErrcodeFilter::Ok,
                ..Default::default()
            },
            |i| i % 4 == 0 || i % 4 == 2,
        ),
        (
            LogFilter {
                errcode: ErrcodeFilter::AnyError,
                ..Default::default()
            },
            |i| i % 4 == 1 || i % 4 == 3,
        ),
        (
            LogFilter {
                errcode: ErrcodeFilter::Code(40014),
                ..Default::default()
            },
            |i| i % 4 == 3,
        ),
        (
            LogFilter {
                since_ms: Some(BASE_MS + 10_000),
                until_ms: Some(BASE_MS + 19_000),
                ..Default::default()
            },
            |i| (10..=19).contains(&i),
        ),
        (
            LogFilter {
                profile: Some("prod".into()),
                errcode: ErrcodeFilter::Code(60111),
                ..Default::default()
            },
            |i| i % 4 == 1,
        ),
    ];
    for (filter, want) in cases {
        let got = all(&filter);
        let expected: Vec<i64> = (0..40)
            .rev()
            .filter(|&i| want(i))
            .map(|i| i as i64 + 1)
            .collect();
        assert_eq!(ids(&got), expected, "{filter:?}");
        assert_eq!(
            store.count(&filter).unwrap(),
            expected.len() as u64,
            "{filter:?}"
        );
    }
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 40);
}

#[test]
fn transport_errors_and_http_errors_count_as_failed() {
    let (_d, store) = store_with(0);
    let mut timeout = rec(0);
    timeout.status = None;
    timeout.errcode = None;
    timeout.response_body = None;
    timeout.error = Some("operation timed out".into());
    let mut http500 = rec(0);
    http500.status = Some(502);
    http500.errcode = None;
    let t = store.insert(&timeout).unwrap();
    let h = store.insert(&http500).unwrap();
    let ok = store.insert(&rec(0)).unwrap();
    let failed = store
        .query(
            &LogFilter {
                errcode: ErrcodeFilter::AnyError,
                ..Default::default()
            },
            Page::first(10),
        )
        .unwrap();
    assert_eq!(ids(&failed), vec![h, t]);
    assert!(failed.iter().all(|s| s.failed));
    assert_eq!(failed[1].error.as_deref(), Some("operation timed out"));
    let good = store
        .query(
            &LogFilter {
                errcode: ErrcodeFilter::Ok,
                ..Default::default()
            },
            Page::first(10),
        )
        .unwrap();
    assert_eq!(ids(&good), vec![ok]);
}

#[test]
fn full_text_search_finds_substrings_in_every_column() {
    let (_d, store) = store_with(40);
    // response body, Chinese, substring of a longer token
    assert_eq!(
        ids(&store.query(&text("李四17"), Page::first(100)).unwrap()),
        vec![18]
    );
    // request body, Chinese; two characters is below the trigram size (LIKE fallback)
    let zhang = store.query(&text("张三"), Page::first(100)).unwrap();
    assert_eq!(zhang.len(), 10);
    assert!(zhang.iter().all(|s| s.path == "/cgi-bin/user/create"));
    // path and errmsg, several terms must all match
    assert_eq!(store.count(&text("ticket 40014")).unwrap(), 10);
    assert_eq!(store.count(&text("hint: [h7]")).unwrap(), 1);
    // query parameters
    assert_eq!(
        ids(&store.query(&text("u33"), Page::first(100)).unwrap()),
        vec![34]
    );
    // case-insensitive
    assert_eq!(store.count(&text("GETTOKEN")).unwrap(), 10);
    // combined with another filter and paginated through the FTS index
    let f = LogFilter {
        profile: Some("dev".into()),
        ..text("gettoken")
    };
    let first = store.query(&f, Page::first(3)).unwrap();
    assert_eq!(ids(&first), vec![37, 33, 29]);
    let next = store
        .query(
            &f,
            Page {
                before_id: Some(29),
                limit: 3,
            },
        )
        .unwrap();
    assert_eq!(ids(&next), vec![25, 21, 17]);
    assert_eq!(store.count(&f).unwrap(), 10);
    assert_eq!(store.count(&text("nothing-like-this")).unwrap(), 0);
}

#[test]
fn hostile_search_input_never_errors() {
    let (_d, store) = store_with(20);
    let mut odd = rec(0);
    odd.errmsg = Some(r#"weird "quoted" a*b -minus AND OR NOT NEAR(x) {col}:y 100%_"#.into());
    let odd_id = store.insert(&odd).unwrap();
    for input in [
        "\"",
        "\"\"",
        "*",
        "**",
        "-",
        "AND",
        "OR",
        "NOT",
        "NEAR(",
        "(",
        ")",
        "^",
        ":",
        "{",
        "'",
        ";",
        "--",
        "'; DROP TABLE requests; --",
        "\"unterminated",
        "a AND",
        "\u{0}",
        "%",
        "_",
        "\\",
        "张",
        "",
        "   ",
        "path:gettoken",
        "requests_fts",
        "\"quoted\"",
        "a*b",
        "-minus",
        "NEAR(x)",
        "100%_",
    ] {
        let f = text(input);
        let page = store
            .query(&f, Page::first(50))
            .unwrap_or_else(|e| panic!("{input:?}: {e}"));
        let n = store.count(&f).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(n as usize, page.len(), "{input:?}");
        store.since_id_filtered(&f, 0).unwrap();
    }
    // Operators and quotes are searched literally.
    for literal in [
        "\"quoted\"",
        "a*b",
        "-minus",
        "NEAR(x)",
        "{col}:y",
        "100%_",
        "a*",
        "\"q",
    ] {
        assert_eq!(
            ids(&store.query(&text(literal), Page::first(50)).unwrap()),
            vec![odd_id],
            "{literal:?}"
        );
    }
    // Every entry has a masked token ("abcd***(64)") in its query, so a bare "*" finds all.
    assert_eq!(store.count(&text("*")).unwrap(), 21);
    assert_eq!(store.count(&text("***(")).unwrap(), 21);
    // "%" and "_" are not LIKE wildcards: only the odd entry contains them.
    assert_eq!(store.count(&text("%")).unwrap(), 1);
    // Blank text means no text filter.
    assert_eq!(store.count(&text("  ")).unwrap(), 21);
    assert_eq!(store.count(&text("AND")).unwrap(), 1);
}

#[test]
fn tail_returns_new_entries_oldest_first() {
    let (_d, store) = store_with(5);
    let last = store.latest_id().unwrap().unwrap();
    assert!(store.since_id(last).unwrap().is_empty());
    store.insert(&rec(5)).unwrap();
    store.insert(&rec(6)).unwrap();
    let new = store.since_id(last).unwrap();
    assert_eq!(ids(&new), vec![last + 1, last + 2]);
    let only_prod = store
        .since_id_filtered(
            &LogFilter {
                profile: Some("prod".into()),
                ..Default::default()
            },
            0,
        )
        .unwrap();
    assert_eq!(ids(&only_prod), vec![2, 4, 6]);
}

#[test]
fn distinct_values_for_filter_menus() {
    let (_d, store) = store_with(8);
    assert_eq!(store.distinct_profiles().unwrap(), vec!["dev", "prod"]);
    assert_eq!(
        store.distinct_paths().unwrap(),
        vec![
            "/cgi-bin/gettoken",
            "/cgi-bin/ticket/get",
            "/cgi-bin/user/create",
            "/cgi-bin/user/get"
        ]
    );
}

#[test]
fn clear_empties_log_and_search_and_ids_keep_growing() {
    let (_d, store) = store_with(30);
    assert_eq!(store.clear().unwrap(), 30);
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 0);
    assert_eq!(store.count(&text("gettoken")).unwrap(), 0);
    assert_eq!(store.latest_id().unwrap(), None);
    let id = store.insert(&rec(0)).unwrap();
    assert_eq!(id, 31, "ids are not reused after clear");
    assert_eq!(
        ids(&store.query(&text("gettoken"), Page::first(5)).unwrap()),
        vec![31]
    );
    // The delete trigger came back: deleting via retention keeps FTS in sync.
    store
        .set_retention(Retention {
            max_entries: Some(0),
            max_days: None,
        })
        .unwrap();
    assert_eq!(store.count(&text("gettoken")).unwrap(), 0);
}

#[test]
fn retention_by_count_keeps_the_newest() {
    let (_d, store) = store_with(25);
    assert_eq!(
        store
            .set_retention(Retention {
                max_entries: Some(10),
                max_days: None
            })
            .unwrap(),
        15
    );
    let left = store
        .query(&LogFilter::default(), Page::first(100))
        .unwrap();
    assert_eq!(ids(&left), (16..=25).rev().collect::<Vec<_>>());
    // Deleted entries are gone from the full-text index too.
    assert_eq!(store.count(&text("李四3")).unwrap(), 0);
    assert_eq!(store.count(&text("李四23")).unwrap(), 1);
}

#[test]
fn retention_is_enforced_every_n_inserts() {
    let (_d, store) = store_with(0);
    store
        .set_retention(Retention {
            max_entries: Some(5),
            max_days: None,
        })
        .unwrap();
    let n = wwdev_core::log::RETENTION_EVERY as usize;
    for i in 0..n {
        store.insert(&rec(i)).unwrap();
    }
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 5);
    assert_eq!(store.latest_id().unwrap(), Some(n as i64));
}

#[test]
fn retention_by_age_on_open_and_on_demand() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.sqlite3");
    let day = 86_400_000;
    let clock = ManualClock::new(BASE_MS / 1000);
    {
        let (store, _) =
            LogStore::open_with_clock(&path, Retention::UNLIMITED, Arc::new(clock.clone()))
                .unwrap();
        for age_days in [10, 5, 2, 0] {
            let mut r = rec(age_days as usize);
            r.time_ms = BASE_MS - age_days * day - 1;
            store.insert(&r).unwrap();
        }
    }
    // Reopening with a 7-day limit drops the 10-day-old entry.
    let retention = Retention {
        max_entries: None,
        max_days: Some(7),
    };
    let (store, _) = LogStore::open_with_clock(&path, retention, Arc::new(clock.clone())).unwrap();
    assert_eq!(
        ids(&store.query(&LogFilter::default(), Page::first(10)).unwrap()),
        vec![4, 3, 2]
    );
    // Four days later the 5-day-old one (now 9) goes as well.
    clock.advance(4 * 86_400);
    assert_eq!(store.apply_retention().unwrap(), 1);
    assert_eq!(
        ids(&store.query(&LogFilter::default(), Page::first(10)).unwrap()),
        vec![4, 3]
    );
}

#[test]
fn store_is_a_shared_sink_across_threads() {
    let (_d, store) = store_with(0);
    let sink: Arc<dyn RequestSink> = Arc::new(store.clone());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let sink = sink.clone();
            let reader = store.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    sink.record(rec(t * 50 + i));
                    reader
                        .query(&LogFilter::default(), Page::first(20))
                        .unwrap();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 200);
}

#[test]
fn reopening_keeps_entries_and_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/requests.sqlite3");
    {
        let (store, _) = LogStore::open(&path, Retention::UNLIMITED).unwrap();
        store.insert(&rec(1)).unwrap();
    }
    let (store, report) = LogStore::open(&path, Retention::UNLIMITED).unwrap();
    assert_eq!(report.message, None);
    assert_eq!(store.count(&LogFilter::default()).unwrap(), 1);
    assert_eq!(store.count(&text("user/get")).unwrap(), 1);
}

#[test]
fn search_matches_exact_substrings_not_scattered_trigrams() {
    let (_d, store) = store_with(0);
    let mut scattered = rec(0);
    scattered.errmsg = Some("wxy-q-xyz".into()); // has the trigrams of "wxyz", not "wxyz"
    scattered.response_body = Some(r#"{"a":"张三丰"}"#.into());
    scattered.request_body = Some(r#"{"b":"三丰收"}"#.into()); // "张三丰收" only across columns
    let scattered_id = store.insert(&scattered).unwrap();
    let mut real = rec(0);
    real.errmsg = Some("qqwxyzqq".into());
    let real_id = store.insert(&real).unwrap();
    assert_eq!(
        ids(&store.query(&text("WXYZ"), Page::first(10)).unwrap()),
        vec![real_id]
    );
    assert_eq!(store.count(&text("WXYZ")).unwrap(), 1);
    assert_eq!(store.count(&text("张三丰收")).unwrap(), 0);
    assert_eq!(
        ids(&store
            .query(&text("张三丰 三丰收"), Page::first(10))
            .unwrap()),
        vec![scattered_id]
    );
}
