//! Reading what the user pasted: the object `getConfigSignature` returned, a console
//! line that printed it, a backend JSON response, or loose `key: value` lines.
//!
//! Hand-written on purpose: JSON/JSON5 parsers reject the console prefixes
//! (`getAgentConfigSignature :>> {...}`), objects cut off mid-paste, two objects in
//! one paste and `key=value` lines, and they normalise away the surrounding
//! whitespace that is itself one of the causes we must report. This extractor
//! never fails on syntax; it collects every key/value pair it can recognise and
//! keeps values raw.

use serde::{Deserialize, Serialize};

use super::Kind;

/// The values found in a paste, raw (surrounding whitespace kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pasted {
    pub signature: Option<String>,
    pub nonce_str: Option<String>,
    pub timestamp: Option<String>,
    /// The URL the backend says it signed, if its response echoes one.
    pub url: Option<String>,
    /// The ticket, if the backend leaked it into its response (debug builds often do).
    pub ticket: Option<String>,
    /// `config` / `agentConfig` when the paste names it (function name, key, log label).
    pub kind_hint: Option<Kind>,
    /// `nonceStr` handed to `ww.register` / `wx.config`, when the paste holds a second
    /// object with it (or an explicit `registerNonceStr` field).
    pub register_nonce: Option<String>,
    /// `timestamp` handed to `ww.register` / `wx.config`, likewise.
    pub register_timestamp: Option<String>,
}

/// Why a paste could not be read. `Display` says what happened, why and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(
        "Nothing was pasted. Paste the object getConfigSignature/getAgentConfigSignature returned, \
         the console line that printed it, your backend's JSON response, or lines like `signature=...`."
    )]
    Empty,
    #[error(
        "No signature fields found in the pasted text (it starts with {excerpt:?}). wwdev looks for \
         `signature`, `nonceStr` and `timestamp`. Paste the object getConfigSignature/getAgentConfigSignature \
         returned, the console line that printed it, your backend's JSON response, or lines like \
         `signature=...`, `nonceStr: ...`, `timestamp: ...`."
    )]
    NothingRecognised { excerpt: String },
    #[error(
        "Found {found} but no `signature`. Without the signature there is nothing to diagnose: paste the \
         whole object the signing function returned (it has `signature`, `nonceStr`, `timestamp`)."
    )]
    NoSignature { found: String },
    #[error(
        "The signature {excerpt:?} has {len} characters, {problem}; a JS-SDK signature is a SHA-1: exactly 40 \
         hexadecimal characters. The paste may be cut off or hold another field's value: copy it again from \
         the console or the network response."
    )]
    NotASignature { excerpt: String, len: usize, problem: &'static str },
    #[error(
        "Found the signature but no {}. The signature can only be checked against the exact nonceStr \
         and timestamp it was made with: paste the whole object the signing function returned, or add the \
         missing lines (`nonceStr: ...`, `timestamp: ...`).",
        .missing.join(" and ")
    )]
    MissingFields { missing: Vec<&'static str> },
}

