//! Offline catalogue of the WeCom error codes that H5 flows meet, in Chinese and
//! English: what the code means, why H5 developers usually hit it, and what to do.

use serde::Serialize;

/// One catalogue entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ErrcodeEntry {
    pub code: i64,
    /// Short English name, close to the `errmsg` WeCom sends.
    pub name: &'static str,
    pub meaning_zh: &'static str,
    pub meaning_en: &'static str,
    pub cause_zh: &'static str,
    pub cause_en: &'static str,
    pub fix_zh: &'static str,
    pub fix_en: &'static str,
    /// Where the meaning comes from: a document id (`D/90313` is WeCom's global
    /// errcode list) or a public thread, and whether it is documented/observed/assumed.
    pub source: &'static str,
}

/// The official error-code lookup page for `code`.
pub fn doc_url(code: i64) -> String {
    format!("https://open.work.weixin.qq.com/devtool/query?e={code}")
}

/// The entry for `code`, if catalogued.
pub fn lookup(code: i64) -> Option<&'static ErrcodeEntry> {
    CATALOGUE.iter().find(|e| e.code == code)
}

/// Every catalogued entry, sorted by code.
pub fn all() -> &'static [ErrcodeEntry] {
    CATALOGUE
}

/// Entries whose code, name or any zh/en text contains `query` (case-insensitive).
/// An exact code match comes first. An empty query returns nothing.
pub fn search(query: &str) -> Vec<&'static ErrcodeEntry> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let exact: Option<i64> = q.parse().ok();
    let mut hits: Vec<&'static ErrcodeEntry> = CATALOGUE
        .iter()
        .filter(|e| {
            e.code.to_string().contains(&q)
                || [e.name, e.meaning_zh, e.meaning_en, e.cause_zh, e.cause_en, e.fix_zh, e.fix_en, e.source]
                    .iter()
                    .any(|t| t.to_lowercase().contains(&q))
        })
        .collect();
    // Stable sort keeps catalogue order among the rest.
    hits.sort_by_key(|e| Some(e.code) != exact);
    hits
}

macro_rules! entry {
    ($code:expr, $name:expr,
     $mzh:expr, $men:expr,
     $czh:expr, $cen:expr,
     $fzh:expr, $fen:expr,
     $src:expr $(,)?) => {
        ErrcodeEntry {
            code: $code,
            name: $name,
            meaning_zh: $mzh,
            meaning_en: $men,
            cause_zh: $czh,
            cause_en: $cen,
            fix_zh: $fzh,
            fix_en: $fen,
            source: $src,
        }
    };
}

