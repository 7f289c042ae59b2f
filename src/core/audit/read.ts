/** Reading records back from the chain's files, newest first. */
import { chainFiles, linesBackward } from './files';
import type { AuditRecord } from './record';

export interface ReadOptions {
  /** At most this many records. */
  limit?: number;
  /** Only records with a smaller seq (paging backwards). */
  beforeSeq?: number;
  /** Stop at records with this seq or lower (only newer ones). */
  afterSeq?: number;
  filter?: (r: AuditRecord) => boolean;
}

/**
 * Records newest first, across rotated files, read backwards in chunks (no whole-file read).
 * Lines that are not records are skipped (`verify` reports them).
 */
export function* readRecords(dir: string, opts: ReadOptions = {}): Generator<AuditRecord> {
  const files = chainFiles(dir).reverse();
  let left = opts.limit ?? Infinity;
  if (left <= 0) return;
  for (const file of files) {
    for (const { text } of linesBackward(file)) {
      let rec: AuditRecord;
      try {
        rec = JSON.parse(text) as AuditRecord;
      } catch {
        continue;
      }
      if (rec === null || typeof rec !== 'object' || typeof rec.seq !== 'number') continue;
      if (opts.afterSeq !== undefined && rec.seq <= opts.afterSeq) return;
      if (opts.beforeSeq !== undefined && rec.seq >= opts.beforeSeq) continue;
      if (opts.filter && !opts.filter(rec)) continue;
      yield rec;
      if (--left <= 0) return;
    }
  }
}
