// The one module that talks to the Rust side: one typed function per command in
// docs/COMMANDS.md. Argument names are camelCase here; Tauri maps them to the Rust
// snake_case parameters. Struct parameters keep the field names serde expects.
import { invoke } from '@tauri-apps/api/core';
import { toUiError } from '../lib/errors';
import type {
  AppInfo, BatchParams, BatchView, BuiltLink, CachedView, ConnectionTest, ConsoleEndpoint,
  ConsoleResponse, CredentialsView, DomainCheckParams, DomainReport, ErrcodeEntry, Explanation,
  IdentityReport, LinkHistoryItem, OAuthParams, Profile, ProfilesView, ProfileView, QrFormat,
  RevealWhat, SandboxFault, SandboxView, Settings, SignReport, TicketHistoryItem, TicketKind,
  WebLoginParams,
} from './types';

export type * from './types';

/** Calls a command; a rejection is always normalised to a UiError. */
async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toUiError(e);
  }
}

// ---- app ----
export const appInfo = () => call<AppInfo>('app_info');
export const appReady = () => call<void>('app_ready');
export const settingsGet = () => call<Settings>('settings_get');
export const settingsSet = (settings: Settings) => call<Settings>('settings_set', { settings });

// ---- profiles ----
export const profilesList = () => call<ProfilesView>('profiles_list');
/** secret: null keeps the stored one, "" deletes it. */
export const profileSave = (profile: Profile, secret: string | null) =>
  call<ProfileView>('profile_save', { profile, secret });
export const profileDelete = (id: string) => call<void>('profile_delete', { id });
export const profileDuplicate = (id: string) => call<ProfileView>('profile_duplicate', { id });
export const profileSetActive = (id: string) => call<void>('profile_set_active', { id });
export const profilesExport = () => call<string>('profiles_export');
export const profilesImport = (json: string) => call<ProfileView[]>('profiles_import', { json });
export const profileTest = (id: string) => call<ConnectionTest>('profile_test', { id });

// ---- token & tickets ----
export const credentialsSnapshot = (profileId: string) =>
  call<CredentialsView>('credentials_snapshot', { profileId });
export const tokenFetch = (profileId: string, force: boolean) =>
  call<CachedView>('token_fetch', { profileId, force });
export const ticketFetch = (profileId: string, kind: TicketKind, force: boolean) =>
  call<CachedView>('ticket_fetch', { profileId, kind, force });
export const ticketHistory = (profileId: string, kind: TicketKind) =>
  call<TicketHistoryItem[]>('ticket_history', { profileId, kind });
export const secretReveal = (profileId: string, what: RevealWhat) =>
  call<string>('secret_reveal', { profileId, what });

// ---- sign ----
export const sign = (
  profileId: string,
  url: string,
  nonceStr: string | null,
  timestamp: string | null,
  reveal = false,
) => call<SignReport>('sign', { profileId, url, nonceStr: blankToNull(nonceStr), timestamp: blankToNull(timestamp), reveal });

// ---- links ----
export const oauthBuild = (p: OAuthParams) => call<BuiltLink>('oauth_build', { p });
export const webloginBuild = (p: WebLoginParams) => call<BuiltLink>('weblogin_build', { p });
export const oauthBatch = (p: BatchParams) => call<BatchView>('oauth_batch', { p });
export const explainUrl = (profileId: string | null, url: string) =>
  call<Explanation>('explain_url', { profileId, url });
export const qrSvg = (text: string) => call<string>('qr_svg', { text });
export const qrPngBase64 = (text: string) => call<string>('qr_png_base64', { text });
export const qrSave = (text: string, format: QrFormat, path: string) =>
  call<void>('qr_save', { text, format, path });
export const linkHistory = () => call<LinkHistoryItem[]>('link_history');
export const linkHistoryClear = () => call<void>('link_history_clear');

// ---- identity ----
export const identityLookup = (profileId: string, input: string) =>
  call<IdentityReport>('identity_lookup', { profileId, input });
export const userGet = (profileId: string, userid: string) =>
  call<Record<string, unknown>>('user_get', { profileId, userid });
export const userToOpenid = (profileId: string, userid: string) =>
  call<string>('user_to_openid', { profileId, userid });

