/**
 * Forging the log: records and the chain head rewritten together, a forged head, a
 * downgrade to unsealed records, the head deleted, planted lock files, and `verify FILE`.
 * Real files in temporary folders; the CLI is run in-process.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as crypto from 'node:crypto';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import {
  auditKey,
  AuditLog,
  computeHash,
  FileHeadStore,
  FORGED_RULE,
  headMac,
  keyFilePath,
  loadOrCreateKey,
  openAuditLog,
  readKeyFile,
  verifyChain,
  type AuditRecord,
  type ChainHead,
} from '../../../src/core/audit';
import { runAudit } from '../../../src/cli/audit';
import { entry, lines, tmpDir, writeLines } from './helpers';

function setup() {
  const base = tmpDir();
  const state = path.join(base, 'state');
  const dir = path.join(base, 'ws', '.twokey');
  return { base, state, dir, file: path.join(dir, 'audit.jsonl'), head: FileHeadStore.forLog(state, dir) };
}

const parse = (l: string) => JSON.parse(l) as AuditRecord;

/** Rewrite records from index `from` on with `patch`, recomputing every hash (plain sha256, no key) and the head. */
function forgeWithoutKey(file: string, headFile: string, from: number, patch: (r: AuditRecord) => void): void {
  const recs = lines(file).map(parse);
  for (let i = from; i < recs.length; i++) {
    const r = recs[i];
    if (i === from) patch(r);
    if (i > 0) r.prev = recs[i - 1].hash;
    delete r.key;
    r.hash = computeHash(r);
  }
  writeLines(file, recs.map((r) => JSON.stringify(r)));
  const last = recs[recs.length - 1];
  fs.writeFileSync(headFile, JSON.stringify({ seq: last.seq, hash: last.hash }));
}

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return { code: await fn(), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

async function withState<T>(state: string, fn: () => Promise<T>): Promise<T> {
  const old = process.env.TWOKEY_STATE_DIR;
  process.env.TWOKEY_STATE_DIR = state;
  try {
    return await fn();
  } finally {
    if (old === undefined) delete process.env.TWOKEY_STATE_DIR;
    else process.env.TWOKEY_STATE_DIR = old;
  }
}

test('the chain key: created once as a 0600 file, the same for every opener, refused when others can read it', () => {
  const state = path.join(tmpDir(), 'state');
  const a = loadOrCreateKey(state);
  const b = loadOrCreateKey(state);
  assert.equal(a.id, b.id);
  assert.ok(a.secret.equals(b.secret));
  assert.equal(fs.statSync(keyFilePath(state)).mode & 0o777, 0o600);
  fs.chmodSync(keyFilePath(state), 0o644);
  assert.throws(() => readKeyFile(state), /can be read by other users/);
  fs.chmodSync(keyFilePath(state), 0o600);
  fs.rmSync(keyFilePath(state));
  fs.symlinkSync(path.join(tmpDir(), 'elsewhere'), keyFilePath(state));
  assert.throws(() => readKeyFile(state), /not a regular file/);
});

test('keyed records: sealed with HMAC, the head carries a MAC, and a plain-sha256 recomputation does not verify', async () => {
  const { state, dir, file, head } = setup();
  const log = openAuditLog(dir, { stateDir: state });
  for (let i = 1; i <= 4; i++) await log.append(entry(i));
  const key = readKeyFile(state)!;
  const recs = lines(file).map(parse);
  assert.ok(recs.every((r) => r.key === key.id));
  assert.equal(computeHash(recs[0]), undefined, 'a keyed record cannot be checked without its key');
  assert.equal(computeHash(recs[0], key), recs[0].hash);
  const h = head.read()!;
  assert.equal(h.mac, headMac(h, key));
  assert.equal(h.keyedFrom, 1);
  let v = log.verify();
  assert.equal(v.ok, true, v.firstBroken?.reason);
  assert.equal(v.keyed, 4);

  // A same-user process without the key rewrites record 2 and every record after it, and the head with them.
  forgeWithoutKey(file, head.file, 1, (r) => (r.command = 'echo harmless'));
  v = verifyChain(dir, { head: head.read(), key, requireHead: true });
  assert.equal(v.ok, false);
  assert.match(v.firstBroken!.reason, /unsealed record where the chain is keyed|downgrade/);
  assert.equal(v.firstBroken!.seq, 2);
  // Re-sealed with a guessed key: the seal does not match.
  const forged = lines(file).map(parse);
  const guess = auditKey(Buffer.alloc(32, 7));
  forged[1].key = key.id;
  forged[1].hash = crypto.createHmac('sha256', guess.secret).update(JSON.stringify({})).digest('hex');
  writeLines(file, forged.map((r) => JSON.stringify(r)));
  v = verifyChain(dir, { head: head.read(), key });
  assert.equal(v.ok, false);
  assert.match(v.firstBroken!.reason, /seal does not match/);
});

test('forging file and head together: the next append (a new process) writes a tamper record and continues from what it can trust', async () => {
  const { state, dir, file, head } = setup();
  const writer = openAuditLog(dir, { stateDir: state });
  for (let i = 1; i <= 5; i++) await writer.append(entry(i));
  const genuine = lines(file).map(parse);
  forgeWithoutKey(file, head.file, 2, (r) => (r.decision = 'denied'));
  // Another process (a hook, the CLI) appends next: it reads the head and the tail from disk.
  const other = openAuditLog(dir, { stateDir: state });
  const rec = await other.append(entry(6));
  const after = lines(file).map(parse);
  const tamper = after[after.length - 2];
  assert.equal(tamper.decision, 'tamper');
  assert.deepEqual(tamper.rules, [FORGED_RULE]);
  assert.equal(tamper.risk, 'critical');
  assert.match(tamper.reason!, /forged/);
  assert.equal(rec.prev, tamper.hash);
  assert.equal(tamper.key, readKeyFile(state)!.id);
  // It did not adopt the forgery: the forged head (plain, no MAC) is not trusted.
  const v = other.verify();
  assert.equal(v.ok, false);
  assert.equal(v.firstBroken!.seq, 3);
  assert.notEqual(after[2].hash, genuine[2].hash);
});

test('a writer that is running notices a rewrite even by someone holding the key', async () => {
  const { state, dir, file, head } = setup();
  const writer = openAuditLog(dir, { stateDir: state });
  for (let i = 1; i <= 4; i++) await writer.append(entry(i));
  const key = readKeyFile(state)!;
  // The attacker has the key (same user, read the 0600 file): rewrite record 3 and 4, re-seal, re-MAC the head.
  const recs = lines(file).map(parse);
  recs[2].command = 'echo nothing to see';
  for (let i = 2; i < recs.length; i++) {
    recs[i].prev = recs[i - 1].hash;
    recs[i].hash = computeHash(recs[i], key)!;
  }
  writeLines(file, recs.map((r) => JSON.stringify(r)));
  const forgedHead: ChainHead = { seq: 4, hash: recs[3].hash, keyedFrom: 1, key: key.id };
  forgedHead.mac = headMac(forgedHead, key);
  fs.writeFileSync(head.file, JSON.stringify(forgedHead));
  // A fresh verify cannot tell (the README says so) ...
  assert.equal(openAuditLog(dir, { stateDir: state }).verify().ok, true);
  // ... but the writer that wrote seq 4 remembers its hash, and says so on its next append.
  await writer.append(entry(5));
  const after = lines(file).map(parse);
  const tamper = after.find((r) => r.decision === 'tamper');
  assert.ok(tamper, 'a tamper record was written');
  assert.match(tamper.reason!, /seq 4 no longer has the hash the last record this process wrote/);
  assert.equal(writer.verify().ok, false);
});

test('a forged head (MAC wrong) is not followed: tamper record, chain continues from the file', async () => {
  const { state, dir, file, head } = setup();
  const a = openAuditLog(dir, { stateDir: state });
  for (let i = 1; i <= 3; i++) await a.append(entry(i));
  const h = head.read()!;
  fs.writeFileSync(head.file, JSON.stringify({ ...h, seq: 9, hash: 'f'.repeat(64) }));
  const b = openAuditLog(dir, { stateDir: state });
  const rec = await b.append(entry(4));
  const recs = lines(file).map(parse);
  assert.equal(recs[3].decision, 'tamper');
  assert.match(recs[3].reason!, /head .* was forged/);
  assert.equal(recs[3].seq, 4);
  assert.equal(recs[3].prev, recs[2].hash);
  assert.equal(rec.seq, 5);
  const v = b.verify();
  assert.equal(v.ok, true, v.firstBroken?.reason);
});

test('migration: an unkeyed log goes on keyed; verify counts both and says so; an unsealed record after keyed ones breaks', async () => {
  const { base, state, dir, file, head } = setup();
  const old = new AuditLog({ dir, headStore: head });
  for (let i = 1; i <= 3; i++) await old.append(entry(i));
  const keyed = openAuditLog(dir, { stateDir: state });
  for (let i = 4; i <= 5; i++) await keyed.append(entry(i));
  const v = keyed.verify();
  assert.equal(v.ok, true, v.firstBroken?.reason);
  assert.equal(v.unkeyed, 3);
  assert.equal(v.keyed, 2);
  assert.equal(head.read()!.keyedFrom, 4);
  const r = await withState(state, () => capture(() => runAudit(['verify', file])));
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /OK: 5 record\(s\).*3 older record\(s\) were written before the chain was keyed.*2 are sealed with the chain key/);
  // An old, unkeyed writer (or a forger) appends after the keyed records.
  const downgrade = new AuditLog({ dir, headStore: new FileHeadStore(path.join(base, 'other-head.json')) });
  await downgrade.append(entry(6));
  const v2 = verifyChain(dir, { key: readKeyFile(state) });
  assert.equal(v2.ok, false);
  assert.equal(v2.firstBroken!.seq, 6);
  assert.match(v2.firstBroken!.reason, /unsealed record where the chain is keyed/);
  // And the next keyed writer notices the unsealed tail.
  await keyed.append(entry(7));
  assert.ok(lines(file).map(parse).some((x) => x.decision === 'tamper' && /not sealed with the chain key/.test(x.reason ?? '')));
});

