//! Printing results and errors, human or `--json`, and the language of human output.

use serde::Serialize;
use wwdev_core::error::{CoreError, ErrorKind, UiError};

/// True when human output is Chinese: the first of LC_ALL, LC_MESSAGES, LANG that is
/// set (and not empty) starts with `zh`. The one place the CLI decides its language.
pub fn zh() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| v.starts_with("zh"))
}

/// `zh_text` when human output is Chinese ([`zh`]), else `en_text`.
pub fn pick<'a>(zh_text: &'a str, en_text: &'a str) -> &'a str {
    if zh() { zh_text } else { en_text }
}

/// A warning on stderr, in the user's language.
pub fn warn(zh_text: &str, en_text: &str) {
    eprintln!("{}", pick(&format!("警告：{zh_text}"), &format!("warning: {en_text}")));
}

/// Columns `s` takes in a terminal: CJK and full-width characters take two.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` padded with spaces to `columns` terminal columns (`{:<N}` counts characters,
/// which misaligns Chinese labels).
pub fn pad(s: &str, columns: usize) -> String {
    format!("{s}{}", " ".repeat(columns.saturating_sub(width(s))))
}

/// Print a serialisable value as one JSON line.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!(
            "{}",
            pick(&format!("错误：无法序列化结果（详情：{e}）"), &format!("error: cannot serialise the result: {e}"))
        ),
    }
}

/// An error in its user-facing form, as the CLI shows it. Core's hint for a
/// configuration error speaks of the app's profiles; the CLI has none, so it names
/// the options and variables that set the same things.
pub fn ui_error(err: &CoreError) -> UiError {
    let ui = err.to_ui();
    if ui.kind == ErrorKind::Config {
        return ui.hint2(
            "Check --base-url (or WWDEV_BASE_URL) and --timeout; a proxy comes from HTTPS_PROXY / HTTP_PROXY / NO_PROXY.",
            "请检查 --base-url（或环境变量 WWDEV_BASE_URL）和 --timeout；代理来自环境变量 HTTPS_PROXY / HTTP_PROXY / NO_PROXY。",
        );
    }
    ui
}

/// Print an error. Human: what happened, then what to do, in the user's language.
/// JSON: `{"ok": false, "error": {kind, message, message_zh, errcode, hint, hint_zh}}` on
/// stdout, so scripts that parse stdout see it.
pub fn print_error(err: &CoreError, json: bool) {
    print_ui_error(&ui_error(err), json)
}

/// [`print_error`] for an error already in its user-facing form.
pub fn print_ui_error(ui: &UiError, json: bool) {
    if json {
        print_json(&serde_json::json!({ "ok": false, "error": ui }));
        return;
    }
    let zh = zh();
    let (message, hint) = ui.localized(if zh { "zh" } else { "en" });
    if zh {
        eprintln!("错误：{message}");
    } else {
        eprintln!("error: {message}");
    }
    if let Some(code) = ui.errcode {
        if let Some(entry) = wwdev_core::errcode::lookup(code) {
            if zh {
                eprintln!("  {code} {}：{}", entry.name, entry.meaning_zh);
            } else {
                eprintln!("  {code} {}: {}", entry.name, entry.meaning_en);
            }
        }
        if zh {
            eprintln!("  详见：`wwdev errcode {code}` 或 {}", wwdev_core::errcode::doc_url(code));
        } else {
            eprintln!("  more: `wwdev errcode {code}` or {}", wwdev_core::errcode::doc_url(code));
        }
    }
    if let Some(hint) = hint {
        if zh {
            eprintln!("  怎么办：{hint}");
        } else {
            eprintln!("  what to do: {hint}");
        }
    }
}

/// Format a Unix timestamp as local-agnostic UTC `YYYY-MM-DD HH:MM:SS UTC`.
/// Hand-written to avoid pulling a date crate into the CLI for one format.
pub fn utc(ts: i64) -> String {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Render text as a QR code for the terminal (two rows per character line).
pub fn terminal_qr(text: &str) -> Result<String, CoreError> {
    let code = qrcode::QrCode::new(text.as_bytes())
        .map_err(|e| {
            CoreError::invalid("link", format!("cannot be encoded as a QR code: {e}"), format!("无法编码为二维码（详情：{e}）"))
        })?;
    Ok(code
        .render::<qrcode::render::unicode::Dense1x2>()
        .dark_color(qrcode::render::unicode::Dense1x2::Light)
        .light_color(qrcode::render::unicode::Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pad_counts_terminal_columns() {
        assert_eq!(width("期望 ok"), 7);
        assert_eq!(pad("期望", 6), "期望  ");
        assert_eq!(pad("expected", 10), format!("{:<10}", "expected"));
        assert_eq!(pad("too long", 3), "too long");
    }

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc(1_414_587_457), "2014-10-29 12:57:37 UTC");
        assert_eq!(utc(951_782_400), "2000-02-29 00:00:00 UTC");
    }
}
