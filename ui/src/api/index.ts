// The one module that talks to the Rust side. Every command's typed function is
// generated from the workbench's command registry into ./commands.ts; the few below
// only reshape arguments for the screens.
import * as gen from './commands';
import type { DiagnoseKind, LogFilterView } from './types';

export type * from './types';
export * from './commands';

/** One page of the request log, newest first, before `beforeId` (null: the newest). */
export const logQuery = (filter: LogFilterView, beforeId: number | null, limit: number) =>
  gen.logQuery(filter, { before_id: beforeId, limit });

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
  gen.diagnose(p.profileId, p.pasted, p.pageUrl, p.kind, p.oauthUrl, p.entryUrl, p.registerNonce, p.registerTimestamp);