impl ParseError {
    /// Stable machine-readable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            ParseError::Empty => "empty",
            ParseError::NothingRecognised { .. } => "nothing_recognised",
            ParseError::NoSignature { .. } => "no_signature",
            ParseError::NotASignature { .. } => "not_a_signature",
            ParseError::MissingFields { .. } => "missing_fields",
        }
    }

    /// The same message in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            ParseError::Empty => "没有粘贴内容。请粘贴 getConfigSignature/getAgentConfigSignature 返回的对象、打印它的控制台行、\
                后端的 JSON 响应，或 `signature=...` 这样的字段行。"
                .into(),
            ParseError::NothingRecognised { excerpt } => format!(
                "粘贴的内容（开头是 {excerpt:?}）里没有找到签名字段。wwdev 会查找 `signature`、`nonceStr` 和 `timestamp`。\
                 请粘贴签名函数返回的对象、打印它的控制台行、后端的 JSON 响应，或 `signature=...`、`nonceStr: ...`、`timestamp: ...` 这样的字段行。"
            ),
            ParseError::NoSignature { found } => format!(
                "找到了 {found}，但没有 `signature`。没有签名就无从诊断：请粘贴签名函数返回的完整对象（包含 `signature`、`nonceStr`、`timestamp`）。"
            ),
            ParseError::NotASignature { excerpt, len, problem } => format!(
                "签名 {excerpt:?} 有 {len} 个字符（{}）；JS-SDK 签名是 SHA-1：恰好 40 个十六进制字符。粘贴的内容可能被截断或是别的字段，请从控制台或网络响应重新复制。",
                match *problem {
                    "not 40" => "长度不是 40",
                    _ => "含有非十六进制字符",
                }
            ),
            ParseError::MissingFields { missing } => format!(
                "找到了签名，但缺少 {}。签名只能用生成它时的 nonceStr 和 timestamp 校验：请粘贴签名函数返回的完整对象，或补上缺少的行（`nonceStr: ...`、`timestamp: ...`）。",
                missing.join(" 和 ")
            ),
        }
    }
}

impl Serialize for ParseError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ParseError", 3)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("message", &self.to_string())?;
        st.serialize_field("messageZh", &self.message_zh())?;
        st.end()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Signature,
    Nonce,
    Timestamp,
    Url,
    Ticket,
    RegNonce,
    RegTimestamp,
    String1,
}

fn field_of(key: &str) -> Option<Field> {
    let k: String = key
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '"' | '\'' | '`' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    // Accept dotted paths such as `data.signature`.
    let k = k.rsplit('.').next().unwrap_or(&k);
    Some(match k {
        "signature" | "sign" | "sig" | "jsapisignature" => Field::Signature,
        "noncestr" | "nonce" => Field::Nonce,
        "timestamp" | "ts" | "timestr" => Field::Timestamp,
        "url" | "href" | "pageurl" | "signurl" | "locationhref" => Field::Url,
        "jsapiticket" | "ticket" => Field::Ticket,
        "registernoncestr" | "registernonce" => Field::RegNonce,
        "registertimestamp" => Field::RegTimestamp,
        "string1" | "str1" | "signstring" | "rawstring" | "plaintext" => Field::String1,
        _ => return None,
    })
}

fn field_name(f: Field) -> &'static str {
    match f {
        Field::Signature => "signature",
        Field::Nonce => "nonceStr",
        Field::Timestamp => "timestamp",
        Field::Url => "url",
        Field::Ticket => "ticket",
        Field::RegNonce => "registerNonceStr",
        Field::RegTimestamp => "registerTimestamp",
        Field::String1 => "string1",
    }
}

/// One object (or the loose lines outside objects) and what it holds.
#[derive(Debug, Default)]
struct Record {
    fields: Vec<(Field, String)>,
    /// The key this object was the value of (`data`, `agentConfig`), lowercase.
    parent_key: String,
    /// Whether the text just before the object hands it to registration.
    is_register: bool,
}

impl Record {
    fn get(&self, f: Field) -> Option<&str> {
        self.fields.iter().find(|(g, _)| *g == f).map(|(_, v)| v.as_str())
    }
    fn push(&mut self, key: &str, value: String) {
        match field_of(key) {
            Some(Field::String1) => push_string1(self, &value),
            Some(f) if self.get(f).is_none() => self.fields.push((f, value)),
            _ => {}
        }
    }
}

/// `jsapi_ticket=T&noncestr=N&timestamp=TS&url=URL`: the URL takes the rest, since it
/// may hold `&` itself.
fn push_string1(rec: &mut Record, s: &str) {
    let mut rest = s;
    while !rest.is_empty() {
        let Some(eq) = rest.find('=') else { break };
        let key = &rest[..eq];
        let after = &rest[eq + 1..];
        let is_url = matches!(field_of(key), Some(Field::Url));
        let (value, next) = if is_url {
            (after, "")
        } else {
            match after.find('&') {
                Some(a) => (&after[..a], &after[a + 1..]),
                None => (after, ""),
            }
        };
        if !matches!(field_of(key), Some(Field::String1)) {
            rec.push(key, value.to_owned());
        }
        rest = next;
    }
}

struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    records: Vec<Record>,
}

impl<'a> Parser<'a> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c.is_ascii_whitespace() {
                self.i += 1;
            } else if self.b[self.i..].starts_with(b"//") {
                while self.i < self.b.len() && self.b[self.i] != b'\n' {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    /// A quoted string starting at the quote; returns the unescaped value.
    fn string(&mut self) -> String {
        let q = self.b[self.i];
        self.i += 1;
        let mut out = String::new();
        while self.i < self.b.len() {
            let rest = &self.s[self.i..];
            let c = rest.chars().next().unwrap_or('\0');
            self.i += c.len_utf8();
            if c as u32 == q as u32 {
                return out;
            }
            if c == '\\' {
                let Some(e) = self.s[self.i..].chars().next() else { break };
                self.i += e.len_utf8();
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    'u' => {
                        let hex = self.s.get(self.i..self.i + 4).unwrap_or("");
                        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                            Some(ch) => {
                                out.push(ch);
                                self.i += 4;
                            }
                            None => out.push('u'),
                        }
                    }
                    other => out.push(other),
                }
            } else {
                out.push(c);
            }
        }
        out // cut-off string: keep what we have
    }

    /// A bare token (number, identifier, unquoted value) up to a delimiter.
    fn bare(&mut self) -> String {
        let start = self.i;
        while self.i < self.b.len() && !matches!(self.b[self.i], b',' | b'}' | b']' | b'\n' | b'\r') {
            self.i += 1;
        }
        self.s[start..self.i].trim().to_owned()
    }

    fn key(&mut self) -> Option<String> {
        match self.peek()? {
            b'"' | b'\'' | b'`' => Some(self.string()),
            _ => {
                let start = self.i;
                while self.i < self.b.len()
                    && (self.b[self.i].is_ascii_alphanumeric() || matches!(self.b[self.i], b'_' | b'$' | b'-' | b'.'))
                {
                    self.i += 1;
                }
                (self.i > start).then(|| self.s[start..self.i].to_owned())
            }
        }
    }

    /// Parse an object starting at `{`, recording it (and nested objects).
    /// Never fails: stops at the end of input or the matching `}`.
    fn object(&mut self, parent_key: &str, is_register: bool) {
        self.i += 1; // `{`
        let idx = self.records.len();
        self.records.push(Record { parent_key: parent_key.to_lowercase(), is_register, ..Default::default() });
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some(b'}') => {
                    self.i += 1;
                    return;
                }
                Some(b',') => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let Some(key) = self.key() else {
                // Not a key: skip one char so we always make progress.
                let c = self.s[self.i..].chars().next().map_or(1, char::len_utf8);
                self.i += c;
                continue;
            };
            self.skip_ws();
            if !matches!(self.peek(), Some(b':') | Some(b'=')) {
                continue; // shorthand property (`{ nonceStr }`) or junk
            }
            self.i += 1;
            self.skip_ws();
            match self.peek() {
                None => return,
                Some(b'{') => self.object(&key, is_register || key.to_lowercase().contains("register")),
                Some(b'[') => self.array(&key, is_register),
                Some(b'"' | b'\'' | b'`') => {
                    let v = self.string();
                    self.records[idx].push(&key, v);
                }
                Some(_) => {
                    let v = self.bare();
                    self.records[idx].push(&key, v);
                }
            }
        }
    }

    fn array(&mut self, key: &str, is_register: bool) {
        self.i += 1;
        loop {
            self.skip_ws();
            match self.peek() {
                None => return,
                Some(b']') => {
                    self.i += 1;
                    return;
                }
                Some(b'{') => self.object(key, is_register),
                Some(b'[') => self.array(key, is_register),
                Some(b'"' | b'\'' | b'`') => {
                    self.string();
                }
                Some(_) => {
                    self.i += 1;
                }
            }
        }
    }
}