test('records written by many processes with the state folder key all verify (CLI, hooks, gates agree)', async () => {
  const { state, dir } = setup();
  const audit = path.resolve(__dirname, '../../../src/core/audit');
  const script = `const a=require(${JSON.stringify(audit)});(async()=>{const l=a.openAuditLog(process.env.D,{stateDir:process.env.S});for(let i=0;i<15;i++)await l.append({source:'cli',command:'echo '+i,decision:'allowed'});})().catch(e=>{console.error(e);process.exit(1)})`;
  const codes = await Promise.all(
    [0, 1, 2, 3].map(
      () =>
        new Promise<number>((resolve) => {
          const p = spawn(process.execPath, ['-e', script], { env: { ...process.env, D: dir, S: state }, stdio: 'inherit' });
          p.on('exit', (c) => resolve(c ?? -1));
        }),
    ),
  );
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const v = openAuditLog(dir, { stateDir: state }).verify();
  assert.equal(v.ok, true, v.firstBroken?.reason);
  assert.equal(v.records, 60);
  assert.equal(v.keyed, 60);
  assert.ok(!fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').includes('"tamper"'));
});

test('verify FILE verifies exactly FILE, not the audit.jsonl next to it', async () => {
  const { state, dir, file } = setup();
  const log = openAuditLog(dir, { stateDir: state });
  for (let i = 1; i <= 4; i++) await log.append(entry(i));
  const copy = path.join(dir, 'copy.jsonl');
  writeLines(copy, lines(file).map((l, i) => (i === 1 ? l.replace('build-2', 'build-X') : l)));
  let r = await withState(state, () => capture(() => runAudit(['verify', copy])));
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /BROKEN: .*copy\.jsonl line 2 \(seq 2\)/);
  // A clean copy of part of the log: it starts later (said), and its end has no head (exit 2 unless --lenient).
  writeLines(copy, lines(file).slice(1, 3));
  r = await withState(state, () => capture(() => runAudit(['verify', copy])));
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /NOT VERIFIED/);
  r = await withState(state, () => capture(() => runAudit(['verify', copy, '--lenient'])));
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /OK: 2 record\(s\) verified in 1 file\(s\) \(.*copy\.jsonl\)/);
  assert.match(r.err, /starts at seq 2/);
  // The live file by name still means the whole chain with its head.
  r = await withState(state, () => capture(() => runAudit(['verify', file])));
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /OK: 4 record\(s\)/);
});

