//! Request log benchmark: insert 100,000 realistic entries, then time filtered
//! page queries and full-text queries, and report the size on disk.
//!
//! Run: `cargo bench -p wwdev-core --bench log_store` (optionally
//! `-- 20000` for a different entry count). Prints figures; asserts nothing.

use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use wwdev_core::log::{ErrcodeFilter, LogFilter, LogStore, Page, Retention};
use wwdev_core::record::RequestRecord;
use wwdev_core::secret::mask;

const SURNAMES: &[&str] = &[
    "张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "欧阳", "司马",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
];
const DEPTS: &[&str] = &[
    "研发中心",
    "市场部",
    "华东大区销售部",
    "财务部",
    "人力资源部",
    "客户成功",
];
const PROFILES: &[&str] = &["dev", "staging", "prod-hq", "prod-east"];
const FEATURES: &[&str] = &["token", "ticket", "identity", "console", "cli"];

fn pick<'a>(rng: &mut SmallRng, items: &[&'a str]) -> &'a str {
    items[rng.random_range(0..items.len())]
}

fn name(rng: &mut SmallRng) -> String {
    format!(
        "{}{}{}",
        pick(rng, SURNAMES),
        pick(rng, GIVEN),
        if rng.random_range(0..2) == 0 {
            pick(rng, GIVEN)
        } else {
            ""
        }
    )
}

fn token(rng: &mut SmallRng) -> String {
    let raw: String = (0..64)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect();
    mask(&raw)
}

/// Errcodes weighted roughly like a day of debugging: mostly 0.
fn errcode(rng: &mut SmallRng) -> i64 {
    match rng.random_range(0..100) {
        0..=79 => 0,
        80..=84 => 40014,
        85..=88 => 42001,
        89..=91 => 60111,
        92..=94 => 40029,
        95..=96 => 48002,
        _ => 45009,
    }
}

