/**
 * Several real processes appending to one log at once. This file is also the child: run
 * with TWOKEY_AUDIT_CHILD set, it appends its share and exits without defining tests.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { AuditLog, FileHeadStore, type AuditRecord } from '../../../src/core/audit';
import { FileLock } from '../../../src/core/audit/lock';
import { entry, tmpDir } from './helpers';

async function child(): Promise<void> {
  const { TWOKEY_AUDIT_CHILD: name, AUDIT_DIR: dir, HEAD_FILE: head, COUNT: count, MAX_BYTES: maxBytes } = process.env;
  const log = new AuditLog({ dir: dir!, headStore: new FileHeadStore(head!), maxBytes: Number(maxBytes || 0) });
  for (let i = 0; i < Number(count); i++) {
    await log.append(entry(i, { command: `echo ${name}-${i}`, session: name }));
  }
}

function run(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [__filename], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', (code) => resolve(code ?? -1));
  });
}

async function appendFromProcesses(procs: number, count: number, maxBytes = 0) {
  const base = tmpDir();
  const dir = path.join(base, '.twokey');
  const head = path.join(base, 'state', 'head.json');
  const codes = await Promise.all(
    Array.from({ length: procs }, (_, p) => run({ TWOKEY_AUDIT_CHILD: `p${p}`, AUDIT_DIR: dir, HEAD_FILE: head, COUNT: String(count), MAX_BYTES: String(maxBytes) })),
  );
  assert.deepEqual(codes, Array(procs).fill(0));
  const log = new AuditLog({ dir, headStore: new FileHeadStore(head) });
  return { dir, log };
}

if (process.env.TWOKEY_AUDIT_CHILD) {
  child().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(String(err?.stack ?? err) + '\n');
      process.exit(1);
    },
  );
} else {
  test('4 processes × 200 appends: no loss, no interleaving, one valid chain', { timeout: 120_000 }, async () => {
    const { dir, log } = await appendFromProcesses(4, 200);
    const text = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
    const ls = text.split('\n');
    assert.equal(ls.pop(), '', 'ends with a newline');
    assert.equal(ls.length, 800);
    const recs = ls.map((l) => JSON.parse(l) as AuditRecord); // throws on an interleaved line
    assert.deepEqual(
      recs.map((r) => r.seq),
      Array.from({ length: 800 }, (_, i) => i + 1),
    );
    for (let p = 0; p < 4; p++) {
      const mine = recs.filter((r) => r.session === `p${p}`).map((r) => r.command);
      assert.deepEqual(
        mine,
        Array.from({ length: 200 }, (_, i) => `echo p${p}-${i}`),
        `process p${p}: all 200, in its own order`,
      );
    }
    const v = log.verify();
    assert.equal(v.ok, true, v.firstBroken?.reason);
    assert.equal(v.records, 800);
    assert.equal(log.headStore?.read()?.seq, 800);
    assert.ok(!fs.existsSync(path.join(dir, 'audit.lock')), 'lock released');
  });

  test('3 processes appending with rotation: the chain continues across files', { timeout: 120_000 }, async () => {
    const { dir, log } = await appendFromProcesses(3, 100, 8000);
    const files = fs.readdirSync(dir).filter((n) => /^audit(\.\d+)?\.jsonl$/.test(n));
    assert.ok(files.length > 3, files.join(' '));
    const v = log.verify();
    assert.equal(v.ok, true, v.firstBroken?.reason);
    assert.equal(v.records, 300);
  });

  test('a stale lock left by a dead process is broken', async () => {
    const dir = path.join(tmpDir(), '.twokey');
    fs.mkdirSync(dir);
    const dead = spawn(process.execPath, ['-e', '']);
    const pid = await new Promise<number>((r) => dead.on('exit', () => r(dead.pid!)));
    fs.writeFileSync(path.join(dir, 'audit.lock'), JSON.stringify({ pid, host: os.hostname(), token: 'x', at: Date.now() }));
    const log = new AuditLog({ dir, lockTimeoutMs: 2000 });
    const t0 = Date.now();
    const r = await log.append(entry(1));
    assert.equal(r.seq, 1);
    assert.ok(Date.now() - t0 < 1000);
    assert.ok(!fs.existsSync(path.join(dir, 'audit.lock')));
  });

  test('an old lock is broken after staleMs; a live one is waited for', async () => {
    const dir = tmpDir();
    const file = path.join(dir, 'audit.lock');
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 'y', at: Date.now() - 60_000 }));
    const a = new FileLock(file, { staleMs: 1000, timeoutMs: 2000 });
    await a.acquire();
    assert.ok(a.held);
    const b = new FileLock(file, { staleMs: 60_000, timeoutMs: 2000 });
    let got = false;
    const waiting = b.acquire().then(() => (got = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(got, false, 'a live lock is waited for');
    a.release();
    await waiting;
    b.release();
    assert.ok(!fs.existsSync(file));
  });

  test('release never removes a lock that someone else now holds', async () => {
    const file = path.join(tmpDir(), 'audit.lock');
    const a = new FileLock(file);
    await a.acquire();
    fs.unlinkSync(file); // as if broken as stale…
    const b = new FileLock(file);
    await b.acquire(); // …and taken by another
    a.release();
    assert.ok(fs.existsSync(file));
    b.release();
    assert.ok(!fs.existsSync(file));
  });
}