test('deleting the head does not turn a truncated log into OK: exit 2 and a clear message; --lenient for the old behaviour', async () => {
  const { state, dir, file, head } = setup();
  const log = openAuditLog(dir, { stateDir: state });
  for (let i = 1; i <= 5; i++) await log.append(entry(i));
  writeLines(file, lines(file).slice(0, 3));
  let r = await withState(state, () => capture(() => runAudit(['verify', file])));
  assert.equal(r.code, 1);
  assert.match(r.out, /truncated/);
  fs.rmSync(head.file);
  r = await withState(state, () => capture(() => runAudit(['verify', file])));
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /NOT VERIFIED: the chain head kept outside the workspace is missing/);
  r = await withState(state, () => capture(() => runAudit(['verify', file, '--json'])));
  assert.equal(r.code, 2);
  assert.equal(JSON.parse(r.out).headMissing, true);
  r = await withState(state, () => capture(() => runAudit(['verify', file, '--lenient'])));
  assert.equal(r.code, 0);
  assert.match(r.err, /warning: no chain head/);
  // The editor's own verify says the same.
  const v = openAuditLog(dir, { stateDir: state }).verify();
  assert.equal(v.ok, false);
  assert.equal(v.headMissing, true);
});

test('deleting the head: a writer that is running still continues from what it wrote, and a truncation stays visible', async () => {
  const { state, dir, file, head } = setup();
  const log = openAuditLog(dir, { stateDir: state });
  for (let i = 1; i <= 5; i++) await log.append(entry(i));
  writeLines(file, lines(file).slice(0, 2));
  fs.rmSync(head.file);
  const rec = await log.append(entry(6));
  assert.equal(rec.seq, 6, 'continues after seq 5, which it wrote');
  const v = verifyChain(dir, { head: head.read(), key: readKeyFile(state) });
  assert.equal(v.ok, false);
  assert.match(v.firstBroken!.reason, /deleted/);
});

