use wwdev_core::errcode;

use crate::types::ErrcodeEntry;

pub fn entry(e: &errcode::ErrcodeEntry) -> ErrcodeEntry {
    ErrcodeEntry {
        code: e.code,
        name: e.name.into(),
        meaning_zh: e.meaning_zh.into(),
        meaning_en: e.meaning_en.into(),
        cause_zh: e.cause_zh.into(),
        cause_en: e.cause_en.into(),
        fix_zh: e.fix_zh.into(),
        fix_en: e.fix_en.into(),
        source: e.source.into(),
        doc_url: errcode::doc_url(e.code),
    }
}

/// Matching entries; an empty query lists the whole catalogue.
pub fn search(query: &str) -> Vec<ErrcodeEntry> {
    if query.trim().is_empty() {
        errcode::all().iter().map(entry).collect()
    } else {
        errcode::search(query).into_iter().map(entry).collect()
    }
}

pub fn get(code: i64) -> Option<ErrcodeEntry> {
    errcode::lookup(code).map(entry)
}
