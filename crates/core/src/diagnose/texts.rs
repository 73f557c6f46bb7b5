//! Titles and fixes for each cause id, in Chinese and English.

pub struct Texts {
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub fix_zh: &'static str,
    pub fix_en: &'static str,
}

pub fn texts(id: &str) -> Texts {
    let (title_zh, title_en, fix_zh, fix_en) = match id {
        "fragment_in_url" => (
            "签名的 URL 带了 # 及其后的部分",
            "The signed URL still has its #fragment",
            "签名前去掉 URL 中 # 及其后的全部内容：前端传 location.href.split('#')[0]，或后端在签名前截掉 #。",
            "Cut the URL at `#` before signing: send `location.href.split('#')[0]` from the page, or strip everything from `#` on in the backend.",
        ),
        "wrong_ticket_kind" => (
            "用错了 ticket 类型（企业 ticket 与应用 ticket 混用）",
            "Signed with the wrong kind of ticket (corp vs agent)",
            "wx.config / getConfigSignature 用企业的 jsapi_ticket（get_jsapi_ticket）；wx.agentConfig / getAgentConfigSignature 用应用的 ticket（ticket/get?type=agent_config，且 access_token 必须来自该应用自己的 secret）。两种签名分开计算。",
            "`config` / `getConfigSignature` needs the corp jsapi_ticket (`get_jsapi_ticket`); `agentConfig` / `getAgentConfigSignature` needs the agent ticket (`ticket/get?type=agent_config`, with an access_token from that app's own secret). Compute the two signatures separately.",
        ),
        "stale_ticket" => (
            "用了旧的或已过期的 ticket",
            "Signed with an old or expired ticket",
            "所有后端节点共用一个集中缓存的 ticket（如 Redis），按 expires_in 提前刷新，缓存时间不超过 ticket 的有效期；不要让每个节点各自获取 ticket。",
            "Share one centrally cached ticket between all backend nodes (e.g. Redis), refresh it before `expires_in` runs out and never cache it longer than it lives; don't let each node fetch its own.",
        ),
        "other_profile_ticket" => (
            "用了另一个企业或应用的 ticket",
            "Signed with a ticket of another corp or app",
            "确认后端使用的 corpId / secret 与 ww.register 传入的 corpId / agentId 属于同一个企业和应用；多环境（测试/正式）时检查配置是否串用。",
            "Make sure the corpId/secret your backend uses belong to the same corp and app as the corpId/agentId handed to `ww.register`; with several environments (test/prod), check the configs are not mixed up.",
        ),
        "timestamp_ms" => (
            "timestamp 用了毫秒",
            "The timestamp is in milliseconds",
            "timestamp 必须是秒：Math.floor(Date.now() / 1000)，Java 用 System.currentTimeMillis() / 1000，且签名与 ww.register 用同一个值。",
            "The timestamp must be in seconds: `Math.floor(Date.now() / 1000)` (Java: `System.currentTimeMillis() / 1000`), and the same value must be signed and handed to `ww.register`.",
        ),
        "url_encoded" => (
            "URL 被编码或解码了一次",
            "The URL was percent-encoded or decoded once",
            "签名用页面的原始 URL：前端用 encodeURIComponent 传参时，后端取参数要解码一次且只解码一次；不要对 URL 再做编码或解码。",
            "Sign the page URL exactly as the page has it: if the page sends it with `encodeURIComponent`, decode it exactly once in the backend; don't encode or decode it anywhere else.",
        ),
        "url_double_encoded" => (
            "URL 被编码或解码了两次",
            "The URL was percent-encoded or decoded twice",
            "只编码一次（前端 encodeURIComponent），后端框架通常已自动解码，不要再手动 decode / encode 一次。",
            "Encode once (the page's `encodeURIComponent`); backend frameworks usually decode query parameters already, so don't decode or encode it again by hand.",
        ),
        "html_escaped_amp" => (
            "& 被 HTML 转义（&amp; 或 ×tamp）",
            "`&` mangled by HTML escaping (`&amp;` or `×tamp`)",
            "签名串和 URL 不要经过 HTML 模板或 XSS 过滤器；在后端用字符串直接拼接 string1，把 URL 作为 JSON 返回而不是写进 HTML。",
            "Keep string1 and the URL away from HTML templates and XSS filters: build string1 with plain string concatenation in the backend and return the URL as JSON, not inside HTML.",
        ),
        "scheme_mismatch" => (
            "http / https 不一致",
            "http vs https mismatch",
            "用页面实际的协议签名：反向代理/负载均衡终止 HTTPS 时，后端不要自己拼 URL，直接用前端传来的 location.href（去掉 #）。",
            "Sign with the scheme the page really has: behind a proxy that terminates HTTPS, don't rebuild the URL in the backend; use the `location.href` (without `#`) the page sends.",
        ),
        "trailing_slash" => (
            "URL 末尾的 / 不一致",
            "Trailing slash differs",
            "不要在后端规范化或拼接 URL，直接用页面的 location.href（去掉 #），路径末尾的 / 必须完全一致。",
            "Don't normalise or rebuild the URL in the backend; use the page's `location.href` (without `#`): the trailing `/` of the path must match exactly.",
        ),
        "oauth_url_signed" => (
            "签的是 OAuth 授权链接，而不是跳转后的页面",
            "The OAuth link was signed instead of the page it led to",
            "在授权跳转完成后的页面里取 location.href（带 code 和 state）去签名，而不是 open.weixin.qq.com 的授权链接。",
            "Sign the page reached after the OAuth redirect (its `location.href`, with `code` and `state`), not the `open.weixin.qq.com` authorisation link.",
        ),
        "missing_oauth_params" => (
            "签名的 URL 缺少 OAuth 加上的 code / state",
            "The signed URL lacks the `code`/`state` OAuth added",
            "用当前页面完整的 location.href 签名（包括授权回跳加的 ?code=...&state=...），不要用配置里的回调地址或 redirect_uri。",
            "Sign the page's full `location.href`, including the `?code=...&state=...` the OAuth redirect added, not the configured callback or `redirect_uri`.",
        ),
        "spa_entry_url" => (
            "单页应用：签了入口 URL，而不是当前 URL（或相反）",
            "Single-page app: the entry URL was signed instead of the current one (or the reverse)",
            "history 路由下 iOS 客户端校验进入时的 URL、Android 校验当前 URL：iOS 用入口 URL 签名、Android 在每次路由变化后用当前 URL 重新签名；或改用 hash 路由避免这个问题。",
            "With history routing the iOS client checks the URL the app was entered with and Android the current one: sign the entry URL on iOS and re-sign the current URL after each route change on Android, or switch to hash routing.",
        ),
        "nonce_mismatch" => (
            "ww.register 用的 nonceStr 与签名时不同",
            "The nonceStr handed to ww.register differs from the signed one",
            "把后端签名时用的 nonceStr 原样传给 ww.register（getConfigSignature 返回后端给的值），不要在前端另外生成。",
            "Hand `ww.register` exactly the nonceStr the backend signed (return the backend's values from `getConfigSignature`); don't generate another one in the page.",
        ),
        "timestamp_mismatch" => (
            "ww.register 用的 timestamp 与签名时不同",
            "The timestamp handed to ww.register differs from the signed one",
            "把后端签名时用的 timestamp 原样传给 ww.register，不要在前端重新取时间。",
            "Hand `ww.register` exactly the timestamp the backend signed; don't take a new time in the page.",
        ),
        "whitespace" => (
            "值的首尾有空白字符",
            "A value has surrounding whitespace",
            "签名前对 ticket、nonceStr、timestamp、URL 去掉首尾空白和换行（从文件、Redis 或命令输出读出的 ticket 常带换行），并把同样的值传给 ww.register。",
            "Trim ticket, nonceStr, timestamp and URL before signing (tickets read from a file, Redis or command output often end in a newline), and hand the same values to `ww.register`.",
        ),
        _ => (
            "无法确定原因",
            "Cause not determined",
            "按下面的“接下来检查”逐项核对；让后端打印它签名用的 string1，与这里的期望 string1 对比。",
            "Work through the next checks below; have the backend log the string1 it signs and compare it with the expected string1 here.",
        ),
    };
    Texts { title_zh, title_en, fix_zh, fix_en }
}