/// Register context: the object is passed to `ww.register(...)` / `wx.config(...)`.
fn register_context(before: &str) -> bool {
    let tail: String = before.chars().rev().take(40).collect::<Vec<_>>().into_iter().rev().collect();
    let t = tail.to_lowercase();
    ["register", "wx.config(", "wx.agentconfig(", "ww.config(", "ww.agentconfig("]
        .iter()
        .any(|k| t.contains(k))
}

/// Parse loose lines: `key: value`, `key = value`, `a=1&b=2`, `jsapi_ticket=...&url=...`.
fn loose_line(rec: &mut Record, line: &str) {
    let line = line.trim();
    let Some(pos) = line.find([':', '=']) else {
        return;
    };
    let key = line[..pos].trim().trim_matches(|c| matches!(c, '"' | '\'' | '`'));
    if key.is_empty() || key.contains(char::is_whitespace) {
        return;
    }
    if line.as_bytes()[pos] == b'=' && line.contains('&') {
        push_string1(rec, line);
        return;
    }
    let mut value = line[pos + 1..].trim();
    value = value.strip_suffix(',').unwrap_or(value).trim_end();
    let value = unquote(value);
    rec.push(key, value);
}

fn unquote(v: &str) -> String {
    for q in ['"', '\'', '`'] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return v[1..v.len() - 1].to_owned();
        }
    }
    v.to_owned()
}

