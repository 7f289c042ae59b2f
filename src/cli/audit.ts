/**
 * `twokey audit verify [FILE] [--head FILE | --no-head] [--key FILE] [--lenient] [--json]`
 * `twokey audit export --format csv|json|jsonl [FILE] [--out F]`
 *
 * FILE is the live log (default ./.twokey/audit.jsonl), its folder, or any other file of
 * records (verified on its own). The chain head kept outside the workspace is read from
 * --head, else from the default state folder ($TWOKEY_STATE_DIR, $XDG_STATE_HOME/twokey or
 * ~/.local/state/twokey); the chain key from --key, else the state folder's `audit-key`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AuditLog,
  chainFiles,
  defaultStateDir,
  exportRecords,
  exportToFile,
  FileHeadStore,
  LIVE_FILE,
  parseKey,
  readChainOrder,
  readKeyFile,
  verifyChain,
  type AuditKey,
  type ExportFormat,
  type HeadStore,
} from '../core/audit';
import { parseCommandLine, UsageError } from './args';

const USAGE = `usage:
  twokey audit verify [FILE] [--head HEADFILE | --no-head] [--key KEYFILE] [--lenient] [--json]
  twokey audit export --format csv|json|jsonl [FILE] [--out OUTFILE]

FILE is .twokey/audit.jsonl (the default) or the .twokey folder: the whole chain,
the rotated files audit.1.jsonl, audit.2.jsonl, ... before the live file, checked
against the chain head kept in the state folder. Any other FILE is verified on its
own. The chain key (for sealed records) is the state folder's audit-key or --key.

verify exits 0 when the chain is intact, 1 when it is broken, 2 when it is intact
but its end cannot be checked because no chain head was found (deleted?);
--lenient (or --no-head) accepts a missing head with a warning, and records
after the head as a warning.
`;

/** Where the chain head and key come from; verify and export both take these. */
const SOURCES = {
  head: { type: 'string' },
  'no-head': { type: 'boolean' },
  key: { type: 'string' },
} as const;

interface Sources {
  head?: string;
  'no-head'?: boolean;
  key?: string;
}

/** The log folder for a FILE argument (a .jsonl file or a folder). */
export function logDirFor(arg: string | undefined, cwd = process.cwd()): string {
  const p = path.resolve(cwd, arg ?? path.join('.twokey', 'audit.jsonl'));
  if (p.endsWith('.jsonl')) return path.dirname(p);
  try {
    if (fs.statSync(p).isDirectory()) return p;
  } catch {
    /* not there: treat as a file name */
  }
  return path.dirname(p);
}

function headFor(dir: string, flags: Sources): HeadStore | undefined {
  if (flags['no-head']) return undefined;
  const h = flags.head;
  if (h !== undefined) return new FileHeadStore(path.resolve(h));
  const store = FileHeadStore.forLog(defaultStateDir(), dir);
  return fs.existsSync(store.file) ? store : undefined;
}

function keyFor(flags: Sources): AuditKey | undefined {
  const k = flags.key;
  if (k !== undefined) {
    const key = parseKey(fs.readFileSync(path.resolve(k), 'utf8'));
    if (!key) throw new UsageError(`${k} is not a TwoKey audit key`);
    return key;
  }
  try {
    return readKeyFile(defaultStateDir());
  } catch (err) {
    process.stderr.write(`twokey audit: warning: ${err instanceof Error ? err.message : String(err)}\n`);
    return undefined;
  }
}

/**
 * What FILE names: a log folder (its whole chain) or, for any file other than the live
 * `audit.jsonl`, exactly that file.
 */
export function verifyTarget(arg: string | undefined, cwd = process.cwd()): { dir: string; files?: string[] } {
  const p = path.resolve(cwd, arg ?? path.join('.twokey', LIVE_FILE));
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(p);
  } catch {
    st = undefined;
  }
  if (st?.isDirectory()) return { dir: p };
  if (path.basename(p) === LIVE_FILE || !st) return { dir: path.dirname(p) };
  return { dir: path.dirname(p), files: [p] };
}

