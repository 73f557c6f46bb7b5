//! The search space: for each part of string1 (ticket, nonceStr, timestamp, URL) the
//! values a backend may have signed, each with the mistakes that produce it.

use std::collections::HashMap;

use super::mistake::{Mistake, plus};
use super::{DiagnoseInput, MAX_DEVIATIONS, TicketKind, urls};
use crate::signature::strip_fragment;

/// One value a part of string1 may have had.
pub(super) struct Variant {
    pub value: String,
    pub mistakes: Vec<Mistake>,
    /// Index into `input.tickets`, for ticket variants.
    pub ticket_index: Option<usize>,
}

/// Variants of one part, without duplicates (the first, i.e. simplest, explanation wins).
#[derive(Default)]
pub(super) struct Variants {
    pub list: Vec<Variant>,
    /// Value → index into `list`.
    pub index_of: HashMap<String, usize>,
}

impl Variants {
    pub fn add(&mut self, value: String, mistakes: Vec<Mistake>, ticket_index: Option<usize>) {
        if mistakes.len() > MAX_DEVIATIONS {
            return;
        }
        match self.index_of.get(&value) {
            Some(&i) if self.list[i].mistakes.len() <= mistakes.len() => {}
            Some(&i) => {
                self.list[i].mistakes = mistakes;
                self.list[i].ticket_index = ticket_index;
            }
            None => {
                self.index_of.insert(value.clone(), self.list.len());
                self.list.push(Variant { value, mistakes, ticket_index });
            }
        }
    }
}

/// The prepared search space.
pub(super) struct SearchSpace<'a> {
    pub input: &'a DiagnoseInput,
    /// The ticket kind the registration needs, when known.
    pub wanted_kind: Option<TicketKind>,
    pub tickets: Variants,
    pub nonces: Variants,
    pub timestamps: Variants,
    pub urls: Variants,
    /// The right values: what was handed to `ww.register`, trimmed, in seconds.
    pub nonce: String,
    pub timestamp: String,
    /// The page URL without its fragment: what WeCom checks.
    pub base_url: String,
    /// Problems on the `ww.register` side, present whatever was signed.
    pub register_mistakes: Vec<Mistake>,
}

impl DiagnoseInput {
    /// The nonceStr handed to `ww.register`, when known.
    pub(super) fn registered_nonce(&self) -> Option<&String> {
        self.register_nonce.as_ref().or(self.pasted.register_nonce.as_ref())
    }
    /// The timestamp handed to `ww.register`, when known.
    pub(super) fn registered_timestamp(&self) -> Option<&String> {
        self.register_timestamp.as_ref().or(self.pasted.register_timestamp.as_ref())
    }
}

pub(super) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// 13+ digits: `Date.now()` rather than seconds.
pub(super) fn is_milliseconds(s: &str) -> bool {
    is_digits(s) && s.len() >= 13
}

pub(super) fn to_seconds(s: &str) -> String {
    if is_milliseconds(s) { s[..s.len() - 3].to_owned() } else { s.to_owned() }
}

/// `None` when a nonceStr, a timestamp or a URL is missing from the inputs.
pub(super) fn build(input: &DiagnoseInput, wanted_kind: Option<TicketKind>) -> Option<SearchSpace<'_>> {
    let pasted = &input.pasted;
    // What WeCom will see: the values handed to ww.register.
    let seen_nonce = input.registered_nonce().or(pasted.nonce_str.as_ref())?.clone();
    let seen_timestamp = input.registered_timestamp().or(pasted.timestamp.as_ref())?.clone();
    let nonce = seen_nonce.trim().to_owned();
    let timestamp = to_seconds(seen_timestamp.trim());
    let mut register_mistakes = Vec::new();
    if is_milliseconds(seen_timestamp.trim()) {
        register_mistakes.push(Mistake::TimestampMs);
    }
    if seen_nonce != nonce {
        register_mistakes.push(Mistake::WhitespaceNonce);
    }
    if seen_timestamp != seen_timestamp.trim() {
        register_mistakes.push(Mistake::WhitespaceTimestamp);
    }

    let href = input.page_url.trim();
    let href = if href.is_empty() { pasted.url.as_deref().unwrap_or("").trim() } else { href };
    if href.is_empty() {
        return None;
    }
    let base_url = strip_fragment(href).0.to_owned();

    Some(SearchSpace {
        input,
        wanted_kind,
        tickets: ticket_variants(input, wanted_kind),
        nonces: nonce_variants(input, &seen_nonce, &nonce),
        timestamps: timestamp_variants(input, &seen_timestamp, &timestamp),
        urls: url_variants(input, href, &base_url),
        nonce,
        timestamp,
        base_url,
        register_mistakes,
    })
}

