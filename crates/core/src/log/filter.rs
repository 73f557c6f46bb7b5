//! Filters over the request log and their translation to SQL.

use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};

/// Which outcomes to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrcodeFilter {
    /// Everything.
    #[default]
    Any,
    /// Calls that succeeded: a response arrived, HTTP 2xx, errcode 0 or absent.
    Ok,
    /// Calls that failed in any way: transport error, HTTP status outside 2xx,
    /// or an errcode other than 0.
    AnyError,
    /// Exactly this errcode.
    Code(i64),
}

/// What to show. Every field narrows the set; `Default` shows everything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LogFilter {
    /// Exact profile name.
    pub profile: Option<String>,
    /// Case-insensitive substring of the path (`user/` matches `/cgi-bin/user/get`).
    pub path_contains: Option<String>,
    /// Exact path, e.g. `/cgi-bin/gettoken`.
    pub endpoint: Option<String>,
    pub errcode: ErrcodeFilter,
    /// Inclusive lower bound on `time_ms`.
    pub since_ms: Option<i64>,
    /// Inclusive upper bound on `time_ms`.
    pub until_ms: Option<i64>,
    /// Free text typed by the user, searched in path, query, bodies and errmsg.
    /// Whitespace separates terms; every term must occur (as a substring,
    /// case-insensitive). Nothing in it is syntax: quotes, `*`, `-`, `AND`,
    /// `NEAR(` are searched for literally.
    pub text: Option<String>,
}

/// One page of a newest-first listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// Return entries with an id below this one (the last id of the previous
    /// page); `None` for the first page.
    pub before_id: Option<i64>,
    /// Page size, clamped to 1..=1000.
    pub limit: u32,
}

impl Page {
    pub fn first(limit: u32) -> Self {
        Self {
            before_id: None,
            limit,
        }
    }
}

/// Largest page; keeps one query's memory bounded.
pub const MAX_PAGE: u32 = 1000;

/// The trigram tokenizer indexes runs of this many characters; shorter terms
/// cannot use the index and fall back to a LIKE scan.
const TRIGRAM: usize = 3;

/// A WHERE clause with its parameters. `fts` is set when the query must join
/// the FTS table (aliased `f`); the requests table is aliased `r`.
pub(crate) struct Where {
    pub fts: Option<String>,
    pub sql: Vec<String>,
    pub params: Vec<SqlValue>,
}

impl Where {
    /// `FROM ... WHERE ...` for this filter.
    pub fn sql_from_where(&self) -> String {
        let from = if self.fts.is_some() {
            "requests_fts f JOIN requests r ON r.id = f.rowid"
        } else {
            "requests r"
        };
        if self.sql.is_empty() {
            format!("FROM {from}")
        } else {
            format!("FROM {from} WHERE {}", self.sql.join(" AND "))
        }
    }

    /// The id column to order and page by: the FTS rowid when joining, so
    /// SQLite can walk the full-text index newest first and stop at LIMIT.
    pub fn id_col(&self) -> &'static str {
        if self.fts.is_some() {
            "f.rowid"
        } else {
            "r.id"
        }
    }
}

/// Escape LIKE wildcards so user text matches literally (used with `ESCAPE '\'`).
fn like_pattern(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Turn user text into an FTS5 query that cannot be a syntax error, plus the
/// terms to verify. Whitespace separates terms. The index is built with
/// `detail=none` (no positions), so a term cannot be a phrase: each term of 3+
/// characters contributes its trigrams, every one a quoted string (embedded `"`
/// doubled), all ANDed. That selects a superset of the rows containing the
/// term; the caller checks the exact substring on those rows. Terms shorter
/// than a trigram have no index entry and are only checked by substring.
pub(crate) fn split_terms(text: &str) -> (Option<String>, Vec<String>) {
    let mut trigrams: Vec<String> = Vec::new();
    let mut terms = Vec::new();
    for term in text.split_whitespace() {
        let chars: Vec<char> = term.chars().collect();
        for w in chars.windows(TRIGRAM) {
            let q = format!("\"{}\"", w.iter().collect::<String>().replace('"', "\"\""));
            if !trigrams.contains(&q) {
                trigrams.push(q);
            }
        }
        terms.push(term.to_owned());
    }
    let fts = (!trigrams.is_empty()).then(|| trigrams.join(" "));
    (fts, terms)
}

pub(crate) fn build(filter: &LogFilter) -> Where {
    let mut w = Where {
        fts: None,
        sql: Vec::new(),
        params: Vec::new(),
    };
    if let Some(p) = &filter.profile {
        w.sql.push("r.profile = ?".into());
        w.params.push(SqlValue::Text(p.clone()));
    }
    if let Some(p) = filter.path_contains.as_deref().filter(|p| !p.is_empty()) {
        w.sql.push("r.path LIKE ? ESCAPE '\\'".into());
        w.params.push(SqlValue::Text(like_pattern(p)));
    }
    if let Some(p) = &filter.endpoint {
        w.sql.push("r.path = ?".into());
        w.params.push(SqlValue::Text(p.clone()));
    }
    match filter.errcode {
        ErrcodeFilter::Any => {}
        ErrcodeFilter::Ok => w.sql.push("r.failed = 0".into()),
        ErrcodeFilter::AnyError => w.sql.push("r.failed = 1".into()),
        ErrcodeFilter::Code(c) => {
            w.sql.push("r.errcode = ?".into());
            w.params.push(SqlValue::Integer(c));
        }
    }
    if let Some(t) = filter.since_ms {
        w.sql.push("r.time_ms >= ?".into());
        w.params.push(SqlValue::Integer(t));
    }
    if let Some(t) = filter.until_ms {
        w.sql.push("r.time_ms <= ?".into());
        w.params.push(SqlValue::Integer(t));
    }
    if let Some(text) = &filter.text {
        let (fts, terms) = split_terms(text);
        if let Some(q) = fts {
            w.sql.push("requests_fts MATCH ?".into());
            w.params.push(SqlValue::Text(q.clone()));
            w.fts = Some(q);
        }
        // Every term must occur as a substring of one column (ASCII
        // case-insensitive, like the trigram index).
        for term in terms {
            let cols = [
                "r.path",
                "r.query",
                "r.request_body",
                "r.response_body",
                "r.errmsg",
            ];
            let any = cols
                .iter()
                .map(|c| format!("{c} LIKE ? ESCAPE '\\'"))
                .collect::<Vec<_>>()
                .join(" OR ");
            w.sql.push(format!("({any})"));
            let pat = like_pattern(&term);
            w.params
                .extend(cols.iter().map(|_| SqlValue::Text(pat.clone())));
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_is_quoted() {
        let (fts, terms) = split_terms(r#""hi" AND x* NEAR( 张三丰丰"#);
        assert_eq!(
            fts.as_deref(),
            Some(r#""""hi" "hi""" "AND" "NEA" "EAR" "AR(" "张三丰" "三丰丰""#)
        );
        assert_eq!(terms, vec![r#""hi""#, "AND", "x*", "NEAR(", "张三丰丰"]);
        assert_eq!(
            split_terms("aaaa"),
            (Some(r#""aaa""#.to_string()), vec!["aaaa".to_string()])
        );
        assert_eq!(split_terms("   "), (None, vec![]));
    }

    #[test]
    fn like_wildcards_are_literal() {
        assert_eq!(like_pattern(r"50%_a\b"), r"%50\%\_a\\b%");
    }
}
