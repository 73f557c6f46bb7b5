// Generated from crates/workbench/src/registry.rs by crates/workbench/src/bindings.rs. Do not edit.
import { invoke } from '@tauri-apps/api/core';
import { toUiError } from '../lib/errors';
import type { AppInfo, BatchParams, BatchView, BuiltLink, CachedView, ConnectionTest, ConsoleEndpoint, ConsoleResponse, CredentialsView, DiagnoseKind, DiagnosisView, DomainCheckParams, DomainReport, ErrcodeEntry, Explanation, IdentityReport, LinkHistoryItem, LiveEventView, LiveSessionView, LogDetail, LogExportFormat, LogFacets, LogFilterView, LogItem, LogPage, LogPageArgs, LogReplayResult, OAuthParams, Profile, ProfileView, ProfilesView, QrFormat, RevealWhat, SandboxFault, SandboxView, Settings, SignReport, SignerEventView, SignerStatus, StartupMark, TicketHistoryItem, TicketKind, WebLoginParams } from '../bindings';

/** Calls a command; a rejection is always normalised to a UiError. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toUiError(e);
  }
}

/** Every command the UI may call, in registry order. */
export const COMMANDS = ['app_info', 'app_ready', 'settings_get', 'settings_set', 'profiles_list', 'profile_save', 'profile_delete', 'profile_duplicate', 'profile_set_active', 'profiles_export', 'profiles_import', 'profile_test', 'credentials_snapshot', 'token_fetch', 'ticket_fetch', 'ticket_history', 'secret_reveal', 'sign', 'oauth_build', 'weblogin_build', 'oauth_batch', 'explain_url', 'qr_svg', 'qr_png_base64', 'qr_save', 'link_history', 'link_history_clear', 'identity_lookup', 'user_get', 'user_to_openid', 'console_catalog', 'console_send', 'errcodes_search', 'errcode_get', 'domain_check', 'sandbox_status', 'sandbox_advance_clock', 'sandbox_set_fault', 'sandbox_clear_faults', 'sandbox_reset', 'sandbox_authorize_url', 'log_query', 'log_since', 'log_get', 'log_facets', 'log_export', 'log_export_text', 'log_clear', 'log_replay', 'log_curl', 'diagnose', 'signer_start', 'signer_stop', 'signer_status', 'signer_events', 'live_sessions', 'live_timeline'] as const;

