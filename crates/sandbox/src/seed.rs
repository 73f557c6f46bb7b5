//! The deterministic fake corp the sandbox serves: one corp, two apps, members in a
//! few departments, external contacts. Deterministic so tests, docs and scripts can
//! name members and secrets without asking the server first.
//!
//! The secrets here are fake and printed on purpose (`wwdev sandbox --json`); they
//! open nothing outside the sandbox.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Seed {
    pub corpid: String,
    pub corp_name: String,
    pub corp_full_name: String,
    pub apps: Vec<SeedApp>,
    pub departments: Vec<SeedDepartment>,
    pub members: Vec<SeedMember>,
    pub external_contacts: Vec<SeedExternalContact>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SeedApp {
    pub agentid: i64,
    pub secret: String,
    pub name: String,
    /// `host` or `host:port`, compared exactly (a non-default port must be listed).
    pub trusted_domains: Vec<String>,
    /// The app's separate "Web网页授权回调域名": web-login redirects may use these as
    /// well as the trusted domains (D/98171). Compared by the same exact rule.
    #[serde(default)]
    pub web_login_domains: Vec<String>,
    /// Members inside the app's visible range: listed userids plus members of these departments.
    pub visible_userids: Vec<String>,
    pub visible_departments: Vec<i64>,
    /// Whether the app may call the 客户联系 (external contact) APIs.
    pub external_contact_allowed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SeedDepartment {
    pub id: i64,
    pub name: String,
    pub parentid: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SeedMember {
    pub userid: String,
    pub name: String,
    pub department: Vec<i64>,
    pub main_department: i64,
    pub position: String,
    pub is_leader_in_dept: Vec<i64>,
    pub direct_leader: Vec<String>,
    /// 1 active, 2 disabled, 4 not activated, 5 left.
    pub status: i64,
    /// False: never bound WeChat, convert_to_openid answers 43004.
    pub wechat_bound: bool,
    pub gender: String,
    pub mobile: String,
    pub email: String,
    pub biz_mail: String,
    pub alias: String,
    pub telephone: String,
    pub address: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SeedExternalContact {
    pub external_userid: String,
    /// The openid this WeChat user gets when they open an app's OAuth link.
    pub openid: String,
    pub name: String,
    /// 1 WeChat user, 2 WeCom user.
    #[serde(rename = "type")]
    pub kind: i64,
    pub gender: i64,
    pub unionid: String,
    pub position: String,
    pub corp_name: String,
    pub corp_full_name: String,
    /// Members who added this contact.
    pub followers: Vec<String>,
}

impl Seed {
    pub fn app(&self, agentid: i64) -> Option<&SeedApp> {
        self.apps.iter().find(|a| a.agentid == agentid)
    }
    /// Does app `agentid` trust the redirect `url` for `flow` ("oauth" or "weblogin")?
    /// One rule for the whole product: [`wwdev_core::oauth::url_is_trusted`].
    pub fn redirect_trusted(&self, agentid: i64, flow: &str, url: &url::Url) -> bool {
        self.app(agentid).is_some_and(|a| {
            wwdev_core::oauth::url_is_trusted(url, &a.trusted_domains)
                || (flow == "weblogin" && wwdev_core::oauth::url_is_trusted(url, &a.web_login_domains))
        })
    }
    pub fn app_by_secret(&self, secret: &str) -> Option<&SeedApp> {
        self.apps.iter().find(|a| a.secret == secret)
    }
    pub fn member(&self, userid: &str) -> Option<&SeedMember> {
        self.members.iter().find(|m| m.userid == userid)
    }
    pub fn external_contact(&self, external_userid: &str) -> Option<&SeedExternalContact> {
        self.external_contacts
            .iter()
            .find(|c| c.external_userid == external_userid)
    }
    /// Whether `userid` is inside the visible range of app `agentid`.
    pub fn is_visible(&self, agentid: i64, userid: &str) -> bool {
        let (Some(app), Some(m)) = (self.app(agentid), self.member(userid)) else {
            return false;
        };
        app.visible_userids.iter().any(|u| u == userid)
            || m.department.iter().any(|d| app.visible_departments.contains(d))
    }
    /// The stable openid of a member inside this corp.
    pub fn member_openid(&self, userid: &str) -> String {
        stable_id("o", &self.corpid, userid, 27)
    }
    /// The stable openid of a WeChat user who is not a member and not a contact.
    pub fn stranger_openid(&self) -> String {
        stable_id("o", &self.corpid, "stranger", 27)
    }
    pub fn open_userid(&self, userid: &str) -> String {
        stable_id("wo", &self.corpid, userid, 30)
    }
}

/// A deterministic id derived from the corp and a key, shaped like WeCom's ids.
fn stable_id(prefix: &str, corpid: &str, key: &str, len: usize) -> String {
    let h = wwdev_core::signature::sha1_hex(&format!("{corpid}/{key}"));
    let h2 = wwdev_core::signature::sha1_hex(&h);
    let mut s = format!("{prefix}{h}{h2}");
    s.truncate(prefix.len() + len);
    s
}

fn member(
    userid: &str,
    name: &str,
    department: &[i64],
    position: &str,
    gender: &str,
) -> SeedMember {
    SeedMember {
        userid: userid.into(),
        name: name.into(),
        department: department.to_vec(),
        main_department: department[0],
        position: position.into(),
        is_leader_in_dept: vec![0; department.len()],
        direct_leader: vec![],
        status: 1,
        wechat_bound: true,
        gender: gender.into(),
        mobile: String::new(),
        email: format!("{userid}@example.test"),
        biz_mail: format!("{userid}@corp.example.test"),
        alias: String::new(),
        telephone: String::new(),
        address: "广州市海珠区示例路 1 号".into(),
    }
}

impl Default for Seed {
    fn default() -> Self {
        let corpid = "ww5d1e0c2a9b7f4e36".to_string();
        let mut members = vec![
            member("zhangsan", "张三", &[2], "产品经理", "1"),
            member("lisi", "李四", &[2], "产品设计师", "2"),
            member("wangwu", "王五", &[3], "研发总监", "1"),
            member("zhaoliu", "赵六", &[3], "前端工程师", "2"),
            member("sunqi", "孙七", &[4], "销售经理", "1"),
            member("zhouba", "周八", &[4], "销售代表", "1"),
            member("wujiu", "吴九", &[5], "客服专员", "2"),
            member("zhengshi", "郑十", &[2, 5], "运营专员", "2"),
            member("chenyi", "陈一", &[3], "后端工程师", "1"),
        ];
        for (i, m) in members.iter_mut().enumerate() {
            m.mobile = format!("1380013{:04}", 8000 + i);
        }
        // Leaders, a disabled member and one who never bound WeChat.
        members[2].is_leader_in_dept = vec![1];
        members[3].direct_leader = vec!["wangwu".into()];
        members[8].direct_leader = vec!["wangwu".into()];
        members[4].is_leader_in_dept = vec![1];
        members[5].direct_leader = vec!["sunqi".into()];
        members[5].status = 2;
        members[6].wechat_bound = false;
        members[7].alias = "小郑".into();

        Seed {
            corp_name: "示例科技".into(),
            corp_full_name: "示例科技有限公司".into(),
            apps: vec![
                SeedApp {
                    agentid: 1000002,
                    secret: "sbx-h5-Gq3Lw8Zr5Tn2Vc7Xk4Bp9Md6Fs1Jh0Ya5Ue8R".into(),
                    name: "H5 调试应用".into(),
                    trusted_domains: vec![
                        "app.example.test".into(),
                        "localhost:5173".into(),
                        "127.0.0.1:5173".into(),
                        "localhost:8080".into(),
                    ],
                    web_login_domains: vec!["login.example.test".into()],
                    // Sales (department 4) is outside: sunqi and zhouba cannot be seen.
                    visible_userids: vec![],
                    visible_departments: vec![2, 3, 5],
                    external_contact_allowed: false,
                },
                SeedApp {
                    agentid: 1000003,
                    secret: "sbx-crm-Hw2Nd7Ke4Qs9Pa1Lv6Tc3Zm8Xb5Rf0Gy7Ju2E".into(),
                    name: "客户联系助手".into(),
                    trusted_domains: vec!["crm.example.test".into(), "localhost:3000".into()],
                    web_login_domains: vec![],
                    visible_userids: vec!["zhangsan".into()],
                    visible_departments: vec![4, 5],
                    external_contact_allowed: true,
                },
            ],
            departments: vec![
                SeedDepartment { id: 1, name: "示例科技有限公司".into(), parentid: 0 },
                SeedDepartment { id: 2, name: "产品部".into(), parentid: 1 },
                SeedDepartment { id: 3, name: "研发部".into(), parentid: 1 },
                SeedDepartment { id: 4, name: "销售部".into(), parentid: 1 },
                SeedDepartment { id: 5, name: "客服部".into(), parentid: 1 },
            ],
            members,
            external_contacts: vec![
                SeedExternalContact {
                    external_userid: "wmSbx0dE4kQ2xYz7Lp9Vn3Tc8Rb1Hf6Jw5Ua0Gs".into(),
                    openid: stable_id("o", &corpid, "ext/liu", 27),
                    name: "刘先生".into(),
                    kind: 1,
                    gender: 1,
                    unionid: "oSbxU3kP8dT1mW6zQ4rN9vY2cL5hJ0aXe".into(),
                    position: String::new(),
                    corp_name: String::new(),
                    corp_full_name: String::new(),
                    followers: vec!["sunqi".into(), "wujiu".into()],
                },
                SeedExternalContact {
                    external_userid: "wmSbx7Hq2Nc5Zr8Kt1Wm4Pd9Xe3Lb6Vf0Jy5Ag".into(),
                    openid: stable_id("o", &corpid, "ext/huang", 27),
                    name: "黄女士".into(),
                    kind: 2,
                    gender: 2,
                    unionid: String::new(),
                    position: "采购经理".into(),
                    corp_name: "合作伙伴".into(),
                    corp_full_name: "合作伙伴贸易有限公司".into(),
                    followers: vec!["sunqi".into()],
                },
            ],
            corpid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_has_the_promised_shape() {
        let s = Seed::default();
        assert!(s.corpid.starts_with("ww") && s.corpid.len() == 18);
        assert!(s.members.len() >= 8);
        assert!(!s.is_visible(1000002, "sunqi"));
        assert!(s.is_visible(1000002, "zhangsan"));
        assert!(s.is_visible(1000003, "sunqi"));
        assert!(s.members.iter().any(|m| m.status == 2));
        assert!(s.members.iter().any(|m| !m.wechat_bound));
        assert_eq!(s, Seed::default());
        assert_ne!(s.member_openid("zhangsan"), s.member_openid("lisi"));
    }
}
