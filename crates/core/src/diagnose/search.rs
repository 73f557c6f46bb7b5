//! The cause search: every combination of variants with at most [`MAX_DEVIATIONS`]
//! mistakes in all, fewest first, SHA-1 state shared along common prefixes.

use sha1::{Digest, Sha1};

use super::MAX_DEVIATIONS;
use super::mistake::Mistake;
use super::space::SearchSpace;

/// How string1 joins its parts: `jsapi_ticket=T&noncestr=N&timestamp=TS&url=U`, or a
/// mangled form of that template.
pub(super) struct Layout {
    pub nonce_key: &'static str,
    pub timestamp_key: &'static str,
    pub url_key: &'static str,
    pub mistakes: &'static [Mistake],
}

pub(super) const LAYOUTS: &[Layout] = &[
    Layout { nonce_key: "&noncestr=", timestamp_key: "&timestamp=", url_key: "&url=", mistakes: &[] },
    Layout {
        nonce_key: "&noncestr=",
        timestamp_key: "×tamp=",
        url_key: "&url=",
        mistakes: &[Mistake::TimesEntityTemplate],
    },
    Layout {
        nonce_key: "&amp;noncestr=",
        timestamp_key: "&amp;timestamp=",
        url_key: "&amp;url=",
        mistakes: &[Mistake::AmpEscapedTemplate],
    },
    Layout {
        nonce_key: "&nonceStr=",
        timestamp_key: "&timestamp=",
        url_key: "&url=",
        mistakes: &[Mistake::TemplateKeyCase],
    },
];

/// A candidate that reproduces the signature: indexes into the space's variant lists
/// and [`LAYOUTS`], and all its mistakes.
pub(super) struct Match {
    pub ticket: usize,
    pub layout: usize,
    pub nonce: usize,
    pub timestamp: usize,
    pub url: usize,
    pub mistakes: Vec<Mistake>,
}

impl Match {
    /// Points at the first (right) variant of everything: for causes found without a match.
    pub fn none() -> Match {
        Match { ticket: 0, layout: 0, nonce: 0, timestamp: 0, url: 0, mistakes: vec![] }
    }
}

/// Level-by-level search (0 mistakes, then 1, then 2) for candidates whose SHA-1 is
/// `target`; stops at the first level that has any.
pub(super) fn search(space: &SearchSpace, target: &[u8; 20]) -> Vec<Match> {
    let mut found = Vec::new();
    for level in 0..=MAX_DEVIATIONS {
        for (ticket_i, ticket) in space.tickets.list.iter().enumerate() {
            let after_ticket = ticket.mistakes.len();
            if after_ticket > level {
                continue;
            }
            let mut ticket_hash = Sha1::new();
            ticket_hash.update(b"jsapi_ticket=");
            ticket_hash.update(ticket.value.as_bytes());
            for (layout_i, layout) in LAYOUTS.iter().enumerate() {
                let after_layout = after_ticket + layout.mistakes.len();
                if after_layout > level {
                    continue;
                }
                for (nonce_i, nonce) in space.nonces.list.iter().enumerate() {
                    let after_nonce = after_layout + nonce.mistakes.len();
                    if after_nonce > level {
                        continue;
                    }
                    let mut nonce_hash = ticket_hash.clone();
                    nonce_hash.update(layout.nonce_key.as_bytes());
                    nonce_hash.update(nonce.value.as_bytes());
                    nonce_hash.update(layout.timestamp_key.as_bytes());
                    for (timestamp_i, timestamp) in space.timestamps.list.iter().enumerate() {
                        let after_timestamp = after_nonce + timestamp.mistakes.len();
                        if after_timestamp > level {
                            continue;
                        }
                        let mut timestamp_hash = nonce_hash.clone();
                        timestamp_hash.update(timestamp.value.as_bytes());
                        timestamp_hash.update(layout.url_key.as_bytes());
                        for (url_i, url) in space.urls.list.iter().enumerate() {
                            if after_timestamp + url.mistakes.len() != level {
                                continue;
                            }
                            let mut hash = timestamp_hash.clone();
                            hash.update(url.value.as_bytes());
                            if hash.finalize().as_slice() == target {
                                let mut mistakes = ticket.mistakes.clone();
                                mistakes.extend_from_slice(layout.mistakes);
                                mistakes.extend_from_slice(&nonce.mistakes);
                                mistakes.extend_from_slice(&timestamp.mistakes);
                                mistakes.extend_from_slice(&url.mistakes);
                                found.push(Match {
                                    ticket: ticket_i,
                                    layout: layout_i,
                                    nonce: nonce_i,
                                    timestamp: timestamp_i,
                                    url: url_i,
                                    mistakes,
                                });
                            }
                        }
                    }
                }
            }
        }
        if !found.is_empty() {
            break;
        }
    }
    found
}
