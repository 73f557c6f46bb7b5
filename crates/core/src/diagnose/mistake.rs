//! The mistakes the search composes. Several mistakes can map to one reported cause id
//! (e.g. encoding once with either JS function is `url_encoded`).

use super::CAUSE_IDS;

/// One mistake in a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mistake {
    Fragment,
    WrongTicketKind,
    StaleTicket,
    OtherProfileTicket,
    /// The backend's ticket is not in wwdev's history (taken from the paste).
    ForeignTicket,
    TimestampMs,
    /// `encodeURIComponent` once.
    EncodedComponent,
    /// `encodeURI` once.
    EncodedUri,
    Decoded,
    DoubleEncoded,
    DoubleDecoded,
    /// `&` in the URL became `&amp;`.
    AmpEscapedUrl,
    /// `&times` and the like in the URL were decoded as HTML entities.
    EntityDecodedUrl,
    /// string1's `&` separators became `&amp;`.
    AmpEscapedTemplate,
    /// string1's `&timestamp` became `×tamp`.
    TimesEntityTemplate,
    /// `nonceStr=` instead of `noncestr=` in string1.
    TemplateKeyCase,
    Scheme,
    TrailingSlash,
    OauthUrl,
    MissingOauthParams,
    SpaEntry,
    NonceMismatch,
    TimestampMismatch,
    WhitespaceNonce,
    WhitespaceTimestamp,
    WhitespaceTicket,
    WhitespaceUrl,
    WhitespaceSignature,
    /// Uppercase hex: the signature must be lowercase.
    SignatureCase,
    QueryDropped,
    /// The URL the backend says it signed, unexplained by any variant.
    PastedUrl,
}

impl Mistake {
    /// The cause id reported for this mistake, one of [`CAUSE_IDS`].
    pub(super) fn id(self) -> &'static str {
        use Mistake::*;
        match self {
            Fragment => "fragment_in_url",
            WrongTicketKind => "wrong_ticket_kind",
            StaleTicket => "stale_ticket",
            OtherProfileTicket => "other_profile_ticket",
            TimestampMs => "timestamp_ms",
            EncodedComponent | EncodedUri | Decoded => "url_encoded",
            DoubleEncoded | DoubleDecoded => "url_double_encoded",
            AmpEscapedUrl | EntityDecodedUrl | AmpEscapedTemplate | TimesEntityTemplate => "html_escaped_amp",
            Scheme => "scheme_mismatch",
            TrailingSlash => "trailing_slash",
            OauthUrl => "oauth_url_signed",
            MissingOauthParams => "missing_oauth_params",
            SpaEntry => "spa_entry_url",
            NonceMismatch => "nonce_mismatch",
            TimestampMismatch => "timestamp_mismatch",
            WhitespaceNonce | WhitespaceTimestamp | WhitespaceTicket | WhitespaceUrl | WhitespaceSignature => {
                "whitespace"
            }
            ForeignTicket | TemplateKeyCase | SignatureCase | QueryDropped | PastedUrl => "unknown",
        }
    }

    /// Tie-break order: the position of its cause id in [`CAUSE_IDS`] (more common first).
    pub(super) fn rank(self) -> usize {
        CAUSE_IDS.iter().position(|i| *i == self.id()).unwrap_or(CAUSE_IDS.len())
    }
}

/// `mistakes` plus one more.
pub(super) fn plus(mistakes: &[Mistake], more: Mistake) -> Vec<Mistake> {
    let mut v = mistakes.to_vec();
    v.push(more);
    v
}
