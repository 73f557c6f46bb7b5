// The command registry: every command the UI may call, declared once — its name, its
// arguments, its answer and the body that produces it. Everything else is generated
// from this list by a "callback" macro handed to `with_commands!`:
//   - crates/workbench (api.rs): one async method per command on `Workbench`;
//   - crates/workbench (bindings.rs): the UI's typed client, ui/src/api/commands.ts;
//   - src-tauri (lib.rs): the `#[tauri::command]` one-liners and `generate_handler!`;
//   - src-tauri (build.rs, which `include!`s this file): the app-command ACL and
//     capabilities/default.json.
// Adding a command = one line here (+ its body where it belongs) + its use in the UI.
//
// Syntax: `wb;` then `name(arg: Type, ...) -> Answer => body;` where `body` is an expression of
// type `UiResult<Answer>` that may `.await` and sees the workbench as `wb`. Types are
// named as `crate::api` imports them (the callbacks import the same prelude).
// Plain `macro_rules!` is used (not a proc macro) so build.rs can read the list too.

#[macro_export]
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            // The name the bodies use for the workbench (passed along for macro hygiene).
            wb;
            // ---- app ----
            app_info() -> AppInfo => Ok(wb.info());
            app_ready(marks: Option<Vec<StartupMark>>) -> () => { wb.first_screen_shown(&marks.unwrap_or_default()); Ok(()) };
            settings_get() -> Settings => Ok(wb.settings());
            settings_set(settings: Settings) -> Settings => wb.save_settings(settings);
            // ---- profiles ----
            profiles_list() -> ProfilesView => Ok(wb.profiles_view());
            profile_save(profile: Profile, secret: Option<String>) -> ProfileView => wb.save_profile(profile, secret);
            profile_delete(id: String) -> () => wb.delete_profile(&id);
            profile_duplicate(id: String) -> ProfileView => wb.duplicate_profile(&id);
            profile_set_active(id: String) -> () => wb.set_active_profile(&id);
            profiles_export() -> String => Ok(wb.export_profiles());
            profiles_import(json: String) -> Vec<ProfileView> => wb.import_profiles(&json);
            profile_test(id: String) -> ConnectionTest => profiles::test_connection(wb, &id).await;
            // ---- token & tickets ----
            credentials_snapshot(profile_id: String) -> CredentialsView => credentials::snapshot(wb, &profile_id);
            token_fetch(profile_id: String, force: bool) -> CachedView => credentials::token(wb, &profile_id, force).await;
            ticket_fetch(profile_id: String, kind: TicketKind, force: bool) -> CachedView =>
                credentials::ticket(wb, &profile_id, kind, force).await;
            ticket_history(profile_id: String, kind: TicketKind) -> Vec<TicketHistoryItem> =>
                credentials::history(wb, &profile_id, kind);
            secret_reveal(profile_id: String, what: RevealWhat) -> String => credentials::reveal(wb, &profile_id, what);
            // ---- sign ----
            sign(profile_id: String, url: String, nonce_str: Option<String>, timestamp: Option<String>, reveal: Option<bool>)
                -> SignReport => sign::sign_url(wb, &profile_id, &url, blank(nonce_str), blank(timestamp), reveal.unwrap_or(false)).await;
            // ---- links ----
            oauth_build(p: OAuthParams) -> BuiltLink => links::build_oauth(wb, p);
            weblogin_build(p: WebLoginParams) -> BuiltLink => links::build_weblogin(wb, p);
            oauth_batch(p: BatchParams) -> BatchView => links::build_batch(wb, p);
            explain_url(profile_id: Option<String>, url: String) -> Explanation =>
                links::explain(wb, blank(profile_id).as_deref(), &url);
            qr_svg(text: String) -> String => qr::svg(&text);
            qr_png_base64(text: String) -> String => qr::png_base64(&text);
            qr_save(text: String, format: QrFormat, path: String) -> () => qr::save(&text, format, &path);
            link_history() -> Vec<LinkHistoryItem> => Ok(wb.links());
            link_history_clear() -> () => wb.clear_links();
            // ---- identity ----
            identity_lookup(profile_id: String, input: String) -> IdentityReport => identity::lookup(wb, &profile_id, &input).await;
            user_get(profile_id: String, userid: String) -> JsonValue => identity::get_user(wb, &profile_id, &userid).await;
            user_to_openid(profile_id: String, userid: String) -> String => identity::to_openid(wb, &profile_id, &userid).await;
            // ---- API console ----
            console_catalog() -> Vec<ConsoleEndpoint> => Ok(console::catalog());
            console_send(profile_id: String, method: String, path: String, query: Vec<(String, String)>, body: Option<String>)
                -> ConsoleResponse => console::send(wb, &profile_id, &method, &path, query, blank(body)).await;
            // ---- error codes ----
            errcodes_search(query: String) -> Vec<ErrcodeEntry> => Ok(errcodes::search(&query));
            errcode_get(code: i64) -> Option<ErrcodeEntry> => Ok(errcodes::get(code));
            // ---- domain check ----
            domain_check(p: DomainCheckParams) -> DomainReport => domain::check(wb, p).await;
            // ---- sandbox ----
            sandbox_status() -> SandboxView => sandbox::status(wb);
            sandbox_advance_clock(seconds: i64) -> i64 => Ok(wb.sandbox_handle()?.control().advance_clock(seconds));
            sandbox_set_fault(fault: SandboxFault) -> () => sandbox::set_fault(wb, fault);
            sandbox_clear_faults() -> () => { wb.sandbox_handle()?.control().clear_faults(); Ok(()) };
            sandbox_reset() -> () => sandbox::reset(wb);
            sandbox_authorize_url(profile_id: String, userid: Option<String>) -> String =>
                sandbox::authorize_url(wb, &profile_id, blank(userid).as_deref());
            // ---- request log ----
            log_query(filter: LogFilterView, page: LogPageArgs) -> LogPage => log::query(wb, &filter, page).await;
            log_since(after_id: i64, filter: LogFilterView) -> Vec<LogItem> => log::since(wb, after_id, &filter).await;
            log_get(id: i64) -> LogDetail => log::get(wb, id).await;
            log_facets() -> LogFacets => log::facets(wb).await;
            log_export(filter: LogFilterView, format: LogExportFormat, path: String) -> u64 =>
                log::export_file(wb, &filter, format, &path).await;
            log_export_text(filter: LogFilterView, format: LogExportFormat) -> String => log::export_text(wb, &filter, format).await;
            log_clear() -> u64 => log::clear(wb).await;
            log_replay(id: i64) -> LogReplayResult => log::replay(wb, id).await;
            log_curl(id: i64) -> String => log::curl(wb, id).await;
            // ---- signature diagnosis ----
            diagnose(profile_id: String, pasted: String, page_url: String, kind: DiagnoseKind, oauth_url: Option<String>,
                entry_url: Option<String>, register_nonce: Option<String>, register_timestamp: Option<String>) -> DiagnosisView =>
                diagnose::run(wb, diagnose::DiagnoseArgs {
                    profile_id, pasted, page_url, kind, oauth_url, entry_url, register_nonce, register_timestamp,
                });
            // ---- the page bridge (local signing endpoint + probe/client + intake) ----
            signer_start(profile_id: String, port: Option<u16>, origins: Vec<String>) -> SignerStatus =>
                signer::start(wb, &profile_id, port, origins).await;
            signer_stop() -> SignerStatus => { signer::stop(wb).await; Ok(SignerStatus::default()) };
            signer_status() -> SignerStatus => Ok(signer::status(wb).await);
            signer_events(after: u32) -> Vec<SignerEventView> => Ok(signer::events(wb, after).await);
            // ---- Live screen: the same bridge (signer_start/stop/status), its page events ----
            live_sessions() -> Vec<LiveSessionView> => Ok(signer::live_sessions(wb).await);
            live_timeline(session: String, after: u32) -> Vec<LiveEventView> => Ok(signer::live_timeline(wb, &session, after).await);
        }
    };
}
