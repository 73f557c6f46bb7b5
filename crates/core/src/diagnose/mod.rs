//! Signature diagnosis: say exactly why the page's JS-SDK signature fails.
//!
//! The official checker only recomputes SHA-1. Here we search the mistakes backends
//! really make — wrong or old ticket, URL variants, millisecond timestamps, values
//! differing from the ones handed to `ww.register`, whitespace — and report the
//! combinations whose SHA-1 equals the pasted signature, fewest mistakes first.
//!
//! Bounded: at most [`MAX_DEVIATIONS`] composed mistakes, searched level by level
//! (0, then 1, then 2) so a correct signature costs one hash, and SHA-1 state is
//! shared for common prefixes (`jsapi_ticket=T`, then `&noncestr=N&timestamp=TS&url=`).
//!
//! Files: `report` (the public input and output types), `parse` (reading a paste),
//! `space` (the variants of each string1 part), `urls` (the URL manglings), `mistake`,
//! `search` (the cause search), `compare` (expected vs signed string1, field checks),
//! `causes` and `texts` (what each mistake means, in two languages), `findings`
//! (next checks, what is certainly right).

mod causes;
mod compare;
mod findings;
mod mistake;
mod parse;
mod report;
mod search;
mod space;
mod texts;
mod urls;

pub use compare::first_diff;
pub use parse::{ParseError, Pasted, parse_pasted};
pub use report::{
    CAUSE_IDS, Cause, Confidence, DiagnoseInput, Diagnosis, Expected, Explained, FieldCheck, Kind, MAX_DEVIATIONS,
    TicketCandidate, TicketInfo, TicketKind,
};

use mistake::Mistake;

fn parse_sha1_hex(s: &str) -> Option<[u8; 20]> {
    let bytes = hex::decode(s).ok()?;
    bytes.try_into().ok()
}

/// Why the signature is (or is not) right. Never panics, whatever the input.
pub fn diagnose(input: &DiagnoseInput) -> Diagnosis {
    let pasted = &input.pasted;
    let wanted_kind =
        TicketKind::for_kind(input.kind).or_else(|| pasted.kind_hint.and_then(TicketKind::for_kind));
    let signature_raw = pasted.signature.clone().unwrap_or_default();
    let signature = signature_raw.trim().to_ascii_lowercase();
    let mut d = Diagnosis::empty();
    let target = parse_sha1_hex(&signature);
    let (Some(target), Some(space)) = (target, space::build(input, wanted_kind)) else {
        missing_inputs(input, target.is_none(), &mut d);
        return d;
    };

    let mut matches = search::search(&space, &target);
    // Mistakes every candidate has: on the register side and in the pasted signature.
    let mut common = space.register_mistakes.clone();
    if signature_raw != signature_raw.trim() {
        common.push(Mistake::WhitespaceSignature);
    }
    if signature_raw.trim() != signature {
        common.push(Mistake::SignatureCase);
    }
    for m in &mut matches {
        for mistake in &common {
            if !m.mistakes.contains(mistake) {
                m.mistakes.push(*mistake);
            }
        }
        m.mistakes.sort_by_key(|x| x.rank());
    }
    matches.sort_by_key(|m| (m.mistakes.len(), m.mistakes.iter().map(|x| x.rank()).sum::<usize>()));

    // The kind to compare against: asked, hinted, or the one that explains it.
    let kind = wanted_kind
        .or_else(|| {
            matches.first().and_then(|m| space.tickets.list[m.ticket].ticket_index).map(|i| input.tickets[i].kind)
        })
        .unwrap_or_else(|| {
            let has = |k| {
                input.tickets.iter().any(|t| t.kind == k && t.is_current && t.profile == input.active_profile)
            };
            if !has(TicketKind::Corp) && has(TicketKind::Agent) { TicketKind::Agent } else { TicketKind::Corp }
        });
    let current = input
        .tickets
        .iter()
        .find(|t| t.kind == kind && t.is_current && t.profile == input.active_profile);
    d.expected = current.map(|c| compare::expected(&space, kind, c));

    let best = matches.first();
    d.valid = best.is_some_and(|m| m.mistakes.is_empty())
        && d.expected.as_ref().is_none_or(|e| e.signature == signature);
    d.explained = best.map(|m| compare::explained(&space, m, d.expected.as_ref(), &signature));
    d.fields = compare::field_checks(&space, d.expected.as_ref(), current, best, &signature_raw);

    if !d.valid {
        let mut reported: Vec<&'static str> = Vec::new();
        for m in matches.iter().filter(|m| m.mistakes.len() == matches[0].mistakes.len()).take(6) {
            for mistake in &m.mistakes {
                if reported.contains(&mistake.id()) {
                    continue;
                }
                reported.push(mistake.id());
                d.causes.push(causes::describe(&space, m, *mistake, Confidence::Exact));
            }
        }
        if matches.is_empty() {
            findings::unexplained(&space, &mut d, kind, current);
        }
    }
    findings::certainly_right(&space, &mut d, kind, current, best.is_some());
    d
}