fn is_hex40(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn excerpt(s: &str, n: usize) -> String {
    let mut out: String = s.trim().chars().take(n).collect();
    if s.trim().chars().count() > n {
        out.push('…');
    }
    out
}

fn kind_from(text: &str) -> Option<Kind> {
    let t = text.to_lowercase();
    if t.contains("agentconfig") || t.contains("agent_config") || t.contains("agent config") {
        Some(Kind::AgentConfig)
    } else if t.contains("config") {
        Some(Kind::Config)
    } else {
        None
    }
}

/// Read what the user pasted. See the module docs for the accepted shapes.
pub fn parse_pasted(text: &str) -> Result<Pasted, ParseError> {
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let mut p = Parser { s: text, b: text.as_bytes(), i: 0, records: Vec::new() };
    let mut loose = String::new();
    while p.i < p.b.len() {
        if p.b[p.i] == b'{' {
            let reg = register_context(&text[..p.i]);
            p.object("", reg);
            loose.push('\n');
        } else {
            let c = text[p.i..].chars().next().unwrap_or(' ');
            loose.push(c);
            p.i += c.len_utf8();
        }
    }
    let mut records = p.records;
    let mut loose_rec = Record::default();
    for line in loose.lines() {
        loose_line(&mut loose_rec, line);
    }
    if !loose_rec.fields.is_empty() {
        records.push(loose_rec);
    }

    // A bare 40-hex token counts as the signature when no key names one.
    if !records.iter().any(|r| r.get(Field::Signature).is_some()) {
        let tokens: Vec<&str> = text
            .split(|c: char| !c.is_ascii_hexdigit())
            .filter(|t| is_hex40(t))
            .collect();
        if tokens.len() == 1 {
            let mut r = Record::default();
            r.fields.push((Field::Signature, tokens[0].to_owned()));
            records.push(r);
        }
    }

    let found: Vec<&'static str> = {
        let mut v: Vec<&'static str> = Vec::new();
        for r in &records {
            for (f, _) in &r.fields {
                if !v.contains(&field_name(*f)) {
                    v.push(field_name(*f));
                }
            }
        }
        v
    };
    if found.is_empty() {
        return Err(ParseError::NothingRecognised { excerpt: excerpt(text, 40) });
    }

    // The signing record: the first one with a signature that is not being handed to
    // registration; otherwise the first one with a signature.
    let with_sig: Vec<usize> = (0..records.len()).filter(|&i| records[i].get(Field::Signature).is_some()).collect();
    let Some(&sign_idx) = with_sig
        .iter()
        .find(|&&i| !records[i].is_register)
        .or_else(|| with_sig.first())
    else {
        return Err(ParseError::NoSignature { found: found.join(", ") });
    };

    // The register record: one in register context, else a later object holding
    // nonce/timestamp (the "two objects" paste: signing values, then the config).
    let is_obj = |r: &Record| r.get(Field::Nonce).is_some() || r.get(Field::Timestamp).is_some();
    let reg_idx = (0..records.len())
        .find(|&i| i != sign_idx && records[i].is_register && is_obj(&records[i]))
        .or_else(|| (sign_idx + 1..records.len()).find(|&i| is_obj(&records[i]) && records[i].get(Field::Signature).is_some()));

    let sr = &records[sign_idx];
    let mut out = Pasted {
        signature: sr.get(Field::Signature).map(str::to_owned),
        nonce_str: sr.get(Field::Nonce).map(str::to_owned),
        timestamp: sr.get(Field::Timestamp).map(str::to_owned),
        url: sr.get(Field::Url).map(str::to_owned),
        ticket: sr.get(Field::Ticket).map(str::to_owned),
        kind_hint: kind_from(&sr.parent_key),
        register_nonce: None,
        register_timestamp: None,
    };
    // Fill gaps from the other (non-register) records, e.g. `url` at the top level of
    // a response whose `data` holds the signature.
    for (i, r) in records.iter().enumerate() {
        if i == sign_idx || Some(i) == reg_idx {
            continue;
        }
        for (slot, f) in [
            (&mut out.nonce_str, Field::Nonce),
            (&mut out.timestamp, Field::Timestamp),
            (&mut out.url, Field::Url),
            (&mut out.ticket, Field::Ticket),
        ] {
            if slot.is_none() {
                *slot = r.get(f).map(str::to_owned);
            }
        }
    }
    for r in &records {
        if out.register_nonce.is_none() {
            out.register_nonce = r.get(Field::RegNonce).map(str::to_owned);
        }
        if out.register_timestamp.is_none() {
            out.register_timestamp = r.get(Field::RegTimestamp).map(str::to_owned);
        }
    }
    if let Some(ri) = reg_idx {
        let r = &records[ri];
        out.register_nonce = out.register_nonce.or_else(|| r.get(Field::Nonce).map(str::to_owned));
        out.register_timestamp = out.register_timestamp.or_else(|| r.get(Field::Timestamp).map(str::to_owned));
    }
    if out.kind_hint.is_none() {
        out.kind_hint = kind_from(text);
    }

    let sig = out.signature.as_deref().unwrap_or("").trim();
    if !is_hex40(sig) {
        let len = sig.chars().count();
        return Err(ParseError::NotASignature {
            excerpt: excerpt(sig, 48),
            len,
            problem: if len != 40 { "not 40" } else { "not hexadecimal" },
        });
    }
    let mut missing = Vec::new();
    if out.nonce_str.is_none() && out.register_nonce.is_none() {
        missing.push("nonceStr");
    }
    if out.timestamp.is_none() && out.register_timestamp.is_none() {
        missing.push("timestamp");
    }
    if !missing.is_empty() {
        return Err(ParseError::MissingFields { missing });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIG: &str = "0f9de62fce790f9a083d5c99e95740ceb90c27ed";

    #[test]
    fn js_object_literal() {
        let p = parse_pasted(&format!("{{timestamp: 1700000000, nonceStr: 'abc', signature: \"{SIG}\",}}")).unwrap();
        assert_eq!(p.timestamp.as_deref(), Some("1700000000"));
        assert_eq!(p.nonce_str.as_deref(), Some("abc"));
        assert_eq!(p.signature.as_deref(), Some(SIG));
    }

    #[test]
    fn console_line_gives_kind() {
        let p = parse_pasted(&format!("getAgentConfigSignature :>> {{timestamp: 1, nonceStr: 'n', signature: '{SIG}'}}"))
            .unwrap();
        assert_eq!(p.kind_hint, Some(Kind::AgentConfig));
        let p = parse_pasted(&format!("config sign {{timestamp: 1, nonceStr: 'n', signature: '{SIG}'}}")).unwrap();
        assert_eq!(p.kind_hint, Some(Kind::Config));
    }

    #[test]
    fn nested_json_with_key_variants() {
        let p = parse_pasted(&format!(
            r#"{{"code":0,"data":{{"appId":"ww1","timestamp":"1700000000","nonce_str":" x ","signature":"{SIG}","url":"https://a.com/p?x=1&y=2","jsapi_ticket":"T"}}}}"#
        ))
        .unwrap();
        assert_eq!(p.nonce_str.as_deref(), Some(" x "));
        assert_eq!(p.url.as_deref(), Some("https://a.com/p?x=1&y=2"));
        assert_eq!(p.ticket.as_deref(), Some("T"));
    }

    #[test]
    fn loose_lines_and_string1() {
        let p = parse_pasted(&format!(
            "signature={SIG}\njsapi_ticket=T&noncestr=N&timestamp=1700000000&url=https://a.com/?a=1&b=2\n"
        ))
        .unwrap();
        assert_eq!(p.url.as_deref(), Some("https://a.com/?a=1&b=2"));
        assert_eq!(p.nonce_str.as_deref(), Some("N"));
        let p = parse_pasted(&format!("nonceStr: abc\ntimestamp: 17\nsignature: {SIG}\nurl: https://a.com/x")).unwrap();
        assert_eq!(p.url.as_deref(), Some("https://a.com/x"));
    }

    #[test]
    fn two_objects_give_register_values() {
        let p = parse_pasted(&format!(
            "{{timestamp: 1700000000, nonceStr: 'abc', signature: '{SIG}'}}\nww.register({{corpId: 'ww1', timestamp: 1700000001, nonceStr: 'abd'}})"
        ))
        .unwrap();
        assert_eq!(p.register_nonce.as_deref(), Some("abd"));
        assert_eq!(p.register_timestamp.as_deref(), Some("1700000001"));
        assert_eq!(p.nonce_str.as_deref(), Some("abc"));
    }

    #[test]
    fn garbage_is_explained() {
        assert_eq!(parse_pasted("  "), Err(ParseError::Empty));
        assert!(matches!(parse_pasted("hello world"), Err(ParseError::NothingRecognised { .. })));
        assert!(matches!(parse_pasted("{nonceStr: 'x'}"), Err(ParseError::NoSignature { .. })));
        assert!(matches!(parse_pasted("{signature: 'abc'}"), Err(ParseError::NotASignature { .. })));
        assert!(matches!(parse_pasted(&format!("{{signature: '{SIG}'}}")), Err(ParseError::MissingFields { .. })));
        let e = parse_pasted("{signature: 'abc'}").unwrap_err();
        assert!(e.to_string().contains("40"));
    }

    #[test]
    fn missing_fields_are_listed_in_each_language() {
        let e = parse_pasted(&format!("{{signature: '{SIG}'}}")).unwrap_err();
        assert!(e.to_string().contains("no nonceStr and timestamp."), "{e}");
        let zh = e.message_zh();
        assert!(zh.contains("缺少 nonceStr 和 timestamp。"), "{zh}");
        assert_eq!(crate::error::english_in(&zh), None, "{zh}");
    }

    #[test]
    fn cut_off_object_is_still_read() {
        let p = parse_pasted(&format!("{{timestamp: 1700000000, nonceStr: 'abc', signature: '{SIG}'")).unwrap();
        assert_eq!(p.signature.as_deref(), Some(SIG));
    }
}