// ---- API console ----
export const consoleCatalog = () => call<ConsoleEndpoint[]>('console_catalog');
export const consoleSend = (
  profileId: string,
  method: string,
  path: string,
  query: [string, string][],
  body: string | null,
) => call<ConsoleResponse>('console_send', { profileId, method, path, query, body: blankToNull(body) });

// ---- error codes ----
export const errcodesSearch = (query: string) => call<ErrcodeEntry[]>('errcodes_search', { query });
export const errcodeGet = (code: number) => call<ErrcodeEntry | null>('errcode_get', { code });

// ---- domain check ----
export const domainCheck = (p: DomainCheckParams) => call<DomainReport>('domain_check', { p });

// ---- sandbox ----
export const sandboxStatus = () => call<SandboxView>('sandbox_status');
export const sandboxAdvanceClock = (seconds: number) => call<number>('sandbox_advance_clock', { seconds });
export const sandboxSetFault = (fault: SandboxFault) => call<void>('sandbox_set_fault', { fault });
export const sandboxClearFaults = () => call<void>('sandbox_clear_faults');
export const sandboxReset = () => call<void>('sandbox_reset');
export const sandboxAuthorizeUrl = (profileId: string, userid: string | null) =>
  call<string>('sandbox_authorize_url', { profileId, userid: blankToNull(userid) });

function blankToNull(v: string | null | undefined): string | null {
  if (v == null) return null;
  return v.trim() === '' ? null : v;
}

// ---- request log (dto_log.rs) ----
import type {
  DiagnoseKind, DiagnosisView, LogDetail, LogExportFormat, LogFacets, LogFilterView, LogItem, LogPage,
  LogReplayResult,
} from './types';

export const logQuery = (filter: LogFilterView, beforeId: number | null, limit: number) =>
  call<LogPage>('log_query', { filter, page: { before_id: beforeId, limit } });
/** Entries newer than afterId, oldest first (live updates). */
export const logSince = (afterId: number, filter: LogFilterView) => call<LogItem[]>('log_since', { afterId, filter });
export const logGet = (id: number) => call<LogDetail>('log_get', { id });
export const logFacets = () => call<LogFacets>('log_facets');
/** path comes from the dialog plugin's save dialog; returns how many entries were written. */
export const logExport = (filter: LogFilterView, format: LogExportFormat, path: string) =>
  call<number>('log_export', { filter, format, path });
export const logExportText = (filter: LogFilterView, format: LogExportFormat) =>
  call<string>('log_export_text', { filter, format });
export const logClear = () => call<number>('log_clear');
export const logReplay = (id: number) => call<LogReplayResult>('log_replay', { id });
export const logCurl = (id: number) => call<string>('log_curl', { id });

// ---- signature diagnosis (dto_diag.rs) ----
export interface DiagnoseParams {
  profileId: string;
  pasted: string;
  pageUrl: string;
  kind: DiagnoseKind;
  oauthUrl?: string | null;
  entryUrl?: string | null;
  registerNonce?: string | null;
  registerTimestamp?: string | null;
}
export const diagnose = (p: DiagnoseParams) =>
  call<DiagnosisView>('diagnose', {
    profileId: p.profileId,
    pasted: p.pasted,
    pageUrl: p.pageUrl,
    kind: p.kind,
    oauthUrl: blankToNull(p.oauthUrl),
    entryUrl: blankToNull(p.entryUrl),
    registerNonce: blankToNull(p.registerNonce),
    registerTimestamp: blankToNull(p.registerTimestamp),
  });

// ---- local signing endpoint (commands/signer.rs) ----
import type { SignerEventView, SignerStatus } from './types';

/** port null = a free port; origins = page origins allowed by CORS (location.origin). */
export const signerStart = (profileId: string, port: number | null, origins: string[]) =>
  call<SignerStatus>('signer_start', { profileId, port, origins });
export const signerStop = () => call<SignerStatus>('signer_stop');
export const signerStatus = () => call<SignerStatus>('signer_status');
/** Requests with seq above `after`, oldest first. */
export const signerEvents = (after: number) => call<SignerEventView[]>('signer_events', { after });