/// The diagnosis when the signature is malformed or a needed input is missing.
fn missing_inputs(input: &DiagnoseInput, bad_signature: bool, d: &mut Diagnosis) {
    let pasted = &input.pasted;
    // Each missing input named in English and in Chinese.
    let mut missing: Vec<(&str, &str)> = Vec::new();
    if bad_signature {
        missing.push(("signature (40 hex characters)", "signature（40 位十六进制字符）"));
    }
    if pasted.nonce_str.is_none() && pasted.register_nonce.is_none() && input.register_nonce.is_none() {
        missing.push(("nonceStr", "nonceStr"));
    }
    if pasted.timestamp.is_none() && pasted.register_timestamp.is_none() && input.register_timestamp.is_none() {
        missing.push(("timestamp", "timestamp"));
    }
    if input.page_url.trim().is_empty() && pasted.url.is_none() {
        missing.push(("page URL (location.href)", "页面 URL（location.href）"));
    }
    let en = missing.iter().map(|m| m.0).collect::<Vec<_>>().join(", ");
    let zh = missing.iter().map(|m| m.1).collect::<Vec<_>>().join("、");
    d.causes.push(causes::unknown(
        Confidence::Hint,
        format!("缺少诊断所需的输入：{zh}。"),
        format!("Inputs needed for the diagnosis are missing: {en}."),
    ));
    d.next_checks_en.push(format!("Provide: {en}."));
    d.next_checks_zh.push(format!("请补充：{zh}。"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::english_in;

    /// A signature alone: every other input is missing, named in the reader's language.
    #[test]
    fn missing_inputs_are_named_in_each_language() {
        for (signature, names_en, names_zh) in [
            (
                "not-a-signature",
                "signature (40 hex characters), nonceStr, timestamp, page URL (location.href)",
                "signature（40 位十六进制字符）、nonceStr、timestamp、页面 URL（location.href）",
            ),
            ("0f9de62fce790f9a083d5c99e95740ceb90c27ed", "nonceStr, timestamp, page URL (location.href)", "nonceStr、timestamp、页面 URL（location.href）"),
        ] {
            let input = DiagnoseInput {
                pasted: Pasted { signature: Some(signature.into()), ..Default::default() },
                ..Default::default()
            };
            let d = diagnose(&input);
            assert!(!d.valid);
            let c = &d.causes[0];
            assert_eq!(c.detail_en, format!("Inputs needed for the diagnosis are missing: {names_en}."));
            assert_eq!(c.detail_zh, format!("缺少诊断所需的输入：{names_zh}。"));
            assert_eq!(d.next_checks_zh, vec![format!("请补充：{names_zh}。")]);
            assert_eq!(d.next_checks_en, vec![format!("Provide: {names_en}.")]);
            for zh in [&c.detail_zh, &d.next_checks_zh[0]] {
                assert_eq!(english_in(zh), None, "{zh}");
            }
        }
    }
}