fn entry(rng: &mut SmallRng, i: usize, now_ms: i64) -> RequestRecord {
    let code = errcode(rng);
    let userid = format!("user{:05}", rng.random_range(0..20_000));
    let errmsg = if code == 0 {
        "ok".to_string()
    } else {
        format!(
            "errcode {code}, hint: [{}{:08x}], from ip: 10.0.0.{}, more info at https://open.work.weixin.qq.com/devtool/query?e={code}",
            i,
            rng.random_range(0..u32::MAX),
            rng.random_range(1..255)
        )
    };
    let mut query = vec![("access_token".to_string(), token(rng))];
    let (method, path, request_body, response_body) = match rng.random_range(0..10) {
        0 => {
            query = vec![
                ("corpid".into(), "ww8d1f2e3c4b5a6978".into()),
                ("corpsecret".into(), token(rng)),
            ];
            (
                "GET",
                "/cgi-bin/gettoken",
                None,
                format!(
                    r#"{{"errcode":{code},"errmsg":"{errmsg}","access_token":"{}","expires_in":7200}}"#,
                    token(rng)
                ),
            )
        }
        1 => {
            query.push(("type".into(), "agent_config".into()));
            (
                "GET",
                "/cgi-bin/ticket/get",
                None,
                format!(
                    r#"{{"errcode":{code},"errmsg":"{errmsg}","ticket":"{}","expires_in":7200}}"#,
                    token(rng)
                ),
            )
        }
        2..=4 => {
            query.push(("userid".into(), userid.clone()));
            let n = name(rng);
            (
                "GET",
                "/cgi-bin/user/get",
                None,
                format!(
                    r#"{{"errcode":{code},"errmsg":"{errmsg}","userid":"{userid}","name":"{n}","department":[1,{}],"position":"{}工程师","mobile":"138{:08}","gender":"1","email":"{userid}@example.com","status":1,"extattr":{{"attrs":[{{"type":0,"name":"工号","text":{{"value":"E{:06}"}}}}]}}}}"#,
                    rng.random_range(2..200),
                    pick(rng, DEPTS),
                    rng.random_range(0..100_000_000u32),
                    rng.random_range(0..999_999)
                ),
            )
        }
        5 | 6 => {
            query.push(("code".into(), token(rng)));
            (
                "GET",
                "/cgi-bin/auth/getuserinfo",
                None,
                format!(
                    r#"{{"errcode":{code},"errmsg":"{errmsg}","userid":"{userid}","user_ticket":"{}","expires_in":1800}}"#,
                    token(rng)
                ),
            )
        }
        7 => {
            let n = name(rng);
            let body = format!(
                r#"{{"userid":"{userid}","name":"{n}","department":[{}],"position":"{}经理","mobile":"139{:08}"}}"#,
                rng.random_range(2..200),
                pick(rng, DEPTS),
                rng.random_range(0..100_000_000u32)
            );
            (
                "POST",
                "/cgi-bin/user/create",
                Some(body),
                format!(r#"{{"errcode":{code},"errmsg":"{errmsg}"}}"#),
            )
        }
        8 => {
            let body = format!(
                r#"{{"touser":"{userid}","msgtype":"text","agentid":1000002,"text":{{"content":"{}你好，你的审批单 #{} 已由{}通过。"}}}}"#,
                name(rng),
                i,
                name(rng)
            );
            (
                "POST",
                "/cgi-bin/message/send",
                Some(body),
                format!(
                    r#"{{"errcode":{code},"errmsg":"{errmsg}","invaliduser":"","msgid":"msg{i:x}"}}"#
                ),
            )
        }
        _ => {
            query.push(("department_id".into(), rng.random_range(1..200).to_string()));
            let members: Vec<String> = (0..rng.random_range(1..8))
                .map(|k| {
                    format!(
                        r#"{{"userid":"u{k}{i}","name":"{}","department":[1]}}"#,
                        name(rng)
                    )
                })
                .collect();
            (
                "GET",
                "/cgi-bin/user/simplelist",
                None,
                format!(
                    r#"{{"errcode":{code},"errmsg":"{errmsg}","userlist":[{}]}}"#,
                    members.join(",")
                ),
            )
        }
    };
    let transport_failure = rng.random_range(0..100) == 0;
    RequestRecord {
        id: None,
        // Spread over the last 30 days, in order.
        time_ms: now_ms - 30 * 86_400_000 + (i as i64) * 25_920,
        profile: pick(rng, PROFILES).into(),
        feature: pick(rng, FEATURES).into(),
        base_url: "https://qyapi.weixin.qq.com".into(),
        method: method.into(),
        path: path.into(),
        query,
        request_body,
        status: (!transport_failure).then_some(200),
        errcode: (!transport_failure).then_some(code),
        errmsg: (!transport_failure).then_some(errmsg),
        latency_ms: rng.random_range(8..900),
        response_headers: vec![
            (
                "content-type".into(),
                "application/json; charset=UTF-8".into(),
            ),
            ("error-code".into(), code.to_string()),
            ("date".into(), "Mon, 01 Jan 2024 00:00:00 GMT".into()),
        ],
        response_body: (!transport_failure).then_some(response_body),
        error: transport_failure.then(|| "error sending request: operation timed out".into()),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn time_queries(label: &str, runs: usize, mut f: impl FnMut(usize) -> usize) {
    let mut times = Vec::with_capacity(runs);
    let mut rows = 0;
    for k in 0..runs {
        let t = Instant::now();
        rows += f(k);
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "{label:<48} p50 {:>9.3} ms   p99 {:>9.3} ms   ({runs} runs, {:.1} rows/run)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.99).as_secs_f64() * 1e3,
        rows as f64 / runs as f64
    );
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("requests.sqlite3");
    let (store, _) = LogStore::open(&path, Retention::UNLIMITED).expect("open");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut rng = SmallRng::seed_from_u64(42);
    let records: Vec<RequestRecord> = (0..n).map(|i| entry(&mut rng, i, now_ms)).collect();
    let raw_bytes: usize = records
        .iter()
        .map(|r| {
            r.path.len()
                + r.request_body.as_ref().map_or(0, String::len)
                + r.response_body.as_ref().map_or(0, String::len)
        })
        .sum();

    println!(
        "request log benchmark: {n} entries, one transaction per insert (as RequestSink::record does)"
    );
    let t = Instant::now();
    for r in &records {
        store.insert(r).expect("insert");
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "insert                                           {:>9.0} inserts/s   ({secs:.2} s total)",
        n as f64 / secs
    );

    let latest = store.latest_id().unwrap().unwrap();
    let pages = [
        ("page 1, no filter", LogFilter::default()),
        (
            "page, profile + any error",
            LogFilter {
                profile: Some("prod-hq".into()),
                errcode: ErrcodeFilter::AnyError,
                ..Default::default()
            },
        ),
        (
            "page, endpoint /cgi-bin/user/get",
            LogFilter {
                endpoint: Some("/cgi-bin/user/get".into()),
                ..Default::default()
            },
        ),
        (
            "page, errcode 40014",
            LogFilter {
                errcode: ErrcodeFilter::Code(40014),
                ..Default::default()
            },
        ),
        (
            "page, path contains 'user' + last 7 days",
            LogFilter {
                path_contains: Some("user".into()),
                since_ms: Some(now_ms - 7 * 86_400_000),
                ..Default::default()
            },
        ),
    ];
    println!(
        "\nfiltered page queries (50 rows, newest first; half first pages, half deep keyset pages):"
    );
    for (label, filter) in &pages {
        time_queries(label, 200, |k| {
            let before = (k % 2 == 1).then(|| latest - (k as i64 * 7919) % latest);
            store
                .query(
                    filter,
                    Page {
                        before_id: before,
                        limit: 50,
                    },
                )
                .unwrap()
                .len()
        });
    }
    time_queries("count, profile + any error", 50, |_| {
        store.count(&pages[1].1).unwrap() as usize;
        1
    });

    println!("\nfull-text queries (50 rows):");
    let mut rng = SmallRng::seed_from_u64(7);
    let terms: Vec<String> = (0..200)
        .map(|_| name(&mut rng))
        .filter(|s| s.chars().count() >= 3)
        .collect();
    time_queries(
        "text: a 3-character Chinese name (trigram index)",
        terms.len().min(200),
        |k| {
            store
                .query(
                    &LogFilter {
                        text: Some(terms[k].clone()),
                        ..Default::default()
                    },
                    Page::first(50),
                )
                .unwrap()
                .len()
        },
    );
    time_queries("text: a userid, e.g. user01234", 200, |k| {
        let t = format!("user{:05}", (k * 97) % 20_000);
        store
            .query(
                &LogFilter {
                    text: Some(t),
                    ..Default::default()
                },
                Page::first(50),
            )
            .unwrap()
            .len()
    });
    time_queries("text: common word 'errcode' (matches all)", 50, |_| {
        store
            .query(
                &LogFilter {
                    text: Some("errcode".into()),
                    ..Default::default()
                },
                Page::first(50),
            )
            .unwrap()
            .len()
    });
    time_queries("text: '审批单 通过' + profile", 100, |k| {
        let f = LogFilter {
            text: Some("审批单 通过".into()),
            profile: Some(PROFILES[k % 4].into()),
            ..Default::default()
        };
        store.query(&f, Page::first(50)).unwrap().len()
    });
    time_queries("text: 2-character name (LIKE scan fallback)", 20, |k| {
        let t = format!("{}{}", SURNAMES[k % 10], GIVEN[k % 16]);
        store
            .query(
                &LogFilter {
                    text: Some(t),
                    ..Default::default()
                },
                Page::first(50),
            )
            .unwrap()
            .len()
    });
    time_queries("count, text 'hint: [' (errors with a hint)", 20, |_| {
        store
            .count(&LogFilter {
                text: Some("hint: [".into()),
                ..Default::default()
            })
            .unwrap() as usize
    });

    let t = Instant::now();
    let mut sink = std::io::sink();
    let exported = store
        .export_har(
            &LogFilter {
                errcode: ErrcodeFilter::AnyError,
                ..Default::default()
            },
            &mut sink,
        )
        .unwrap();
    println!(
        "\nexport HAR of all errors                         {exported} entries in {:.2} s",
        t.elapsed().as_secs_f64()
    );

    drop(store); // checkpoints the WAL into the main file
    let size = file_size(&path);
    println!(
        "\ndatabase size: {:.1} MiB, {:.0} bytes/entry (raw path+bodies: {:.0} bytes/entry)",
        size as f64 / 1048576.0,
        size as f64 / n as f64,
        raw_bytes as f64 / n as f64
    );
    let t = Instant::now();
    let (store, report) = LogStore::open(&path, Retention::recommended()).expect("reopen");
    println!(
        "reopen (quick_check + retention)                 {:.3} s, recovered: {:?}",
        t.elapsed().as_secs_f64(),
        report.recovered_from
    );
    let t = Instant::now();
    let cleared = store.clear().unwrap();
    println!(
        "clear                                            {cleared} entries in {:.3} s",
        t.elapsed().as_secs_f64()
    );
}
