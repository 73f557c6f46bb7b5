//! Each mistake found, told in Chinese and English with the values involved.

use super::compare::first_diff;
use super::mistake::Mistake;
use super::search::Match;
use super::space::{SearchSpace, is_milliseconds};
use super::{Cause, Confidence, TicketCandidate, TicketInfo, TicketKind, texts};

/// `2h 5m` style duration.
pub(super) fn duration(secs: i64) -> String {
    let s = secs.abs();
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86400 {
        format!("{}h {}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d {}h", s / 86400, (s % 86400) / 3600)
    }
}

/// A cause without a reproducing candidate (missing inputs, nothing matched).
pub(super) fn unknown(confidence: Confidence, detail_zh: String, detail_en: String) -> Cause {
    let t = texts::texts("unknown");
    Cause {
        id: "unknown",
        confidence,
        title_zh: t.title_zh,
        title_en: t.title_en,
        detail_zh,
        detail_en,
        fix_zh: t.fix_zh,
        fix_en: t.fix_en,
        ticket: None,
    }
}

/// The cause for one mistake of match `m`.
pub(super) fn describe(space: &SearchSpace, m: &Match, mistake: Mistake, confidence: Confidence) -> Cause {
    let input = space.input;
    let t = texts::texts(mistake.id());
    let candidate = space.tickets.list.get(m.ticket).and_then(|v| v.ticket_index).map(|i| &input.tickets[i]);
    let signed_url = &space.urls.list[m.url].value;
    let nonce = &space.nonces.list[m.nonce].value;
    let timestamp = &space.timestamps.list[m.timestamp].value;
    let now = input.now;
    let base = &space.base_url;
    let when = |c: &TicketCandidate| -> (String, String) {
        let fetched = duration(now - c.fetched_at);
        if c.expires_at <= now {
            let ago = duration(now - c.expires_at);
            (format!("获取于 {fetched} 前，已于 {ago} 前过期"), format!("fetched {fetched} ago, expired {ago} ago"))
        } else {
            let left = duration(c.expires_at - now);
            (format!("获取于 {fetched} 前，还有 {left} 过期"), format!("fetched {fetched} ago, expires in {left}"))
        }
    };
    // The milliseconds value to quote: the one signed, else the one pasted.
    let milliseconds_shown = || {
        let signed = timestamp.trim();
        if is_milliseconds(signed) { signed } else { input.pasted.timestamp.as_deref().unwrap_or(timestamp) }
    };
    use Mistake::*;
    let (zh, en): (String, String) = match mistake {
        Fragment => (
            format!("签名用的 URL 是 {signed_url:?}，含 #；企业微信校验的是 {base:?}。"),
            format!("The URL signed was {signed_url:?}, with its #fragment; WeCom checks {base:?}."),
        ),
        WrongTicketKind => {
            let c = candidate.map(|c| c.kind).unwrap_or(TicketKind::Corp);
            let w = space.wanted_kind.unwrap_or(TicketKind::Corp);
            (
                format!("签名用的是{}，而这次注册需要{}。", c.name_zh(), w.name_zh()),
                format!("The signature was made with the {}, but this registration needs the {}.", c.name_en(), w.name_en()),
            )
        }
        StaleTicket => match candidate {
            Some(c) => {
                let (wz, we) = when(c);
                (
                    format!("签名用的是 {} 的一张旧{}（{wz}），不是当前的那张。", c.profile, c.kind.name_zh()),
                    format!("The signature was made with an older {} of profile {} ({we}), not the current one.", c.kind.name_en(), c.profile),
                )
            }
            None => ("签名用的是一张旧 ticket。".into(), "The signature was made with an older ticket.".into()),
        },
        OtherProfileTicket => {
            let p = candidate.map(|c| c.profile.as_str()).unwrap_or("?");
            (
                format!("签名用的是配置 {p:?} 的 ticket，而当前配置是 {:?}。", input.active_profile),
                format!("The signature was made with a ticket of profile {p:?}, while the active profile is {:?}.", input.active_profile),
            )
        }
        ForeignTicket => (
            "签名用的是粘贴内容里的 ticket，它不在 wwdev 的 ticket 历史中：后端自己获取了 ticket（另一台服务器、另一份缓存或另一个应用的 secret）。".into(),
            "The signature was made with the ticket in your paste, which is not in wwdev's history: the backend fetched its own (another server, another cache, or another app's secret).".into(),
        ),
        TimestampMs => (
            format!("timestamp {:?} 是毫秒（13 位）；应为秒：{}。", milliseconds_shown(), space.timestamp),
            format!("The timestamp {:?} is in milliseconds (13 digits); it must be seconds: {}.", milliseconds_shown(), space.timestamp),
        ),
        EncodedComponent | EncodedUri => (
            format!("签名的 URL 被百分号编码了一次：{signed_url:?}，应为 {base:?}。"),
            format!("The signed URL was percent-encoded once: {signed_url:?} instead of {base:?}."),
        ),
        Decoded => (
            format!("签名的 URL 被解码了一次：{signed_url:?}，应为页面原样的 {base:?}。"),
            format!("The signed URL was percent-decoded once: {signed_url:?} instead of the page's own {base:?}."),
        ),
        DoubleEncoded => (
            format!("签名的 URL 被编码了两次：{signed_url:?}。"),
            format!("The signed URL was percent-encoded twice: {signed_url:?}."),
        ),
        DoubleDecoded => (
            format!("签名的 URL 被解码了两次：{signed_url:?}，应为 {base:?}。"),
            format!("The signed URL was percent-decoded twice: {signed_url:?} instead of {base:?}."),
        ),
        AmpEscapedUrl => (
            format!("URL 里的 & 变成了 &amp;：{signed_url:?}。"),
            format!("The URL's `&` became `&amp;`: {signed_url:?}."),
        ),
        EntityDecodedUrl => (
            format!("URL 里的 &times 等被当作 HTML 实体解码了：{signed_url:?}。"),
            format!("`&times` and the like in the URL were decoded as HTML entities: {signed_url:?}."),
        ),
        TimesEntityTemplate => (
            "string1 里的 &timestamp 被 HTML 解码成了 ×tamp。".into(),
            "`&timestamp` in string1 was decoded by HTML into `×tamp`.".into(),
        ),
        AmpEscapedTemplate => (
            "string1 里的 & 被转义成了 &amp;。".into(),
            "The `&` separators of string1 were escaped into `&amp;`.".into(),
        ),
        TemplateKeyCase => (
            "string1 里写成了 nonceStr=，必须是全小写的 noncestr=。".into(),
            "string1 uses `nonceStr=`; the key must be all lowercase: `noncestr=`.".into(),
        ),
        Scheme => (
            format!("签名的 URL 协议不对：{signed_url:?}，页面是 {base:?}。"),
            format!("The signed URL has the other scheme: {signed_url:?}, the page is {base:?}."),
        ),
        TrailingSlash => (
            format!("签名的 URL 末尾 / 与页面不一致：{signed_url:?}，页面是 {base:?}。"),
            format!("The signed URL's trailing slash differs: {signed_url:?}, the page is {base:?}."),
        ),
        OauthUrl => (
            format!("签名的是 OAuth 授权链接 {signed_url:?}，而页面是 {base:?}。"),
            format!("The OAuth link {signed_url:?} was signed, while the page is {base:?}."),
        ),
        MissingOauthParams => (
            format!("签名的 URL {signed_url:?} 缺少页面上的 code / state 参数（页面是 {base:?}）。"),
            format!("The signed URL {signed_url:?} lacks the page's code/state parameters (the page is {base:?})."),
        ),
        SpaEntry => (
            format!("签名的是单页应用的入口 URL {signed_url:?}，当前页面是 {base:?}。"),
            format!("The single-page app's entry URL {signed_url:?} was signed; the current page is {base:?}."),
        ),
        NonceMismatch => (
            format!("签名用的 nonceStr 是 {nonce:?}，传给 ww.register 的是 {:?}。", space.nonce),
            format!("The signature used nonceStr {nonce:?}, but {:?} was handed to ww.register.", space.nonce),
        ),
        TimestampMismatch => (
            format!("签名用的 timestamp 是 {timestamp:?}，传给 ww.register 的是 {:?}。", space.timestamp),
            format!("The signature used timestamp {timestamp:?}, but {:?} was handed to ww.register.", space.timestamp),
        ),
        WhitespaceNonce => (
            format!("nonceStr 首尾有空白：签名用 {nonce:?}，应为 {:?}。", space.nonce),
            format!("nonceStr has surrounding whitespace: {nonce:?} was signed, expected {:?}.", space.nonce),
        ),
        WhitespaceTimestamp => (
            format!("timestamp 首尾有空白：{timestamp:?}。"),
            format!("timestamp has surrounding whitespace: {timestamp:?}."),
        ),
        WhitespaceTicket => (
            "签名用的 ticket 末尾带了空白或换行（常见于从文件、Redis 或命令输出读取）。".into(),
            "The ticket used for signing ends in whitespace or a newline (typical when read from a file, Redis or command output).".into(),
        ),
        WhitespaceUrl => (
            format!("签名的 URL 首尾有空白：{signed_url:?}。"),
            format!("The signed URL has surrounding whitespace: {signed_url:?}."),
        ),
        WhitespaceSignature => (
            "粘贴的 signature 首尾有空白，传给 ww.register 前要去掉。".into(),
            "The pasted signature has surrounding whitespace; trim it before handing it to ww.register.".into(),
        ),
        SignatureCase => (
            "signature 含大写字母；必须是小写十六进制。".into(),
            "The signature has uppercase letters; it must be lowercase hex.".into(),
        ),
        QueryDropped => (
            format!("签名的 URL {signed_url:?} 缺少页面的查询参数（页面是 {base:?}）：URL 被写死或客户端分享后追加了参数。"),
            format!("The signed URL {signed_url:?} lacks the page's query (the page is {base:?}): a hard-coded URL, or the client appended parameters after sharing."),
        ),
        PastedUrl => (
            format!("后端签名的 URL 是 {signed_url:?}，与页面 {base:?} 不同（第 {} 个字符起）。", first_diff(signed_url, base).unwrap_or(0)),
            format!("The backend signed {signed_url:?}, which differs from the page {base:?} from character {}.", first_diff(signed_url, base).unwrap_or(0)),
        ),
    };
    Cause {
        id: mistake.id(),
        confidence,
        title_zh: t.title_zh,
        title_en: t.title_en,
        detail_zh: zh,
        detail_en: en,
        fix_zh: t.fix_zh,
        fix_en: t.fix_en,
        ticket: match mistake {
            WrongTicketKind | StaleTicket | OtherProfileTicket | WhitespaceTicket => candidate.map(TicketInfo::of),
            _ => None,
        },
    }
}
