//! `wwdev diagnose`: why a page's JS-SDK signature fails, through wwdev-core's engine.
//!
//! Exit codes: 0 valid, 1 invalid signature (what WeCom reports as 40093), 2 the paste
//! or the arguments cannot be used, 3 fetching the tickets failed on the network.

use std::io::Read;

use clap::Args;
use serde_json::json;
use wwdev_core::cache::TicketKind as CacheKind;
use wwdev_core::clock::{Clock, SystemClock};
use wwdev_core::diagnose::{self, Confidence, DiagnoseInput, Diagnosis, Kind, Pasted, TicketCandidate, TicketKind};
use wwdev_core::error::{CoreError, UiError};
use wwdev_core::secret::Secret;

use crate::commands::{Ctx, TEXT_MAX_BYTES, URL_MAX_BYTES, VALUE_MAX_BYTES, bounded, exit_printed};
use crate::output::{pad, pick, print_json, print_ui_error, width, zh};

type Result<T> = std::result::Result<T, CoreError>;

/// How long a ticket lives (WeCom's `expires_in`), to date tickets given on the command line.
const TICKET_TTL: i64 = 7200;

#[derive(Args, Debug)]
#[command(after_help = "Reads the pasted text on standard input: the object getConfigSignature / getAgentConfigSignature \
returned, a console line printing it, your backend's JSON response, or lines like `signature: ...`.\n\
Tickets: --ticket / --agent-ticket (newest first; the first is the current one), or, when none is given, \
the current ones fetched with --corpid / --agentid / WWDEV_SECRET.\n\
Exit codes: 0 valid, 1 invalid signature, 2 unusable paste or arguments, 3 network failure.\n\
Example: pbpaste | wwdev diagnose --kind agentConfig --url 'https://app.example.com/p?id=1#/home'")]
pub struct DiagnoseArgs {
    /// Which registration the signature was for: config (wx.config / getConfigSignature),
    /// agentConfig (wx.agentConfig / getAgentConfigSignature) or auto.
    #[arg(long, value_parser = ["config", "agentConfig", "auto"], default_value = "auto")]
    pub kind: String,
    /// The page URL exactly as `location.href` shows it, #fragment and all.
    #[arg(long)]
    pub url: Option<String>,
    /// A corp jsapi_ticket to try (repeatable, newest first; the first is the current one).
    #[arg(long = "ticket")]
    pub tickets: Vec<String>,
    /// An agent ticket to try (repeatable, newest first; the first is the current one).
    #[arg(long = "agent-ticket")]
    pub agent_tickets: Vec<String>,
    /// The OAuth link the user came through, to recognise it being signed instead of the page.
    #[arg(long)]
    pub oauth_url: Option<String>,
    /// The entry URL of a single-page app, to recognise it being signed instead of the current route.
    #[arg(long)]
    pub entry_url: Option<String>,
    /// The nonceStr handed to ww.register, when it may differ from the signed one.
    #[arg(long)]
    pub register_nonce: Option<String>,
    /// The timestamp handed to ww.register, when it may differ from the signed one.
    #[arg(long)]
    pub register_timestamp: Option<String>,
}

fn kind_of(s: &str) -> Kind {
    match s {
        "config" => Kind::Config,
        "agentConfig" => Kind::AgentConfig,
        _ => Kind::Auto,
    }
}

/// Tickets given on the command line. Their fetch times are unknown: each is assumed to
/// have replaced the next one when that one's 7200 s ran out, the first fetched now.
fn given_tickets(kind: TicketKind, values: &[String], now: i64, profile: &str) -> Vec<TicketCandidate> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let fetched_at = now - TICKET_TTL * i as i64;
            TicketCandidate {
                kind,
                value: Secret::new(v.trim()),
                fetched_at,
                expires_at: fetched_at + TICKET_TTL,
                profile: profile.to_owned(),
                is_current: i == 0,
            }
        })
        .collect()
}

/// The current corp (and, with an agentid, agent) ticket through the cache.
async fn fetched_tickets(ctx: &Ctx, secret: &Secret, profile: &str) -> Result<Vec<TicketCandidate>> {
    let key = ctx.key()?;
    ctx.cache.ticket(&ctx.client, &key, secret, CacheKind::Corp, false).await?;
    if ctx.g.agentid.as_deref().is_some_and(|a| !a.trim().is_empty()) {
        ctx.cache.ticket(&ctx.client, &key, secret, CacheKind::Agent, false).await?;
    }
    Ok(wwdev_core::flows::ticket_candidates(&ctx.cache, &key, profile))
}


/// Bad input after a paste was read: print (once) and exit 2.
fn bad_input(json_out: bool, field: &str, message: String, message_zh: String, parse_kind: Option<&str>) -> ! {
    if json_out {
        print_json(&json!({
            "ok": false, "valid": false,
            "error": { "kind": "invalid_input", "field": field, "parse_error": parse_kind,
                       "message": message, "message_zh": message_zh, "errcode": null, "hint": null },
        }));
    } else {
        print_ui_error(&UiError::invalid_input(message, message_zh), false);
    }
    std::process::exit(2)
}

