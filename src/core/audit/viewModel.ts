/**
 * What the audit view shows, kept in the extension host (no `vscode`, no DOM): records
 * newest first, filtered and searched here, handed to the webview one window of rows at a
 * time so that 100,000 records never cross the webview boundary at once.
 */
import type { AuditRecord } from './record';
import type { ViewRow } from './viewRow';

export type { ViewRow } from './viewRow';

export interface ViewFilters {
  decision?: string;
  environment?: string;
  risk?: string;
  source?: string;
  /** Case-insensitive text search in command, cwd, reason, rules, id, session, terminal, user. */
  text?: string;
}


export interface ViewPage {
  /** Rows that match the filters. */
  total: number;
  /** All records loaded. */
  loaded: number;
  start: number;
  rows: ViewRow[];
}

const ROW_COMMAND_CHARS = 400;

export class AuditViewModel {
  /** Records read from the log, newest first (history, appended to as loading goes back). */
  private older: AuditRecord[] = [];
  /** Records that arrived after loading began, oldest first. */
  private newer: AuditRecord[] = [];
  private version = 0;
  private cache: { key: string; version: number; index: Int32Array } | undefined;
  private hay: (string | undefined)[] | undefined;
  private hayVersion = -1;

  get size(): number {
    return this.older.length + this.newer.length;
  }

  /** The highest seq seen, for picking up new records (`AuditLog.read({ afterSeq })`). */
  get maxSeq(): number {
    const n = this.newer.length ? this.newer[this.newer.length - 1] : this.older[0];
    return n ? n.seq : 0;
  }

  /** The oldest seq loaded, for paging backwards (`AuditLog.read({ beforeSeq })`). */
  get minSeq(): number {
    const o = this.older.length ? this.older[this.older.length - 1] : this.newer[0];
    return o ? o.seq : 0;
  }

  /** History, newest first, older than everything loaded so far. */
  addOlder(recs: AuditRecord[]): void {
    if (!recs.length) return;
    for (const r of recs) this.older.push(r);
    this.version++;
  }

  /** New records, oldest first, newer than everything loaded so far. */
  addNewer(recs: AuditRecord[]): void {
    if (!recs.length) return;
    for (const r of recs) this.newer.push(r);
    this.version++;
  }

  clear(): void {
    this.older = [];
    this.newer = [];
    this.version++;
  }

  /** The record at a newest-first position. */
  at(i: number): AuditRecord | undefined {
    const n = this.newer.length;
    return i < n ? this.newer[n - 1 - i] : this.older[i - n];
  }

  find(id: string): AuditRecord | undefined {
    for (let i = this.newer.length - 1; i >= 0; i--) if (this.newer[i].id === id) return this.newer[i];
    for (const r of this.older) if (r.id === id) return r;
    return undefined;
  }

  /** Distinct values of a field among loaded records (for filter menus). */
  values(field: 'decision' | 'environment' | 'risk' | 'source'): string[] {
    const s = new Set<string>();
    for (const r of this.newer) s.add(String(r[field]));
    for (const r of this.older) s.add(String(r[field]));
    return [...s].sort();
  }

  query(filters: ViewFilters, start: number, count: number): ViewPage {
    const total = this.size;
    const active = isActive(filters);
    const index = active ? this.filtered(filters) : undefined;
    const matches = index ? index.length : total;
    const from = Math.max(0, Math.min(start, matches));
    const to = Math.min(matches, from + Math.max(0, count));
    const rows: ViewRow[] = [];
    for (let k = from; k < to; k++) rows.push(toRow(this.at(index ? index[k] : k)!));
    return { total: matches, loaded: total, start: from, rows };
  }

  private filtered(f: ViewFilters): Int32Array {
    const key = JSON.stringify([f.decision ?? '', f.environment ?? '', f.risk ?? '', f.source ?? '', (f.text ?? '').trim().toLowerCase()]);
    if (this.cache && this.cache.key === key && this.cache.version === this.version) return this.cache.index;
    const text = (f.text ?? '').trim().toLowerCase();
    const n = this.size;
    const out = new Int32Array(n);
    let m = 0;
    if (text && this.hayVersion !== this.version) {
      this.hay = new Array(n);
      this.hayVersion = this.version;
    }
    for (let i = 0; i < n; i++) {
      const r = this.at(i)!;
      if (f.decision && r.decision !== f.decision) continue;
      if (f.environment && r.environment !== f.environment) continue;
      if (f.risk && r.risk !== f.risk) continue;
      if (f.source && r.source !== f.source) continue;
      if (text) {
        let h = this.hay![i];
        if (h === undefined) h = this.hay![i] = haystack(r);
        if (!h.includes(text)) continue;
      }
      out[m++] = i;
    }
    const index = out.slice(0, m);
    this.cache = { key, version: this.version, index };
    return index;
  }
}

function isActive(f: ViewFilters): boolean {
  return Boolean(f.decision || f.environment || f.risk || f.source || (f.text ?? '').trim());
}

function haystack(r: AuditRecord): string {
  return [r.command, r.cwd, r.reason, (r.rules ?? []).join(' '), r.id, r.session, r.terminal, r.user, String(r.seq), r.environment, r.source, r.decision]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

export function toRow(r: AuditRecord): ViewRow {
  const cmd = typeof r.command === 'string' ? r.command : '';
  return {
    seq: r.seq,
    id: r.id,
    ts: r.ts,
    source: r.source,
    command: cmd.length > ROW_COMMAND_CHARS ? cmd.slice(0, ROW_COMMAND_CHARS) + '…' : cmd,
    environment: r.environment,
    risk: r.risk,
    decision: r.decision,
    decidedBy: r.decidedBy,
  };
}
