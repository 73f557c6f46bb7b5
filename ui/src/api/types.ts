// Provisional copies of the Rust DTOs (src-tauri/src/dto.rs, docs/COMMANDS.md).
// When src-tauri generates ui/src/bindings/ (ts-rs), this file re-exports those instead;
// every screen imports types from here so the switch is one file.

export type ErrorKind =
  | 'wecom' | 'network' | 'timeout' | 'http' | 'decode' | 'invalid_input'
  | 'keyring' | 'storage' | 'not_found' | 'config' | 'io' | 'internal';

export interface UiError {
  kind: ErrorKind;
  message: string;
  errcode?: number | null;
  hint?: string | null;
}

export type Language = 'zh' | 'en' | 'system';
export type Theme = 'light' | 'dark' | 'system';

export interface Settings {
  language: Language;
  theme: Theme;
  proxy: string | null;
  timeout_secs: number;
  log_max_entries: number | null;
  log_max_days: number | null;
}

export interface KeyringStatus { available: boolean; message: string | null }

export interface AppInfo {
  version: string;
  sandbox_base_url: string | null;
  keyring: KeyringStatus;
  system_locale: string;
  log_recovered_message: string | null;
}

export interface Profile {
  id: string;
  name: string;
  corpid: string;
  agentid: string;
  base_url: string;
  trusted_domains: string[];
  default_redirect_uri: string;
  notes: string;
}

export type ProfileView = Profile & { has_secret: boolean; is_sandbox: boolean };

export interface ProfilesView { profiles: ProfileView[]; active_id: string | null }

export interface ConnectionTest {
  ok: boolean;
  latency_ms: number;
  error: UiError | null;
  token_expires_at: number | null;
}

export interface LinkHistoryItem {
  url: string;
  kind: string;
  created_at: number;
  profile_id: string | null;
  note: string | null;
}

export type QrFormat = 'png' | 'svg';

export interface DomainCheckParams {
  profileId: string | null;
  domain: string;
  verifyFileName: string | null;
  expectedContent: string | null;
  urls: string[];
}

export type Severity = 'ok' | 'warning' | 'error';

export interface DomainCheck {
  id: string;
  ok: boolean;
  severity: Severity;
  message_zh: string;
  message_en: string;
  detail: string | null;
}

export interface DomainReport { domain: string; ok: boolean; checks: DomainCheck[] }

export type TicketKind = 'corp' | 'agent';
export type RevealWhat = 'token' | 'corp_ticket' | 'agent_ticket';

export interface CachedView {
  masked: string;
  fetched_at: number;
  expires_at: number;
  refresh_at: number;
  from_cache: boolean;
  now: number;
}

export interface CredentialsView {
  now: number;
  token: CachedView | null;
  corp_ticket: CachedView | null;
  agent_ticket: CachedView | null;
  corp_fetches_last_hour: number;
  agent_fetches_last_hour: number;
  corp_limit_per_hour: number;
  agent_limit_per_hour: number;
}

export interface TicketHistoryItem {
  masked: string;
  fetched_at: number;
  expires_at: number;
  is_current: boolean;
}

export interface SignedPart {
  string1_masked: string;
  string1: string | null;
  signature: string;
}

export interface SignReport {
  url_signed: string;
  stripped_fragment: string | null;
  nonce_str: string;
  timestamp: string;
  corpid: string;
  agentid: string;
  config: SignedPart;
  agent_config: SignedPart;
  ww_register_snippet: string;
}

export type ProblemSeverity = 'error' | 'warning';

export interface Problem {
  id: string;
  severity: ProblemSeverity;
  message_zh: string;
  message_en: string;
}

export interface BuiltLink { url: string | null; problems: Problem[] }

export interface OAuthParams {
  profileId: string;
  redirectUri: string;
  scope: string;
  state: string;
  agentid: string | null;
  forSandbox: boolean;
}

export interface WebLoginParams {
  profileId: string;
  redirectUri: string;
  state: string;
  lang: string | null;
  legacy: boolean;
  forSandbox: boolean;
}

export interface BatchParams {
  profileId: string;
  scopes: string[];
  states: string[];
  redirectPaths: string[];
  redirectOrigin: string | null;
  forSandbox: boolean;
}

export interface BatchLink {
  scope: string;
  state: string;
  redirect_uri: string;
  url: string | null;
  problems: Problem[];
}

export interface BatchView { links: BatchLink[]; csv: string; markdown: string }

export interface Explanation {
  kind: string;
  fields: [string, string][];
  fragment: string | null;
  problems: Problem[];
}

export interface ErrcodeEntry {
  code: number;
  name: string;
  meaning_zh: string;
  meaning_en: string;
  cause_zh: string;
  cause_en: string;
  fix_zh: string;
  fix_en: string;
  doc_url: string;
}

export interface Step {
  name: string;
  ok: boolean;
  skipped: string | null;
  error: UiError | null;
}

export interface IdentityReport {
  code: string | null;
  state: string | null;
  userinfo: Record<string, unknown> | null;
  user: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
  steps: Step[];
  summary_zh: string;
  summary_en: string;
}

export interface ConsoleParam { name: string; in: string; required: boolean; hint: string }

export interface ConsoleEndpoint {
  method: string;
  path: string;
  title_zh: string;
  title_en: string;
  params: ConsoleParam[];
  body_template: string | null;
}

export interface ConsoleResponse {
  status: number;
  latency_ms: number;
  headers: [string, string][];
  body_pretty: string;
  errcode: number | null;
  errmsg: string | null;
  explanation: ErrcodeEntry | null;
}

export interface SandboxApp { agentid: number; name: string; secret: string; trusted_domains: string[] }

export interface SandboxMember { userid: string; name: string; position: string; department: number[] }

export interface SandboxCode {
  code: string;
  flow: string;
  userid: string | null;
  openid: string | null;
  scope: string;
  state: string;
  redirect_uri: string;
  issued_at: number;
  expires_at: number;
  used: boolean;
  expired: boolean;
}

export interface SandboxCredential {
  kind: string;
  masked: string;
  agentid: number;
  app_name: string;
  userid: string | null;
  issued_at: number;
  expires_at: number;
  status: string;
}

export type FaultKind = 'latency' | 'http_status' | 'html_error' | 'malformed_json' | 'drop_connection' | 'errcode';

export interface SandboxFault {
  path: string;
  kind: FaultKind;
  latency_ms?: number | null;
  status?: number | null;
  errcode?: number | null;
  count?: number | null;
}

export interface SandboxView {
  running: boolean;
  base_url: string | null;
  now: number;
  clock_offset: number;
  corpid: string;
  corp_name: string;
  apps: SandboxApp[];
  members: SandboxMember[];
  codes: SandboxCode[];
  tokens: SandboxCredential[];
  faults: SandboxFault[];
}

// Request log and signature diagnosis: generated by ts-rs (src-tauri/src/dto_log.rs, dto_diag.rs).
export type {
  LogOutcome, LogFilterView, LogPageArgs, LogItem, LogPage, LogDetail, LogFacets, LogExportFormat,
  LogReplayResult, DiagnoseKind, DiagnosisView, DiagCause, DiagExpected, DiagExplained, DiagField,
  DiagPasted, DiagParseError, DiagTicket,
} from '../bindings';