pub async fn run(ctx: Ctx, a: DiagnoseArgs) -> Result<()> {
    let json_out = ctx.g.json;
    let given = !a.tickets.is_empty() || !a.agent_tickets.is_empty();
    // --secret-stdin takes the first line of stdin; the paste is the rest.
    let secret = if !given { Some(ctx.secret()?) } else { None };
    // At most the limit (and one byte more, to tell that it was over).
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(TEXT_MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            CoreError::invalid(
                "stdin",
                format!("cannot read the pasted text from standard input: {e}"),
                format!("无法从标准输入读取粘贴的内容（详情：{e}）"),
            )
        })?;
    if bytes.len() > TEXT_MAX_BYTES {
        bad_input(
            json_out,
            "paste",
            format!("The paste is longer than {TEXT_MAX_BYTES} bytes: paste only what the signing function returned or printed, not a whole log or page."),
            format!("粘贴的内容超过 {TEXT_MAX_BYTES} 字节：只粘贴签名函数返回或打印的内容，不要粘贴整个日志或页面。"),
            None,
        );
    }
    let text = String::from_utf8_lossy(&bytes);
    for (what, v) in [("--url", &a.url), ("--oauth-url", &a.oauth_url), ("--entry-url", &a.entry_url)] {
        bounded(what, v.as_deref().unwrap_or(""), URL_MAX_BYTES)?;
    }
    for t in a.tickets.iter().chain(&a.agent_tickets) {
        bounded("--ticket", t, VALUE_MAX_BYTES)?;
    }
    let pasted: Pasted = match diagnose::parse_pasted(&text) {
        Ok(p) => p,
        Err(e) => bad_input(json_out, "paste", e.to_string(), e.message_zh(), Some(e.kind())),
    };
    let page_url = a.url.clone().or_else(|| pasted.url.clone()).unwrap_or_default();
    let page = page_url.trim();
    if page.is_empty() {
        bad_input(
            json_out,
            "url",
            "No page URL: pass --url with the page's location.href (fragment and all); the signature covers the URL.".into(),
            "缺少页面 URL：用 --url 传入页面的 location.href（含 # 部分）；签名覆盖了 URL。".into(),
            None,
        );
    }
    if !(page.starts_with("http://") || page.starts_with("https://")) {
        bad_input(
            json_out,
            "url",
            format!("`{page}` is not a full page URL: pass location.href, with http:// or https:// and the query."),
            format!("`{page}` 不是完整的页面 URL：请传入 location.href，包含 http:// 或 https:// 以及查询参数。"),
            None,
        );
    }

    let now = SystemClock.now();
    // The name the diagnosis gives the tickets' source; "cli", as in the request log.
    let profile = if given {
        "cli".to_owned()
    } else {
        format!("{}/{}", ctx.g.corpid.as_deref().unwrap_or("-"), ctx.g.agentid.as_deref().unwrap_or("-"))
    };
    let tickets = match &secret {
        None => {
            let mut t = given_tickets(TicketKind::Corp, &a.tickets, now, &profile);
            t.extend(given_tickets(TicketKind::Agent, &a.agent_tickets, now, &profile));
            t
        }
        Some(s) => fetched_tickets(&ctx, s, &profile).await?,
    };
    let input = DiagnoseInput {
        pasted: pasted.clone(),
        page_url: page.to_owned(),
        kind: kind_of(&a.kind),
        tickets,
        active_profile: profile,
        oauth_url: a.oauth_url,
        entry_url: a.entry_url,
        register_nonce: a.register_nonce,
        register_timestamp: a.register_timestamp,
        now,
    };
    let d = diagnose::diagnose(&input);
    if json_out {
        print_json(&wwdev_core::jssdk::diagnosis_json(&d, &input));
    } else {
        print_human(&d);
    }
    if d.valid {
        Ok(())
    } else {
        // The result is printed already; only the exit code is left to say.
        exit_printed(CoreError::wecom(40093, "invalid signature"))
    }
}

/// `s` from char `from` on, at most `len` chars, with ellipses where cut.
fn window(s: &str, from: usize, len: usize) -> String {
    let n = s.chars().count();
    let mut out: String = s.chars().skip(from).take(len).collect();
    if from > 0 {
        out.insert(0, '…');
    }
    if from + len < n {
        out.push('…');
    }
    out
}

