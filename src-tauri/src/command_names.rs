// Every app command the UI may call. Shared by build.rs (the app-command ACL) and a
// test that checks it against `generate_handler!` and capabilities/default.json.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "app_ready",
    "settings_get",
    "settings_set",
    "profiles_list",
    "profile_save",
    "profile_delete",
    "profile_duplicate",
    "profile_set_active",
    "profiles_export",
    "profiles_import",
    "qr_svg",
    "qr_png_base64",
    "qr_save",
    "link_history",
    "link_history_clear",
];
