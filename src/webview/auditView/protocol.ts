/**
 * The messages between the audit view's webview and the extension host, and the record
 * shapes the webview shows. No `vscode` and no DOM: both sides compile it.
 */

export interface ViewFiltersMsg {
  decision: string;
  environment: string;
  risk: string;
  source: string;
  text: string;
}

/** A row as the table shows it (the host sends the whole record; these fields are read). */
export type { ViewRow } from '../../core/audit/viewRow';
import type { ViewRow } from '../../core/audit/viewRow';

/** A record in the detail pane. */
export interface ViewRecord extends ViewRow {
  cwd?: string;
  evidence?: { signal: string; value: string; environment: string }[];
  rules?: string[];
  reason?: string;
  terminal?: string;
  session?: string;
  user?: string;
  durationMs?: number;
  prev?: string;
  hash?: string;
}

export interface ViewDayCounts {
  day: string;
  total: number;
  decision: Record<string, number>;
  environment: Record<string, number>;
}

/** Messages from the webview. */
export type FromView =
  | { type: 'ready' }
  | { type: 'query'; gen: number; filters: ViewFiltersMsg; start: number; count: number }
  | { type: 'detail'; id: string }
  | { type: 'verify' }
  | { type: 'export'; format: 'csv' | 'json' };

/** Messages to the webview. */
export type ToView =
  | { type: 'rows'; gen: number; start: number; rows: ViewRow[]; total: number; loaded: number; loading: boolean }
  | { type: 'status'; loaded: number; loading: boolean }
  | { type: 'appended'; count: number; loaded: number }
  | { type: 'detail'; record: ViewRecord | null }
  | { type: 'chart'; days: ViewDayCounts[] }
  | { type: 'verified'; ok: boolean; records: number; firstBroken: { file: string; line: number; seq: number; reason: string } | null }
  | { type: 'exported'; file: string; count: number };