/// Expected vs explained string1, cut around the first difference, with a caret under
/// it. `labels` name the two lines (expected, signed), in the user's language.
pub fn diff_lines(expected: &str, got: &str, at: usize, labels: [&str; 2]) -> [String; 3] {
    const BEFORE: usize = 30;
    const LEN: usize = 90;
    let from = at.saturating_sub(BEFORE);
    let caret = at - from + usize::from(from > 0);
    let columns = labels.iter().map(|l| width(l)).max().unwrap_or(0) + 2;
    [
        format!("{}{}", pad(labels[0], columns), window(expected, from, LEN)),
        format!("{}{}", pad(labels[1], columns), window(got, from, LEN)),
        format!("{}{}^", " ".repeat(columns), " ".repeat(caret)),
    ]
}

fn print_human(d: &Diagnosis) {
    let verdict = if d.valid {
        pick("✔ 签名正确", "✔ the signature is valid")
    } else {
        pick("✘ 签名无效（企业微信会报 40093 invalid signature）", "✘ the signature is invalid (WeCom reports 40093 invalid signature)")
    };
    println!("{verdict}");
    if !d.fields.is_empty() {
        println!();
        println!("{} {} {} {}", pad(pick("字段", "field"), 20), pad("", 4), pad(pick("期望", "expected"), 44), pick("实际", "got"));
        for f in &d.fields {
            let mark = if f.ok { pick("一致", "ok") } else { pick("不同", "DIFF") };
            println!("{} {} {} {:?}", pad(f.name, 20), pad(mark, 4), pad(&f.expected, 44), f.got);
        }
    }
    if let (Some(e), Some(x)) = (&d.expected, &d.explained) {
        println!();
        println!("string1 ({})", pick("期望 / 实际签名所用", "expected / what was signed"));
        match x.first_diff_index {
            Some(i) => {
                for l in diff_lines(&e.string1, &x.string1, i, [pick("期望", "expected"), pick("实际签名", "signed")]) {
                    println!("  {l}");
                }
                println!("  {} {i}", pick("第一个不同的字符位于", "first difference at character"));
            }
            None => println!("  {}", e.string1),
        }
    } else if let Some(e) = &d.expected {
        println!();
        println!("string1 ({}) {}", pick("期望", "expected"), e.string1);
        println!("{}", pick("没有找到能复现该签名的 string1。", "No string1 reproducing the pasted signature was found."));
    }
    if !d.causes.is_empty() {
        println!();
        println!("{}", pick("原因（可能性从高到低）", "causes (most likely first)"));
        for (i, c) in d.causes.iter().enumerate() {
            let conf = match c.confidence {
                Confidence::Exact => pick("确定", "exact"),
                Confidence::Likely => pick("很可能", "likely"),
                Confidence::Hint => pick("值得检查", "hint"),
            };
            println!("{}", pick(&format!("{}. [{}] {}（{conf}）", i + 1, c.id, c.title_zh), &format!("{}. [{}] {} ({conf})", i + 1, c.id, c.title_en)));
            println!("   {}", pick(&c.detail_zh, &c.detail_en));
            println!("   {}", pick(&format!("修复：{}", c.fix_zh), &format!("fix: {}", c.fix_en)));
        }
    }
    let (right, next) = if zh() { (&d.certainly_right_zh, &d.next_checks_zh) } else { (&d.certainly_right, &d.next_checks_en) };
    if !right.is_empty() {
        println!();
        println!("{}", pick("确定没问题的", "certainly right"));
        for r in right {
            println!("  - {r}");
        }
    }
    if !next.is_empty() {
        println!();
        println!("{}", pick("接下来检查", "check next"));
        for n in next {
            println!("  - {n}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_first_difference() {
        let e = "jsapi_ticket=T&noncestr=N&timestamp=1&url=https://a.test/p";
        let g = "jsapi_ticket=T&noncestr=N&timestamp=1&url=https://a.test/p#x";
        let at = diagnose::first_diff(e, g).unwrap();
        let [le, lg, caret] = diff_lines(e, g, at, ["expected", "signed"]);
        assert!(le.starts_with("expected  …") && lg.starts_with("signed    …") && caret.starts_with("           "), "{le}\n{lg}");
        let col = caret.chars().count() - 1;
        assert_eq!(lg.chars().nth(col), Some('#'), "{lg}\n{caret}");
        // The expected string1 is a prefix: it ends right where the caret points.
        assert_eq!(le.chars().nth(col), None, "{le}");
        // Near the start: no ellipsis, caret under the char itself.
        let [_, lg, caret] = diff_lines("abc", "abX", 2, ["expected", "signed"]);
        assert_eq!(lg.chars().nth(caret.chars().count() - 1), Some('X'));
    }

    /// Chinese labels take two columns a character: the caret still sits under the
    /// first difference on screen.
    #[test]
    fn caret_lines_up_under_chinese_labels() {
        let [le, lg, caret] = diff_lines("abc", "abX", 2, ["期望", "实际签名"]);
        assert!(le.starts_with("期望      abc") && lg.starts_with("实际签名  abX"), "{le}\n{lg}");
        let before_x = &lg[..lg.find('X').unwrap()];
        assert_eq!(width(before_x), caret.len() - 1, "{lg}\n{caret}");
    }
}
