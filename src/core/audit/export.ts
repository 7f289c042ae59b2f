import * as fs from 'node:fs';
/** Export of the log as CSV or JSON, in chain order (oldest first). */
import { chainFiles, linesForward } from './files';
import type { AuditRecord } from './record';

export type ExportFormat = 'csv' | 'json' | 'jsonl';

export const CSV_COLUMNS = [
  'ts',
  'seq',
  'id',
  'source',
  'command',
  'cwd',
  'environment',
  'evidence',
  'risk',
  'rules',
  'decision',
  'decidedBy',
  'durationMs',
  'reason',
  'session',
  'terminal',
  'user',
  'prev',
  'hash',
] as const;

/** Records of a log folder oldest first across rotated files; lines that are not records are skipped. */
export function* readChainOrder(dir: string): Generator<AuditRecord> {
  for (const file of chainFiles(dir)) {
    for (const { text } of linesForward(file)) {
      if (!text.trim()) continue;
      try {
        const r = JSON.parse(text) as AuditRecord;
        if (r && typeof r === 'object' && typeof r.seq === 'number') yield r;
      } catch {
        /* verify reports damaged lines */
      }
    }
  }
}

/**
 * One CSV cell (RFC 4180 quoting). Cells that a spreadsheet would run as a formula
 * (starting with = + - @ or a tab/CR) get a leading apostrophe: a command line is
 * attacker-chosen text.
 */
export function csvCell(v: unknown): string {
  let s = v === undefined || v === null ? '' : typeof v === 'string' ? v : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(rec: AuditRecord): string {
  return CSV_COLUMNS.map((c) => {
    const v = rec[c];
    if (c === 'rules') return csvCell((v as string[] | undefined)?.join(' '));
    if (c === 'evidence') return csvCell((rec.evidence ?? []).map((e) => `${e.signal}=${e.value} (${e.environment})`).join('; '));
    return csvCell(v);
  }).join(',');
}

/** Write records in the given format through `write`, chunk by chunk (no whole-log string). */
export function exportRecords(records: Iterable<AuditRecord>, format: ExportFormat, write: (chunk: string) => void): number {
  let n = 0;
  if (format === 'csv') {
    write(CSV_COLUMNS.join(',') + '\r\n');
    for (const r of records) {
      write(csvRow(r) + '\r\n');
      n++;
    }
  } else if (format === 'jsonl') {
    for (const r of records) {
      write(JSON.stringify(r) + '\n');
      n++;
    }
  } else {
    write('[');
    for (const r of records) {
      write((n ? ',\n' : '\n') + JSON.stringify(r));
      n++;
    }
    write(n ? '\n]\n' : ']\n');
  }
  return n;
}

/** Writes the whole log, in chain order, to `file` (0600) in large blocks; returns the count. */
export function exportToFile(dir: string, format: ExportFormat, file: string): number {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    let buf = '';
    const n = exportRecords(readChainOrder(dir), format, (s) => {
      buf += s;
      if (buf.length > 1 << 16) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    });
    if (buf) fs.writeSync(fd, buf);
    return n;
  } finally {
    fs.closeSync(fd);
  }
}