export async function runAudit(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  try {
    switch (sub) {
      case 'verify':
        return verify(rest);
      case 'export':
        return await exportLog(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return sub === undefined ? 64 : 0;
      default:
        throw new UsageError(`unknown audit command '${sub}'`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`twokey audit: ${err.message}\n${USAGE}`);
      return 64;
    }
    throw err;
  }
}

function verify(args: string[]): number {
  const { positionals: positional, values: flags } = parseCommandLine({
    args,
    options: { ...SOURCES, lenient: { type: 'boolean' }, json: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (positional.length > 1) throw new UsageError('verify takes one FILE');
  const { dir, files } = verifyTarget(positional[0]);
  const display = (f: string) => path.relative(process.cwd(), f) || f;
  const target = files ? files[0] : path.join(dir, LIVE_FILE);
  const lenient = !!flags.lenient;
  // A file other than the live log has no chain head of its own unless one is given.
  const headStore = files && flags.head === undefined ? undefined : headFor(dir, flags);
  const key = keyFor(flags);
  if (files ? false : chainFiles(dir).length === 0 && !headStore?.read()) {
    process.stderr.write(`twokey audit: no audit log at ${display(target)}\n`);
    return 1;
  }
  const opts = { head: headStore?.read(), key, strictHead: !lenient, requireHead: !lenient && !flags['no-head'], files };
  let r = verifyChain(dir, opts);
  if (!r.ok && !files && fs.existsSync(dir)) {
    // A break at the tail may be an append in flight: look again with writers kept out.
    r = new AuditLog({ dir, headStore, key, strictHead: !lenient }).verifyLocked(() => verifyChain(dir, opts)) ?? r;
  }
  if (flags.json) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return r.ok ? 0 : r.headMissing ? 2 : 1;
  }
  if (r.ok && r.files.length === 0) {
    process.stderr.write(`twokey audit: no audit log at ${display(target)}\n`);
    return 1;
  }
  for (const w of r.warnings) if (!r.headMissing || !w.startsWith('no chain head')) process.stderr.write(`twokey audit: warning: ${w}\n`);
  const sealing = (r.unkeyed ?? 0) > 0 && (r.keyed ?? 0) > 0
    ? `; ${r.unkeyed} older record(s) were written before the chain was keyed (plain sha256: they show edits, but anyone can recompute them), ${r.keyed} are sealed with the chain key`
    : (r.keyed ?? 0) > 0
      ? '; all sealed with the chain key'
      : (r.unkeyed ?? 0) > 0
        ? '; none is sealed with a chain key (plain sha256: anyone can recompute them)'
        : '';
  const which = files ? display(files[0]) : `${display(target)}${r.files.length > 1 ? ` and the ${r.files.length - 1} rotated file(s) before it` : ''}`;
  if (r.ok) {
    process.stdout.write(`OK: ${r.records} record(s) verified in ${r.files.length} file(s) (${which})${sealing}\n`);
    return 0;
  }
  const b = r.firstBroken!;
  if (r.headMissing) {
    process.stdout.write(`NOT VERIFIED: ${b.reason}. The ${r.records} record(s) in ${which} chain correctly${sealing}. Use --lenient to accept a log without its head.\n`);
    return 2;
  }
  process.stdout.write(`BROKEN: ${display(b.file)} line ${b.line} (seq ${b.seq}): ${b.reason}\n`);
  process.stdout.write(`${r.records} record(s) verified before it.\n`);
  return 1;
}

async function exportLog(args: string[]): Promise<number> {
  const { positionals: positional, values: flags } = parseCommandLine({
    args,
    options: { ...SOURCES, format: { type: 'string' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const format = flags.format ?? 'json';
  if (format !== 'csv' && format !== 'json' && format !== 'jsonl') throw new UsageError(`unknown format '${String(format)}' (csv, json or jsonl)`);
  if (positional.length > 1) throw new UsageError('export takes one FILE');
  const dir = logDirFor(positional[0]);
  const out = flags.out;
  const log = new AuditLog({ dir, headStore: headFor(dir, flags), key: keyFor(flags), strictHead: false });
  const check = log.verify();
  if (!check.ok && check.firstBroken) {
    const b = check.firstBroken;
    process.stderr.write(`twokey audit: warning: the log does not verify (${path.basename(b.file)} line ${b.line}: ${b.reason}); exporting what is there\n`);
  }
  let n: number;
  if (out) {
    n = exportToFile(dir, format as ExportFormat, path.resolve(out));
    process.stderr.write(`twokey audit: exported ${n} record(s) to ${out}\n`);
  } else {
    let buf = '';
    const chunks: Promise<void>[] = [];
    const flush = () => {
      const s = buf;
      buf = '';
      if (!process.stdout.write(s)) chunks.push(new Promise((r) => process.stdout.once('drain', () => r())));
    };
    n = exportRecords(readChainOrder(dir), format as ExportFormat, (s) => {
      buf += s;
      if (buf.length > 1 << 16) flush();
    });
    if (buf) flush();
    await Promise.all(chunks);
  }
  return 0;
}