export const appInfo = (): Promise<AppInfo> => call('app_info');
export const appReady = (marks?: Array<StartupMark> | null): Promise<void> => call('app_ready', { marks: marks ?? null });
export const settingsGet = (): Promise<Settings> => call('settings_get');
export const settingsSet = (settings: Settings): Promise<Settings> => call('settings_set', { settings });
export const profilesList = (): Promise<ProfilesView> => call('profiles_list');
export const profileSave = (profile: Profile, secret?: string | null): Promise<ProfileView> => call('profile_save', { profile, secret: secret ?? null });
export const profileDelete = (id: string): Promise<void> => call('profile_delete', { id });
export const profileDuplicate = (id: string): Promise<ProfileView> => call('profile_duplicate', { id });
export const profileSetActive = (id: string): Promise<void> => call('profile_set_active', { id });
export const profilesExport = (): Promise<string> => call('profiles_export');
export const profilesImport = (json: string): Promise<Array<ProfileView>> => call('profiles_import', { json });
export const profileTest = (id: string): Promise<ConnectionTest> => call('profile_test', { id });
export const credentialsSnapshot = (profileId: string): Promise<CredentialsView> => call('credentials_snapshot', { profileId });
export const tokenFetch = (profileId: string, force: boolean): Promise<CachedView> => call('token_fetch', { profileId, force });
export const ticketFetch = (profileId: string, kind: TicketKind, force: boolean): Promise<CachedView> => call('ticket_fetch', { profileId, kind, force });
export const ticketHistory = (profileId: string, kind: TicketKind): Promise<Array<TicketHistoryItem>> => call('ticket_history', { profileId, kind });
export const secretReveal = (profileId: string, what: RevealWhat): Promise<string> => call('secret_reveal', { profileId, what });
export const sign = (profileId: string, url: string, nonceStr?: string | null, timestamp?: string | null, reveal?: boolean | null): Promise<SignReport> => call('sign', { profileId, url, nonceStr: nonceStr ?? null, timestamp: timestamp ?? null, reveal: reveal ?? null });
export const oauthBuild = (p: OAuthParams): Promise<BuiltLink> => call('oauth_build', { p });
export const webloginBuild = (p: WebLoginParams): Promise<BuiltLink> => call('weblogin_build', { p });
export const oauthBatch = (p: BatchParams): Promise<BatchView> => call('oauth_batch', { p });
export const explainUrl = (profileId: string | null, url: string): Promise<Explanation> => call('explain_url', { profileId, url });
export const qrSvg = (text: string): Promise<string> => call('qr_svg', { text });
export const qrPngBase64 = (text: string): Promise<string> => call('qr_png_base64', { text });
export const qrSave = (text: string, format: QrFormat, path: string): Promise<void> => call('qr_save', { text, format, path });
export const linkHistory = (): Promise<Array<LinkHistoryItem>> => call('link_history');
export const linkHistoryClear = (): Promise<void> => call('link_history_clear');
export const identityLookup = (profileId: string, input: string): Promise<IdentityReport> => call('identity_lookup', { profileId, input });
export const userGet = (profileId: string, userid: string): Promise<Record<string, unknown>> => call('user_get', { profileId, userid });
export const userToOpenid = (profileId: string, userid: string): Promise<string> => call('user_to_openid', { profileId, userid });
export const consoleCatalog = (): Promise<Array<ConsoleEndpoint>> => call('console_catalog');
export const consoleSend = (profileId: string, method: string, path: string, query: Array<[string, string]>, body?: string | null): Promise<ConsoleResponse> => call('console_send', { profileId, method, path, query, body: body ?? null });
export const errcodesSearch = (query: string): Promise<Array<ErrcodeEntry>> => call('errcodes_search', { query });
export const errcodeGet = (code: number): Promise<ErrcodeEntry | null> => call('errcode_get', { code });
export const domainCheck = (p: DomainCheckParams): Promise<DomainReport> => call('domain_check', { p });
export const sandboxStatus = (): Promise<SandboxView> => call('sandbox_status');
export const sandboxAdvanceClock = (seconds: number): Promise<number> => call('sandbox_advance_clock', { seconds });
export const sandboxSetFault = (fault: SandboxFault): Promise<void> => call('sandbox_set_fault', { fault });
export const sandboxClearFaults = (): Promise<void> => call('sandbox_clear_faults');
export const sandboxReset = (): Promise<void> => call('sandbox_reset');
export const sandboxAuthorizeUrl = (profileId: string, userid?: string | null): Promise<string> => call('sandbox_authorize_url', { profileId, userid: userid ?? null });
export const logQuery = (filter: LogFilterView, page: LogPageArgs): Promise<LogPage> => call('log_query', { filter, page });
export const logSince = (afterId: number, filter: LogFilterView): Promise<Array<LogItem>> => call('log_since', { afterId, filter });
export const logGet = (id: number): Promise<LogDetail> => call('log_get', { id });
export const logFacets = (): Promise<LogFacets> => call('log_facets');
export const logExport = (filter: LogFilterView, format: LogExportFormat, path: string): Promise<number> => call('log_export', { filter, format, path });
export const logExportText = (filter: LogFilterView, format: LogExportFormat): Promise<string> => call('log_export_text', { filter, format });
export const logClear = (): Promise<number> => call('log_clear');
export const logReplay = (id: number): Promise<LogReplayResult> => call('log_replay', { id });
export const logCurl = (id: number): Promise<string> => call('log_curl', { id });
export const diagnose = (profileId: string, pasted: string, pageUrl: string, kind: DiagnoseKind, oauthUrl?: string | null, entryUrl?: string | null, registerNonce?: string | null, registerTimestamp?: string | null): Promise<DiagnosisView> => call('diagnose', { profileId, pasted, pageUrl, kind, oauthUrl: oauthUrl ?? null, entryUrl: entryUrl ?? null, registerNonce: registerNonce ?? null, registerTimestamp: registerTimestamp ?? null });
export const signerStart = (profileId: string, port: number | null, origins: Array<string>): Promise<SignerStatus> => call('signer_start', { profileId, port, origins });
export const signerStop = (): Promise<SignerStatus> => call('signer_stop');
export const signerStatus = (): Promise<SignerStatus> => call('signer_status');
export const signerEvents = (after: number): Promise<Array<SignerEventView>> => call('signer_events', { after });
export const liveSessions = (): Promise<Array<LiveSessionView>> => call('live_sessions');
export const liveTimeline = (session: string, after: number): Promise<Array<LiveEventView>> => call('live_timeline', { session, after });
