/**
 * `twokey audit verify [FILE] [--head FILE | --no-head] [--lenient] [--json]`
 * `twokey audit export --format csv|json|jsonl [FILE] [--out F]`
 *
 * FILE is the live log (default ./.twokey/audit.jsonl) or its folder. The chain head kept
 * outside the workspace is read from --head, else from the default state folder
 * ($TWOKEY_STATE_DIR, $XDG_STATE_HOME/twokey or ~/.local/state/twokey) when it has one for
 * this log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuditLog, defaultStateDir, exportRecords, exportToFile, FileHeadStore, readChainOrder, type ExportFormat, type HeadStore } from '../core/audit';

const USAGE = `usage:
  twokey audit verify [FILE] [--head HEADFILE | --no-head] [--lenient] [--json]
  twokey audit export --format csv|json|jsonl [FILE] [--out OUTFILE]

FILE is .twokey/audit.jsonl (the default) or the .twokey folder; rotated files
audit.1.jsonl, audit.2.jsonl, ... next to it are part of the same chain.
`;

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parse(args: string[], withValue: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (withValue.includes(a.slice(2))) {
        if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
        flags.set(a.slice(2), args[++i]);
      } else flags.set(a.slice(2), true);
    } else positional.push(a);
  }
  return { positional, flags };
}

class UsageError extends Error {}

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

function headFor(dir: string, flags: Map<string, string | true>): HeadStore | undefined {
  if (flags.has('no-head')) return undefined;
  const h = flags.get('head');
  if (typeof h === 'string') return new FileHeadStore(path.resolve(h));
  const store = FileHeadStore.forLog(defaultStateDir(), dir);
  return fs.existsSync(store.file) ? store : undefined;
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
  const { positional, flags } = parse(args, ['head']);
  if (positional.length > 1) throw new UsageError('verify takes one FILE');
  const dir = logDirFor(positional[0]);
  const display = (f: string) => path.relative(process.cwd(), f) || f;
  const headStore = headFor(dir, flags);
  const log = new AuditLog({ dir, headStore, strictHead: !flags.has('lenient') });
  if (!fs.existsSync(path.join(dir, 'audit.jsonl')) && !fs.existsSync(dir)) {
    if (!headStore?.read()) {
      process.stderr.write(`twokey audit: no audit log at ${display(path.join(dir, 'audit.jsonl'))}\n`);
      return 1;
    }
  }
  const r = log.verify();
  if (flags.has('json')) {
    process.stdout.write(JSON.stringify(r) + '\n');
    return r.ok ? 0 : 1;
  }
  if (r.ok && r.files.length === 0) {
    process.stderr.write(`twokey audit: no audit log at ${display(path.join(dir, 'audit.jsonl'))}\n`);
    return 1;
  }
  for (const w of r.warnings) process.stderr.write(`twokey audit: warning: ${w}\n`);
  if (r.ok) {
    process.stdout.write(`OK: ${r.records} record(s) verified in ${r.files.length} file(s) (${display(path.join(dir, 'audit.jsonl'))})\n`);
    return 0;
  }
  const b = r.firstBroken!;
  process.stdout.write(`BROKEN: ${display(b.file)} line ${b.line} (seq ${b.seq}): ${b.reason}\n`);
  process.stdout.write(`${r.records} record(s) verified before it.\n`);
  return 1;
}

async function exportLog(args: string[]): Promise<number> {
  const { positional, flags } = parse(args, ['format', 'out']);
  const format = flags.get('format') ?? 'json';
  if (format !== 'csv' && format !== 'json' && format !== 'jsonl') throw new UsageError(`unknown format '${String(format)}' (csv, json or jsonl)`);
  if (positional.length > 1) throw new UsageError('export takes one FILE');
  const dir = logDirFor(positional[0]);
  const out = flags.get('out');
  if (out === true) throw new UsageError('--out needs a file');
  const log = new AuditLog({ dir, headStore: headFor(dir, flags) });
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