static CATALOGUE: &[ErrcodeEntry] = &[
    entry!(-1, "system busy",
        "系统繁忙。",
        "The system is busy.",
        "企业微信服务端临时故障或过载,与请求内容无关。",
        "A temporary failure or overload on the WeCom side, unrelated to the request.",
        "稍后重试,最多重试几次并拉开间隔;持续出现时查看企业微信服务状态。",
        "Retry later, a few times at most and with growing pauses; if it persists, check WeCom's service status.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(0, "ok",
        "请求成功。",
        "The request succeeded.",
        "—",
        "—",
        "无需处理。",
        "Nothing to do.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40001, "invalid credential",
        "不合法的 secret 参数(获取 access_token 时 corpid 与 secret 不匹配)。",
        "Invalid credential: the corpid and secret used for gettoken do not match (errmsg: invalid credential).",
        "corpid 与 secret 不属于同一企业/应用;secret 已在管理后台重置;应用已停用;复制时带了空格。用错误 secret 反复调用:一小时内约 2000 次失败后调用方 IP 会被封禁一小时(企业微信运营人员在开发者社区的答复)。",
        "corpid and secret belong to different corps or apps; the secret was reset in the admin console; the app is disabled; whitespace was copied along. Retrying a wrong secret: about 2,000 failures within an hour block the caller's IP for an hour (WeCom staff in the developer community).",
        "在管理后台 应用管理 → 应用 → Secret 查看并重新复制 secret,确认 corpid 取自 我的企业 → 企业信息;不要在失败后自动循环重试。",
        "Re-copy the secret from the admin console (App Management → the app → Secret) and the corpid from My Company → Company Info; do not retry in a loop after a failure.",
        "D/90313 — documented; lockout: https://developers.weixin.qq.com/community/enterprisewechat/doc/0000c80533033826589c94f6356400 — observed (WeCom staff reply)"),
    entry!(40003, "invalid userid",
        "不合法的 UserID。",
        "Invalid UserID.",
        "userid 拼写错误、大小写不符、成员不在通讯录中或已离职;代开发/第三方应用拿到的是加密后的 userid。",
        "The userid has a typo or wrong case, the member is not in the directory or has left; agent-developed/third-party apps receive encrypted userids.",
        "用 user/get 或通讯录确认 userid 的准确写法;使用 OAuth 返回的 userid 而不是手写的。",
        "Check the exact userid with user/get or the directory; use the userid returned by OAuth rather than a typed one.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40013, "invalid corpid",
        "不合法的 CorpID。",
        "Invalid CorpID.",
        "corpid 写错、多了空格,或把 agentid/应用 ID 当成了 corpid;JS-SDK 中 ww.register / wx.agentConfig 的 corpId 与签名所用 ticket 的企业不一致时,客户端报 invalid corpId(…e=40013)。",
        "The corpid is mistyped, has whitespace, or an agentid/app id was used instead; in the JS-SDK, a corpId in ww.register / wx.agentConfig that differs from the corp whose ticket signed the page makes the client report invalid corpId (…e=40013).",
        "在管理后台 我的企业 → 企业信息 底部复制企业ID(以 ww 或 wx 开头),JS-SDK 注册时使用同一个 corpId。",
        "Copy the Corp ID from the bottom of My Company → Company Info in the admin console (it starts with ww or wx) and register the JS-SDK with that same corpId.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; JS-SDK client text `invalid corpId`: public reports — observed"),
    entry!(40014, "invalid access_token",
        "不合法的 access_token。",
        "Invalid access_token.",
        "token 已过期或被提前作废、复制时被截断或篡改、用了其他应用/其他类型的 token(如第三方 suite_access_token)。",
        "The token expired or was invalidated early, was truncated or altered in transit, or belongs to another app or token type (e.g. a third-party suite_access_token).",
        "丢弃缓存中的 token,重新调用 gettoken 获取后重试一次;确认使用的是该应用 secret 换来的 token。",
        "Drop the cached token, fetch a new one with gettoken and retry once; make sure the token comes from this app's secret.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40029, "invalid code",
        "不合法的 oauth_code。",
        "Invalid OAuth code.",
        "code 只能使用一次且 5 分钟内有效:被重复使用(常见于多个后端节点或前端重复请求)、已超时、属于其他企业,或复制不完整。",
        "A code is single-use and valid for 5 minutes: it was reused (often by a second backend node or a duplicated frontend request), expired, belongs to another corp, or was copied incompletely.",
        "重新走一遍授权拿新的 code,并确保每个 code 只被后端换取一次;用同一企业的 access_token 换取。",
        "Authorize again to get a fresh code and make sure the backend exchanges each code exactly once, with a token of the same corp.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40056, "invalid agentid",
        "不合法的 agentid。",
        "Invalid agentid.",
        "agentid 不是整数、应用不存在或已删除,或把 corpid/secret 填到了 agentid。",
        "The agentid is not an integer, the app does not exist or was deleted, or a corpid/secret was put in its place.",
        "在管理后台应用详情页复制 AgentId(纯数字)。",
        "Copy the AgentId (digits only) from the app's page in the admin console.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40058, "invalid parameter",
        "不合法的参数。",
        "Invalid parameter.",
        "JSON 不合法、字段类型不对(如数字传成字符串)、字段超长,或必填字段为空。",
        "Invalid JSON, a field of the wrong type (e.g. a number sent as a string), a field that is too long, or an empty required field.",
        "对照接口文档检查请求体的字段名、类型和长度,用 JSON 校验工具确认格式。",
        "Check field names, types and lengths against the API document and validate the JSON.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40063, "empty parameter",
        "参数为空。",
        "A required parameter is empty.",
        "HTTP 方法用错(POST 接口用了 GET)、请求体以表单而不是 JSON 发送,或必填字段为空字符串。",
        "Wrong HTTP method (GET on a POST API), a form body instead of JSON, or a required field left empty.",
        "确认接口的 HTTP 方法,POST 时发送 Content-Type: application/json 的 JSON 请求体,并填写所有必填字段。",
        "Use the API's HTTP method; for POST send a JSON body with Content-Type: application/json and fill every required field.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40091, "secret invalid",
        "secret 不合法。",
        "The secret is invalid.",
        "使用了其他企业的 secret,或 secret 已被重置。",
        "The secret belongs to another corp, or it was reset.",
        "确认 secret 与 corpid 属于同一企业,并从管理后台重新复制。",
        "Make sure the secret and the corpid belong to the same corp and re-copy it from the admin console.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40093, "invalid jsapi signature",
        "JS-SDK 签名错误(jsapi签名错误)。",
        "JS-SDK signature error.",
        "客户端报 config:fail / agentConfig:fail 并带 invalid signature(…e=40093):签名用的 ticket 已过期或不是当前有效的;URL 带了 #片段或不完整;时间戳用了毫秒;nonceStr/timestamp 与签名时不一致;URL 被编码或 & 被转义为 &amp;。",
        "The client reports config:fail / agentConfig:fail with invalid signature (…e=40093): the ticket used is stale; the signed URL contains a #fragment or is incomplete; the timestamp is in milliseconds; nonceStr/timestamp differ from the signed ones; the URL was percent-encoded or & became &amp;.",
        "用 wwdev 的签名诊断对比 string1:签名当前页面的完整 URL(去掉 # 之后的部分),时间戳用秒,并把签名时的 nonceStr/timestamp 原样传给 ww.register。",
        "Compare string1 with wwdev's signature diagnosis: sign the full current page URL without the # part, use seconds, and pass the exact signed nonceStr/timestamp to ww.register.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; D/90506 (signature) — documented; client err_msg form — observed in public reports"),
    entry!(40094, "invalid URL",
        "不合法的 URL。",
        "Invalid URL.",
        "URL 缺少 http:// 或 https:// 协议头,或格式不合法。",
        "The URL lacks an http:// or https:// scheme, or is malformed.",
        "传入带协议头的完整绝对 URL。",
        "Pass a complete absolute URL including its scheme.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(40096, "invalid external userid",
        "不合法的外部联系人 userid。",
        "Invalid external_userid.",
        "external_userid 写错,或添加该客户的成员不在应用的可见范围内。",
        "The external_userid is wrong, or the member who added this customer is outside the app's visible range.",
        "确认 external_userid 来自同一企业的接口返回,并把跟进成员加入应用可见范围。",
        "Use an external_userid returned by this corp's APIs and add the following member to the app's visible range.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(41001, "access_token missing",
        "缺少 access_token 参数。",
        "The access_token parameter is missing.",
        "access_token 放在了请求头或请求体里,或参数名拼错。",
        "The access_token was sent in a header or the body, or the parameter name is misspelt.",
        "把 access_token 放在 URL 查询串中:?access_token=...。",
        "Put access_token in the query string: ?access_token=....",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(41002, "corpid missing",
        "缺少 corpid 参数。",
        "The corpid parameter is missing.",
        "调用 gettoken 时没带 corpid,或参数名拼错。",
        "gettoken was called without corpid, or the parameter name is misspelt.",
        "在查询串中加上 corpid=企业ID。",
        "Add corpid=CORPID to the query string.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(41004, "secret missing",
        "缺少 secret 参数。",
        "The corpsecret parameter is missing.",
        "调用 gettoken 时没带 corpsecret,或写成了 secret。",
        "gettoken was called without corpsecret, or it was named secret.",
        "在查询串中加上 corpsecret=应用Secret。",
        "Add corpsecret=SECRET to the query string.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(41008, "oauth code missing",
        "缺少 oauth code。",
        "The OAuth code is missing.",
        "换取身份时没有传 code,通常是回调页没有从 URL 中取到 code 参数。",
        "No code was passed when exchanging identity, usually because the callback page did not read code from its URL.",
        "从授权回调 URL 的 code 参数取值后再调用 auth/getuserinfo。",
        "Read the code parameter from the redirect URL and then call auth/getuserinfo.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(41009, "missing userid",
        "缺少 userid 参数。",
        "The userid parameter is missing.",
        "user/get、user/convert_to_openid 等接口没有传 userid,或参数名拼错。",
        "user/get, user/convert_to_openid and similar APIs were called without userid, or its name is misspelt.",
        "传入成员的 UserID(GET 接口在查询串中,POST 接口在 JSON 请求体中)。",
        "Pass the member's UserID (in the query string for GET APIs, in the JSON body for POST APIs).",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(41011, "agentid missing",
        "缺少 agentid 参数。",
        "The agentid parameter is missing.",
        "需要 agentid 的接口或链接(如 snsapi_privateinfo 授权、ticket/get?type=agent_config)没有带 agentid。",
        "An API or link that needs an agentid (snsapi_privateinfo authorization, ticket/get?type=agent_config) was used without one.",
        "补上应用的 AgentId。",
        "Add the app's AgentId.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(41035, "missing external_userid",
        "缺少外部联系人 userid 参数。",
        "The external_userid parameter is missing.",
        "调用 externalcontact/get 等客户联系接口时没有传 external_userid。",
        "externalcontact/get or another customer-contact API was called without external_userid.",
        "从 getCurExternalContact、客户列表或回调事件中取得 external_userid 后再调用。",
        "Get the external_userid from getCurExternalContact, the customer list or a callback event first.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(42001, "access_token expired",
        "access_token 已过期。",
        "The access_token has expired.",
        "缓存的 token 超过 expires_in 仍在使用,或服务器时钟偏差导致过期判断错误。",
        "A cached token was used past its expires_in, or a clock skew broke the expiry check.",
        "重新获取 token 后重试一次;按 expires_in 提前几分钟刷新缓存。",
        "Fetch a new token and retry once; refresh the cache a few minutes before expires_in runs out.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(42003, "code expired",
        "code 已过期。",
        "The code has expired.",
        "全局错误码表中列出了此码;但换取身份时,过期的 OAuth code 实际通常返回 40029(观察到)。",
        "WeCom's global errcode list has this code, but an expired OAuth code exchanged for identity usually answers 40029 (observed).",
        "重新授权获取新 code,并在回调中立即换取(code 5 分钟内有效)。",
        "Authorize again and exchange the new code immediately in the callback (codes live 5 minutes).",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; 40029 for expired codes: public reports — observed"),
    entry!(42009, "suite_access_token expired",
        "suite_access_token 已过期。",
        "The suite_access_token has expired.",
        "第三方应用的 suite_access_token 超过有效期仍在使用。自建应用的 H5 流程不会遇到;user_ticket 过期是 84014。",
        "A third-party app's suite_access_token was used past its lifetime. Self-built H5 flows never meet it; an expired user_ticket is 84014.",
        "重新获取 suite_access_token(按 expires_in 缓存)。",
        "Fetch a new suite_access_token and cache it for its expires_in.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(42012, "jsapi ticket not available",
        "jsapi_ticket 不可用(一般是没有正确调用接口创建 jsapi_ticket)。",
        "The jsapi ticket is not valid for this use.",
        "客户端报 agentConfig:fail 并带 ticket no available(…e=42012):wx.agentConfig 用了企业 jsapi_ticket 签名,或用了其他应用的应用 ticket;获取应用 ticket 的 token 不是该应用 secret 换来的。",
        "The client reports agentConfig:fail with ticket no available (…e=42012): wx.agentConfig was signed with the corp jsapi_ticket or another app's ticket; the token used to fetch the agent ticket does not come from this app's own secret.",
        "agentConfig 使用 ticket/get?type=agent_config 获取的应用 ticket,并用该应用自己的 secret 换 token;corp ticket 只用于 wx.config。",
        "Sign agentConfig with the agent ticket from ticket/get?type=agent_config, fetched with a token of this app's own secret; use the corp ticket only for wx.config.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; client err_msg form — observed in public reports"),
    entry!(42022, "code already used",
        "code 已被使用。",
        "The code has already been used.",
        "同一个 code 被换取了两次(重复请求、多个后端节点、页面刷新)。",
        "The same code was exchanged twice (duplicate request, several backend nodes, page refresh).",
        "每个 code 只换取一次,换取后把身份保存在会话中;刷新页面时不要重复换取。",
        "Exchange each code once and keep the identity in the session; do not exchange again on page refresh.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(43004, "userid not bound to WeChat",
        "成员未关注/绑定微信。",
        "The member has not bound WeChat.",
        "调用 convert_to_openid 时,该成员从未绑定个人微信或未关注微信插件。",
        "convert_to_openid was called for a member who never bound a personal WeChat account or followed the WeChat plug-in.",
        "让成员在企业微信中绑定微信(我 → 设置 → 账号 → 微信),或在业务上兼容没有 openid 的成员。",
        "Ask the member to bind WeChat in WeCom (Me → Settings → Account → WeChat), or handle members without an openid.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(45009, "api freq out of limit",
        "接口调用超过频率限制。",
        "API call frequency exceeded the limit.",
        "没有缓存 access_token/ticket 而每次请求都重新获取;错误 secret 循环重试;多个节点各自刷新 ticket(企业 ticket 每小时 400 次、应用 ticket 每小时 100 次)。分钟级限制封禁 60 秒,小时级限制封禁一小时。",
        "The token/ticket is fetched on every request instead of cached; a wrong secret is retried in a loop; several nodes each refresh tickets (corp tickets: 400/h, app tickets: 100/h). A minute limit blocks for 60 s, an hour limit for an hour.",
        "集中缓存 token 和 ticket 并按 expires_in 复用,多个节点共享同一份缓存;等待封禁时间过去后再试。",
        "Cache tokens and tickets centrally and reuse them until expires_in, shared by all nodes; wait for the block to lift before trying again.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(45033, "too many concurrent calls",
        "接口并发调用超过限制。",
        "Too many concurrent calls to the API.",
        "同一时刻发起了过多并发请求(如批量拉取通讯录)。",
        "Too many requests were in flight at once (e.g. a bulk directory fetch).",
        "限制并发数,排队或分批调用。",
        "Limit concurrency: queue or batch the calls.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(46004, "user does not exist",
        "指定的成员不存在。",
        "The member does not exist.",
        "userid 错误、成员已删除或离职。",
        "The userid is wrong, or the member was deleted or has left.",
        "在通讯录中确认成员存在并使用正确的 userid。",
        "Confirm the member exists in the directory and use the correct userid.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(48001, "api unauthorized",
        "API 功能未授权。",
        "The API feature is not authorised.",
        "企业微信全局错误码表的说明:调用发票接口时企业未认证或激活人数不足 200;调用明文/密文 corpid 转换接口时企业与服务商没有授权关系。(微信公众号也有 48001,含义不同。)",
        "Per WeCom's global errcode list: invoice APIs called by a corp that is not verified or has fewer than 200 active members; the corpid conversion API called without an authorisation relation to the provider. (WeChat Official Accounts also use 48001, with another meaning.)",
        "确认企业认证状态和授权关系;接口权限问题通常是 48002。",
        "Check the corp's verification and the authorisation relation; plain permission problems are usually 48002.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(48002, "api forbidden",
        "API 禁止调用。",
        "No permission to call this API.",
        "用了错误类型的 secret(如用自建应用 secret 调用客户联系接口),或应用没有被配置到 客户联系 → 可调用应用。",
        "The wrong kind of secret was used (e.g. a self-built app secret for customer-contact APIs), or the app is not listed under Customer Contact → apps allowed to call.",
        "在 客户联系 → API 中把该应用加入可调用应用,或改用客户联系 secret。",
        "Add the app to the allowed apps under Customer Contact → API, or use the customer-contact secret.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(48006, "api permission revoked",
        "接口权限被收回。",
        "The API permission was revoked.",
        "企业长时间未使用该应用,接口权限被收回。",
        "The corp did not use the app for a long time, so its API permission was revoked.",
        "请企业管理员在管理后台重新启用该应用。",
        "Have a corp admin re-enable the app in the admin console.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(50001, "redirect_uri unauthorized",
        "redirect_url 未登记可信域名。",
        "redirect_uri unauthorized: the redirect domain is not a trusted domain of the app behind the access_token.",
        "code 的 redirect_uri 域名与换取 code 所用 access_token 对应应用的可信域名不完全一致(含端口;子域名不算,可信域名 qq.com 不包括 www.qq.com);code 由 A 应用签发却用 B 应用的 token 换取;网页登录的回调域名既不是可信域名也不是“Web网页授权回调域名”。",
        "The host of the code's redirect_uri does not exactly match a trusted domain of the app behind the access_token that exchanges it (port included; a subdomain does not count: trusted qq.com does not cover www.qq.com); a code issued for app A was exchanged with app B's token; a web-login callback host is neither a trusted domain nor the app's \"Web网页授权回调域名\".",
        "在应用的 网页授权及JS-SDK → 可信域名 中登记完全一致的域名(非默认端口要写上端口)并通过 WW_verify 校验;用签发 code 的那个应用的 secret 换 token 再换取 code。",
        "Register the exact host (with its port if non-default) under the app's Web Authorization and JS-SDK → Trusted Domain and pass the WW_verify check; exchange the code with a token from the secret of the app that issued it.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; D/91023 (exact match with the token's app) — documented; errmsg wording assumed"),
    entry!(50002, "user out of agent privilege",
        "成员不在权限范围。",
        "The member is outside the permission range.",
        "访问的成员不在应用或管理组的权限(可见)范围内。",
        "The member is outside the visible range of the app or admin group.",
        "在应用的 可见范围 中加入该成员或其部门。",
        "Add the member or their department to the app's visible range.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(50003, "application is disabled",
        "应用已禁用。",
        "The application is disabled.",
        "应用在管理后台被停用,停用后无法调用 API。",
        "The app was disabled in the admin console; a disabled app cannot call APIs.",
        "在管理后台 应用管理 中重新启用应用。",
        "Re-enable the app under App Management in the admin console.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(60011, "no privilege to access/modify contact",
        "指定的成员/部门/标签参数无权限。",
        "No permission for this member, department or tag.",
        "成员、部门或标签不在应用的可见范围内。",
        "The member, department or tag is outside the app's visible range.",
        "调整应用的可见范围,或改用有通讯录权限的 secret。",
        "Widen the app's visible range, or use a secret with directory permission.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(60020, "not allow to access from your ip",
        "访问 IP 不在企业可信 IP 中。",
        "The caller's IP is not a trusted IP of the corp.",
        "2022-06-20 之后创建的应用必须配置 企业可信IP;服务器出口 IP 未加入,或刚加入不到一分钟;出口 IP 因代理/NAT 变化。",
        "Apps created after 2022-06-20 must list the caller's egress IP under Trusted IPs; the server's egress IP is missing, was added less than a minute ago, or changed behind a proxy/NAT.",
        "errmsg 中 from ip 后面就是你的出口 IP,把它加入应用的 企业可信IP,等待约一分钟后重试。",
        "The IP after \"from ip\" in errmsg is your egress IP: add it to the app's Trusted IPs and retry after about a minute.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(60021, "userid not in app visible range",
        "userid 不在应用可见范围内。",
        "The userid is outside the app's visible range.",
        "查询或授权的成员不在应用的可见范围中。",
        "The member queried or authorizing is not in the app's visible range.",
        "把成员或其部门加入应用的可见范围。",
        "Add the member or their department to the app's visible range.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(60111, "userid not found",
        "UserID 不存在。",
        "The UserID was not found.",
        "成员已离职或被删除;企业做了 ID 升级后仍使用明文 userid;拼写错误。",
        "The member left or was deleted; a plaintext userid is used after the corp's ID upgrade; a typo.",
        "用 OAuth 或通讯录接口重新获取 userid;ID 升级后使用转换后的 userid。",
        "Get the userid again from OAuth or the directory API; after an ID upgrade use the converted userid.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(80001, "trusted domain invalid or without ICP",
        "可信域名不正确,或者无 ICP 备案。",
        "The trusted domain is incorrect or has no ICP registration.",
        "可信域名只支持全域名匹配,配置父域不会让子域名成为可信域名;不支持 IP 地址、端口号和短链域名;未校验所有权或没有 ICP 备案。JS-SDK 中页面域名不可信时客户端报 invalid url domain(无数字错误码)。",
        "Trusted domains match the full domain only: a parent domain does not make its subdomains trusted; IP addresses, ports and short-link domains are not accepted; ownership was not verified or there is no ICP registration. In the JS-SDK, an untrusted page domain makes the client report invalid url domain (no numeric code).",
        "登记页面实际使用的完整域名,完成 WW_verify 所有权校验并确认 ICP 备案;若确认已备案仍报错,尝试重新设置。",
        "Register the exact domain the page uses, pass the WW_verify ownership check and confirm the ICP registration; if it is registered and still fails, set it again.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; `invalid url domain` client text — observed"),
    entry!(84014, "user_ticket expired",
        "成员票据过期。",
        "The user_ticket has expired.",
        "user_ticket 有效期 1800 秒(以 getuserinfo 返回为准),超时后才调用 auth/getuserdetail。",
        "auth/getuserdetail was called after the user_ticket's lifetime (1800 s) ran out.",
        "拿到 user_ticket 后立即调用 getuserdetail;过期后让用户重新点击链接,用新 code 换新的 user_ticket。",
        "Call getuserdetail right after getuserinfo; once expired, have the user open the link again and exchange the new code for a new user_ticket.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; 1800 s: D/91023 — documented"),
    entry!(84015, "invalid user_ticket",
        "成员票据无效。",
        "The user_ticket is invalid.",
        "user_ticket 写错、被截断,或不是 auth/getuserinfo 返回的那个(例如来自其他企业)。",
        "The user_ticket is mistyped, truncated, or not the one auth/getuserinfo returned (e.g. from another corp).",
        "确认 user_ticket 原样来自根据 code 获取成员信息的返回。",
        "Use the user_ticket exactly as the code exchange (auth/getuserinfo) returned it.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(84025, "invalid state",
        "不符合的 state 参数。",
        "The state parameter is invalid.",
        "OAuth 授权链接的 state 只能是 a-zA-Z0-9,且不超过 128 字节。网页登录链接的 state 只需 URL 编码(官方示例 web_login@gyoss9)。",
        "An OAuth authorize link's state must be a-zA-Z0-9 and at most 128 bytes. A web-login link's state only needs URL-encoding (the official example is web_login@gyoss9).",
        "OAuth 链接的 state 改用字母数字(例如随机串加会话校验);需要携带其他信息时放在服务端会话中。",
        "Use letters and digits for an OAuth state (e.g. a random string checked against the session); keep anything else in the server-side session.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; D/91022 (OAuth state), D/98171 (web-login state) — documented"),
    entry!(84061, "no external contact relation",
        "不存在外部联系人的关系。",
        "There is no external-contact relation.",
        "该客户已删除成员,或从未添加过应用可见范围内的成员。",
        "The customer removed the member, or never added a member within the app's visible range.",
        "确认客户仍是跟进成员的好友,且跟进成员在应用可见范围内。",
        "Check the customer is still connected to a following member and that member is in the app's visible range.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(85005, "trusted domain ownership not verified",
        "可信域名未通过所有权校验。",
        "The trusted domain has not passed the ownership check.",
        "域名未通过 WW_verify 文件校验:仅 OAuth2 生效,JS-SDK 功能受限。",
        "The domain did not pass the WW_verify file check: only OAuth2 works, JS-SDK features are restricted.",
        "在管理后台应用详情中按指引把 WW_verify_XXXX.txt 放到域名根目录并完成校验(可先用 wwdev 的域名检查)。",
        "Follow the admin console's steps: serve WW_verify_XXXX.txt at the domain root and verify (check it first with wwdev's domain check).",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
    entry!(91040, "invalid ticket type",
        "获取 ticket 的类型无效。",
        "The ticket type is invalid.",
        "ticket/get 的 type 不是 agent_config(企业 jsapi_ticket 用 get_jsapi_ticket 获取)。",
        "ticket/get was called with a type other than agent_config (the corp jsapi_ticket comes from get_jsapi_ticket).",
        "使用 ticket/get?type=agent_config 获取应用 ticket。",
        "Use ticket/get?type=agent_config for the agent ticket.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented; D/90506 — documented"),
    entry!(301002, "no permission for this application",
        "无权操作指定的应用。",
        "No permission for this application.",
        "请求里的 agentid 与 access_token 所属的应用不一致。(OAuth code 被其他应用的 token 换取时返回的是 50001,不是此码。)",
        "The agentid in the request differs from the app the access_token belongs to. (A code exchanged with another app's token answers 50001, not this.)",
        "用该 agentid 对应应用的 secret 获取 token,或改用正确的 agentid。",
        "Fetch the token with the secret of the app that owns this agentid, or use the right agentid.",
        "D/90313 (global errcode list; mirrored in go-workwx errcodes and WxJava WxCpErrorMsgEnum) — documented"),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes listed in the error table of docs/wecom-api.md, plus 0 and the ones
    /// issue 10 requires (docs/FACTS.md lists each with its source).
    const DOC_CODES: &[i64] = &[
        0, -1, 40001, 40003, 40013, 40014, 40029, 40056, 40058, 40063, 40091, 40093, 40094,
        40096, 41001, 41002, 41004, 41008, 41009, 41011, 41035, 42001, 42012, 42022, 43004,
        45009, 45033, 46004, 48002, 48006, 50001, 50002, 50003, 60011, 60020, 60021, 60111,
        80001, 84014, 84015, 84025, 84061, 85005, 91040, 301002,
    ];

    #[test]
    fn every_documented_code_is_catalogued_with_text() {
        for &c in DOC_CODES {
            let e = lookup(c).unwrap_or_else(|| panic!("{c} missing"));
            for t in [e.name, e.meaning_zh, e.meaning_en, e.cause_zh, e.cause_en, e.fix_zh, e.fix_en, e.source] {
                assert!(!t.trim().is_empty(), "{c} has an empty field");
            }
        }
    }

    #[test]
    fn meanings_follow_the_official_list() {
        // 42009 is suite_access_token expired, not user_ticket (D/90313).
        let e = lookup(42009).unwrap();
        assert!(e.meaning_en.contains("suite_access_token") && e.meaning_zh.contains("suite_access_token"));
        assert!(!e.name.contains("user_ticket"));
        assert!(lookup(84014).unwrap().meaning_zh.contains("成员票据过期"));
        assert!(lookup(84015).unwrap().meaning_zh.contains("成员票据无效"));
        assert!(lookup(91040).unwrap().meaning_zh.contains("ticket"));
        assert_eq!(lookup(40001).unwrap().name, "invalid credential");
        assert_eq!(lookup(50001).unwrap().name, "redirect_uri unauthorized");
        // every entry says where it comes from
        assert!(all().iter().all(|e| e.source.contains("D/") || e.source.contains("https://")));
        // 47001 is a WeChat Official Account code (data format error), not in WeCom's list
        assert!(lookup(47001).is_none());
        // JS-SDK client errors are findable by the words the client prints
        assert!(search("invalid signature").iter().any(|e| e.code == 40093));
        assert!(search("ticket no available").iter().any(|e| e.code == 42012));
        assert!(search("invalid corpId").iter().any(|e| e.code == 40013));
        assert!(search("invalid url domain").iter().any(|e| e.code == 80001));
    }

    #[test]
    fn catalogue_is_sorted_and_unique() {
        assert!(all().windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn unknown_code_is_none() {
        assert!(lookup(12345).is_none());
    }

    #[test]
    fn search_by_code_name_and_text() {
        assert_eq!(search("40029")[0].code, 40029);
        // partial digits find several
        assert!(search("4002").iter().any(|e| e.code == 40029));
        // English text, case-insensitive
        assert!(search("TRUSTED IP").iter().any(|e| e.code == 60020));
        // Chinese text
        assert!(search("可信域名").iter().any(|e| e.code == 50001));
        // name
        assert!(search("frequency").iter().any(|e| e.code == 45009));
        assert!(search("   ").is_empty());
        assert!(search("no-such-thing-xyz").is_empty());
    }

    #[test]
    fn exact_code_ranks_first() {
        // "-1" also appears in other text; the exact code must lead.
        assert_eq!(search("-1")[0].code, -1);
    }

    #[test]
    fn doc_url_format() {
        assert_eq!(doc_url(40001), "https://open.work.weixin.qq.com/devtool/query?e=40001");
    }
}
