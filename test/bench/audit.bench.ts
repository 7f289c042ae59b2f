/**
 * Audit benchmarks (figures only, no assertions): secret masking per command line, append
 * time per record (median / p99, with and without fsync), and opening 100,000 records
 * newest first: first page, full load into the view model, a filtered query, verification.
 * Run: npm run bench (or node out/test/bench/audit.bench.js after compile-tests).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AuditLog, AuditViewModel, FileHeadStore, GENESIS, normaliseEntry, seal, type AuditEntry, type AuditRecord } from '../../src/core/audit';
import { maskSecrets } from '../../src/core/redact';

const now = () => Number(process.hrtime.bigint()) / 1e6;

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `median ${(q(0.5) * 1000).toFixed(1)} µs, p99 ${(q(0.99) * 1000).toFixed(1)} µs, max ${(s[s.length - 1] * 1000).toFixed(0)} µs (n=${s.length})`;
}

function sample(i: number): AuditEntry {
  const envs = ['production', 'staging', 'development', 'unknown'] as const;
  const decisions = ['allowed', 'denied', 'timed-out', 'observed'] as const;
  return {
    source: (['terminal', 'claude-code', 'cursor', 'task'] as const)[i % 4],
    command: i % 10 === 0 ? `PGPASSWORD=s3cret${i} psql -h db-${i}.prod -c "DROP TABLE orders_${i}"` : `rm -rf ./build/output-${i} && railway volume delete vol_${i.toString(36)}`,
    cwd: `/home/dev/projects/app-${i % 7}`,
    environment: envs[i % 4],
    evidence: [{ signal: 'env:NODE_ENV', value: envs[i % 4], environment: envs[i % 4] }],
    risk: (['none', 'low', 'high', 'critical'] as const)[i % 4],
    rules: ['fs.rm.recursive', 'paas.railway.volume-delete'],
    decision: decisions[i % 4],
    decidedBy: (['policy', 'human', 'timeout'] as const)[i % 3],
    durationMs: i % 1000,
    reason: 'Deletes a volume in production; its data cannot be recovered.',
  };
}

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bench-'));
  try {
    // 1. Masking.
    const corpusFile = path.resolve(__dirname, '../../../test/unit/audit/secrets-corpus.json');
    const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as { secrets: { command: string }[]; harmless: string[] };
    const linesIn = [...corpus.harmless, ...corpus.secrets.map((s) => s.command)];
    for (let i = 0; i < 2000; i++) maskSecrets(linesIn[i % linesIn.length]);
    const mask: number[] = [];
    for (let k = 0; k < 20; k++)
      for (const l of linesIn) {
        const t = now();
        maskSecrets(l);
        mask.push(now() - t);
      }
    console.log(`maskSecrets per command line: ${stats(mask)}`);

    // 2. Appends.
    for (const fsync of [true, false]) {
      const dir = path.join(base, `append-${fsync}`, '.twokey');
      const log = new AuditLog({ dir, headStore: new FileHeadStore(path.join(base, `head-${fsync}.json`)), fsync });
      for (let i = 0; i < 50; i++) await log.append(sample(i));
      const ts: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const t = now();
        await log.append(sample(i));
        ts.push(now() - t);
      }
      console.log(`append (${fsync ? 'fsync' : 'no fsync'}, file head store, lock file): ${stats(ts)}`);
    }

    // 3. A log of 100,000 records (built directly, same format as append writes).
    const N = 100_000;
    const dir = path.join(base, 'big', '.twokey');
    fs.mkdirSync(dir, { recursive: true });
    let prev = GENESIS;
    const chunks: string[] = [];
    const t0 = Date.parse('2025-01-01T00:00:00Z');
    for (let i = 1; i <= N; i++) {
      const r = seal(normaliseEntry({ ...sample(i), ts: new Date(t0 + i * 1000).toISOString() }), i, prev);
      prev = r.hash;
      chunks.push(JSON.stringify(r) + '\n');
    }
    fs.writeFileSync(path.join(dir, 'audit.jsonl'), chunks.join(''));
    chunks.length = 0;
    const headStore = new FileHeadStore(path.join(base, 'big-head.json'));
    headStore.write({ seq: N, hash: prev });
    const size = fs.statSync(path.join(dir, 'audit.jsonl')).size;
    console.log(`log of ${N} records: ${(size / 1024 / 1024).toFixed(1)} MiB`);
    const log = new AuditLog({ dir, headStore, maxBytes: 0 });

    let t = now();
    const first = [...log.read({ limit: 200 })];
    console.log(`first page (200 newest records): ${(now() - t).toFixed(1)} ms (newest seq ${first[0].seq})`);

    global.gc?.();
    const heap0 = process.memoryUsage().heapUsed;
    t = now();
    const model = new AuditViewModel();
    let batch: AuditRecord[] = [];
    for (const r of log.read()) {
      batch.push(r);
      if (batch.length === 5000) {
        model.addOlder(batch);
        batch = [];
      }
    }
    model.addOlder(batch);
    const loadMs = now() - t;
    global.gc?.();
    const heap = process.memoryUsage().heapUsed / 1024 / 1024;
    console.log(
      `read + parse all ${model.size} records newest first into the view model: ${loadMs.toFixed(0)} ms (heap ${heap.toFixed(0)} MiB, was ${(heap0 / 1024 / 1024).toFixed(0)} MiB)`,
    );

    t = now();
    const page = model.query({}, 0, 60);
    console.log(`view query, no filter, 60 rows: ${(now() - t).toFixed(2)} ms`);
    t = now();
    const denied = model.query({ decision: 'denied', environment: 'staging' }, 0, 60);
    console.log(`view query, decision+environment filter (${denied.total} match): ${(now() - t).toFixed(1)} ms`);
    t = now();
    const search = model.query({ text: 'orders_4242' }, 0, 60);
    console.log(`view query, text search first time (${search.total} match): ${(now() - t).toFixed(1)} ms`);
    t = now();
    model.query({ text: 'vol_2' }, 0, 60);
    console.log(`view query, text search again: ${(now() - t).toFixed(1)} ms`);
    t = now();
    model.query({}, 50_000, 60);
    console.log(`view query, rows 50,000–50,060: ${(now() - t).toFixed(2)} ms (page of ${page.rows.length})`);

    t = now();
    const v = log.verify();
    console.log(`verify ${v.records} records: ${(now() - t).toFixed(0)} ms (ok=${v.ok})`);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