fn nonce_variants(input: &DiagnoseInput, seen_nonce: &String, nonce: &str) -> Variants {
    let mut nonces = Variants::default();
    nonces.add(nonce.to_owned(), vec![], None);
    for value in [Some(seen_nonce), input.pasted.nonce_str.as_ref()].into_iter().flatten() {
        for value in [value.clone(), value.trim().to_owned()] {
            let mut mistakes = Vec::new();
            if value.trim() != nonce {
                mistakes.push(Mistake::NonceMismatch);
            }
            if value != value.trim() {
                mistakes.push(Mistake::WhitespaceNonce);
            }
            nonces.add(value, mistakes, None);
        }
    }
    nonces
}

fn timestamp_variants(input: &DiagnoseInput, seen_timestamp: &String, timestamp: &str) -> Variants {
    let mut timestamps = Variants::default();
    timestamps.add(timestamp.to_owned(), vec![], None);
    if is_digits(timestamp) && timestamp.len() <= 10 {
        timestamps.add(format!("{timestamp}000"), vec![Mistake::TimestampMs], None);
    }
    for value in [Some(seen_timestamp), input.pasted.timestamp.as_ref()].into_iter().flatten() {
        for value in [value.clone(), value.trim().to_owned()] {
            let trimmed = value.trim();
            let mut mistakes = Vec::new();
            if trimmed != timestamp {
                if is_milliseconds(trimmed) && to_seconds(trimmed) == timestamp {
                    mistakes.push(Mistake::TimestampMs);
                } else {
                    mistakes.push(Mistake::TimestampMismatch);
                    if is_milliseconds(trimmed) {
                        mistakes.push(Mistake::TimestampMs);
                    }
                }
            }
            if value != trimmed {
                mistakes.push(Mistake::WhitespaceTimestamp);
            }
            timestamps.add(value, mistakes, None);
        }
    }
    timestamps
}

