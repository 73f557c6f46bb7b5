//! The string1 comparison: what should have been signed, what was signed, and the
//! inputs field by field.

use super::search::{LAYOUTS, Match};
use super::space::SearchSpace;
use super::{Expected, Explained, FieldCheck, TicketCandidate, TicketInfo, TicketKind};
use crate::secret::mask;
use crate::signature::{sha1_hex, string1};

/// First differing char index (`None` when equal). A prefix differs at its end.
pub fn first_diff(a: &str, b: &str) -> Option<usize> {
    let mut a_chars = a.chars();
    let mut b_chars = b.chars();
    let mut i = 0;
    loop {
        match (a_chars.next(), b_chars.next()) {
            (None, None) => return None,
            (x, y) if x != y => return Some(i),
            _ => i += 1,
        }
    }
}

/// The ticket as shown in string1 outputs: masked, plus a short fingerprint so two
/// different tickets never look the same.
pub(super) fn masked_ticket(ticket: &str) -> String {
    format!("{}~{}", mask(ticket), &sha1_hex(ticket)[..6])
}

/// What the signature should be, signed with wwdev's current ticket of `kind`.
pub(super) fn expected(space: &SearchSpace, kind: TicketKind, current: &TicketCandidate) -> Expected {
    let ticket = current.value.expose();
    let real = string1(ticket, &space.nonce, &space.timestamp, &space.base_url);
    Expected {
        ticket_kind: kind,
        ticket: TicketInfo::of(current),
        nonce_str: space.nonce.clone(),
        timestamp: space.timestamp.clone(),
        url_signed: space.base_url.clone(),
        string1: string1(&masked_ticket(ticket), &space.nonce, &space.timestamp, &space.base_url),
        signature: sha1_hex(&real),
    }
}

/// The string1 of the best match (ticket masked like [`expected`]'s).
pub(super) fn explained(space: &SearchSpace, best: &Match, expected: Option<&Expected>, signature: &str) -> Explained {
    let layout = &LAYOUTS[best.layout];
    let signed = format!(
        "jsapi_ticket={}{}{}{}{}{}{}",
        masked_ticket(&space.tickets.list[best.ticket].value),
        layout.nonce_key,
        space.nonces.list[best.nonce].value,
        layout.timestamp_key,
        space.timestamps.list[best.timestamp].value,
        layout.url_key,
        space.urls.list[best.url].value
    );
    Explained {
        first_diff_index: expected.and_then(|e| first_diff(&e.string1, &signed)),
        string1: signed,
        signature: signature.to_owned(),
    }
}

/// Each input beside its right value.
pub(super) fn field_checks(
    space: &SearchSpace,
    expected: Option<&Expected>,
    current: Option<&TicketCandidate>,
    best: Option<&Match>,
    signature_raw: &str,
) -> Vec<FieldCheck> {
    let input = space.input;
    let pasted = &input.pasted;
    let mut fields = Vec::new();
    if let Some(e) = expected {
        let expected_ticket = current.map(|c| masked_ticket(c.value.expose())).unwrap_or_default();
        let got = best.map_or_else(|| "?".to_owned(), |m| masked_ticket(&space.tickets.list[m.ticket].value));
        fields.push(FieldCheck { name: "ticket", ok: got == expected_ticket, expected: expected_ticket, got });
        fields.push(FieldCheck {
            name: "signature",
            expected: e.signature.clone(),
            got: signature_raw.to_owned(),
            ok: e.signature == signature_raw,
        });
    }
    for (name, got) in [("nonceStr", pasted.nonce_str.as_ref()), ("register.nonceStr", input.registered_nonce())] {
        if let Some(g) = got {
            fields.push(FieldCheck { name, expected: space.nonce.clone(), got: g.clone(), ok: *g == space.nonce });
        }
    }
    for (name, got) in [("timestamp", pasted.timestamp.as_ref()), ("register.timestamp", input.registered_timestamp())] {
        if let Some(g) = got {
            fields.push(FieldCheck {
                name,
                expected: space.timestamp.clone(),
                got: g.clone(),
                ok: *g == space.timestamp,
            });
        }
    }
    let got_url = best.map(|m| space.urls.list[m.url].value.clone()).or_else(|| pasted.url.clone());
    if let Some(g) = got_url {
        fields.push(FieldCheck { name: "url", ok: g == space.base_url, expected: space.base_url.clone(), got: g });
    }
    fields
}