async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '']);
  return new Promise<number>((r) => p.on('exit', () => r(p.pid!)));
}

test('a planted or stale .twokey/audit.lock never makes a writer drop its record', async () => {
  const cases: Array<[string, (lock: string) => void | Promise<void>]> = [
    ['dead pid, old time', async (lock) => fs.writeFileSync(lock, JSON.stringify({ pid: await deadPid(), host: os.hostname(), token: 'x', at: Date.now() - 3_600_000 }))],
    ['dead pid, time in the future', async (lock) => fs.writeFileSync(lock, JSON.stringify({ pid: await deadPid(), host: os.hostname(), token: 'x', at: Date.now() + 3_600_000 }))],
    ['live pid, time far in the future', (lock) => fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid || 1, host: os.hostname(), token: 'x', at: 9e15 }))],
    ['live pid, fresh time, another host', (lock) => fs.writeFileSync(lock, JSON.stringify({ pid: 1, host: 'elsewhere', token: 'x', at: Date.now() }))],
    ['garbage, mtime in the future', (lock) => {
      fs.writeFileSync(lock, 'not json');
      const t = new Date(Date.now() + 86_400_000);
      fs.utimesSync(lock, t, t);
    }],
    ['a folder', (lock) => fs.mkdirSync(path.join(lock, 'inside'), { recursive: true })],
    ['a dangling symlink', (lock) => fs.symlinkSync(path.join(os.tmpdir(), 'twokey-nowhere-' + process.pid), lock)],
  ];
  for (const [name, plant] of cases) {
    const { state, dir, file } = setup();
    fs.mkdirSync(dir, { recursive: true });
    const lock = path.join(dir, 'audit.lock');
    await plant(lock);
    const log = openAuditLog(dir, { stateDir: state, lockTimeoutMs: 400 });
    const rec = await log.append(entry(1));
    assert.equal(rec.seq, 1, name);
    assert.equal(lines(file).length, 1, name);
    assert.ok(!fs.existsSync(lock), `${name}: the lock is gone after the append`);
    assert.ok(!fs.readdirSync(dir).some((n) => n.includes('.stale.')), `${name}: nothing left aside`);
  }
});