/// The URLs a backend may have signed instead of the page's: first the wrong sources
/// (fragment kept, OAuth link, SPA entry, query dropped), then each one mangled once.
fn url_variants(input: &DiagnoseInput, href: &str, base_url: &str) -> Variants {
    let mut sources = Variants::default();
    sources.add(base_url.to_owned(), vec![], None);
    if href != base_url {
        sources.add(href.to_owned(), vec![Mistake::Fragment], None);
    }
    if let Some(u) = urls::without_params(base_url, &["code", "state"]) {
        sources.add(u, vec![Mistake::MissingOauthParams], None);
    }
    if let Some(oauth) = input.oauth_url.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        let (oauth_base, oauth_fragment) = strip_fragment(oauth);
        sources.add(oauth_base.to_owned(), vec![Mistake::OauthUrl], None);
        if oauth_fragment.is_some() {
            sources.add(oauth.to_owned(), vec![Mistake::OauthUrl, Mistake::Fragment], None);
        }
        if let Some(redirect) = urls::query_param(oauth, "redirect_uri") {
            sources.add(strip_fragment(&redirect).0.to_owned(), vec![Mistake::MissingOauthParams], None);
        }
    }
    if let Some(entry) = input.entry_url.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        let (entry_base, entry_fragment) = strip_fragment(entry);
        sources.add(entry_base.to_owned(), vec![Mistake::SpaEntry], None);
        if entry_fragment.is_some() {
            sources.add(entry.to_owned(), vec![Mistake::SpaEntry, Mistake::Fragment], None);
        }
    }
    if let Some(u) = urls::without_query(base_url) {
        sources.add(u, vec![Mistake::QueryDropped], None);
    }

    let mut variants = Variants::default();
    for source in &sources.list {
        variants.add(source.value.clone(), source.mistakes.clone(), None);
    }
    for source in &sources.list {
        if source.mistakes.len() >= MAX_DEVIATIONS {
            continue;
        }
        let url = &source.value;
        let mut add = |value: Option<String>, mistake: Mistake| {
            if let Some(value) = value.filter(|x| x != url) {
                variants.add(value, plus(&source.mistakes, mistake), None);
            }
        };
        add(urls::swap_scheme(url), Mistake::Scheme);
        add(urls::toggle_slash(url), Mistake::TrailingSlash);
        let encoded = urls::encode_component(url);
        add(Some(urls::encode_component(&encoded)), Mistake::DoubleEncoded);
        add(Some(encoded), Mistake::EncodedComponent);
        add(Some(urls::encode_uri(url)), Mistake::EncodedUri);
        let decoded = urls::decode(url);
        let decoded_twice = urls::decode(&decoded);
        if decoded_twice != decoded {
            add(Some(decoded_twice), Mistake::DoubleDecoded);
        }
        add(Some(decoded), Mistake::Decoded);
        add(urls::escape_amp(url), Mistake::AmpEscapedUrl);
        add(urls::mangle_entities(url), Mistake::EntityDecodedUrl);
        add(Some(format!("{url}\n")), Mistake::WhitespaceUrl);
        add(Some(format!("{url} ")), Mistake::WhitespaceUrl);
    }

    // The URL the backend says it signed: explained by a variant above, or itself a finding.
    if let Some(pasted_url) = input.pasted.url.as_deref() {
        let trimmed = pasted_url.trim();
        let mut mistakes = match variants.index_of.get(trimmed) {
            Some(&i) => variants.list[i].mistakes.clone(),
            None => vec![Mistake::PastedUrl],
        };
        if pasted_url != trimmed {
            mistakes.push(Mistake::WhitespaceUrl);
        }
        variants.add(pasted_url.to_owned(), mistakes.clone(), None);
        if !variants.index_of.contains_key(trimmed) {
            mistakes.retain(|x| *x != Mistake::WhitespaceUrl);
            variants.add(trimmed.to_owned(), mistakes, None);
        }
    }
    variants
}

/// Every known ticket (with what is wrong about using it), trailing-whitespace copies of
/// the right ones, and the ticket in the paste when wwdev has never seen it.
fn ticket_variants(input: &DiagnoseInput, wanted_kind: Option<TicketKind>) -> Variants {
    let mut tickets = Variants::default();
    for (i, candidate) in input.tickets.iter().enumerate() {
        let mut mistakes = Vec::new();
        if wanted_kind.is_some_and(|w| w != candidate.kind) {
            mistakes.push(Mistake::WrongTicketKind);
        }
        if !candidate.is_current {
            mistakes.push(Mistake::StaleTicket);
        }
        if candidate.profile != input.active_profile {
            mistakes.push(Mistake::OtherProfileTicket);
        }
        tickets.add(candidate.value.expose().to_owned(), mistakes, Some(i));
    }
    let right: Vec<(String, Option<usize>)> = tickets
        .list
        .iter()
        .filter(|v| v.mistakes.is_empty())
        .map(|v| (v.value.clone(), v.ticket_index))
        .collect();
    for (ticket, index) in right {
        for whitespace in ["\n", " ", "\r\n"] {
            tickets.add(format!("{ticket}{whitespace}"), vec![Mistake::WhitespaceTicket], index);
        }
    }
    if let Some(pasted) = input.pasted.ticket.as_deref().filter(|t| !t.trim().is_empty())
        && !tickets.index_of.contains_key(pasted)
    {
        tickets.add(pasted.to_owned(), vec![Mistake::ForeignTicket], None);
    }
    tickets
}
