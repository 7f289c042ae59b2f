import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  AuditLog,
  canonicalJson,
  computeHash,
  FileHeadStore,
  GENESIS,
  MemoryHeadStore,
  TAMPER_RULE,
  verifyChain,
  type AuditRecord,
} from '../../../src/core/audit';
import { entry, lines, tmpDir, writeLines } from './helpers';

async function makeLog(n: number, opts: { maxBytes?: number } = {}) {
  const dir = path.join(tmpDir(), '.twokey');
  const headStore = new MemoryHeadStore();
  const log = new AuditLog({ dir, headStore, maxBytes: opts.maxBytes });
  for (let i = 1; i <= n; i++) await log.append(entry(i));
  return { dir, log, headStore, file: path.join(dir, 'audit.jsonl') };
}

function rehash(line: string, patch: (r: AuditRecord) => void): string {
  const r = JSON.parse(line) as AuditRecord;
  patch(r);
  r.hash = computeHash(r);
  return JSON.stringify(r);
}

test('canonical JSON sorts keys at every level and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: 'x' }, u: undefined }), '{"a":{"c":"x","d":[1,{"z":1}]},"b":1}');
});

test('append writes one chained record a line, with the design fields in order', async () => {
  const { file, log, headStore, dir } = await makeLog(3);
  const ls = lines(file);
  assert.equal(ls.length, 3);
  const recs = ls.map((l) => JSON.parse(l) as AuditRecord);
  assert.deepEqual(
    Object.keys(recs[0]),
    ['ts', 'seq', 'id', 'source', 'command', 'cwd', 'environment', 'evidence', 'risk', 'rules', 'decision', 'decidedBy', 'durationMs', 'prev', 'hash'],
  );
  assert.equal(recs[0].prev, GENESIS);
  assert.deepEqual(
    recs.map((r) => r.seq),
    [1, 2, 3],
  );
  assert.equal(recs[1].prev, recs[0].hash);
  assert.equal(recs[2].prev, recs[1].hash);
  for (const r of recs) assert.equal(computeHash(r), r.hash);
  assert.deepEqual(headStore.read()?.seq, 3);
  assert.equal(headStore.read()?.hash, recs[2].hash);
  assert.match(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), /^audit\*\.jsonl$/m);
  assert.deepEqual(log.verify().ok, true);
});

test('append masks secrets and keeps optional fields', async () => {
  const dir = path.join(tmpDir(), '.twokey');
  const log = new AuditLog({ dir, gitignore: false });
  const r = await log.append(
    entry(1, {
      command: 'PGPASSWORD=s3cretpw psql -h prod -c "DROP TABLE x"',
      reason: 'drops a table in production (Bearer abcdefgh12345678 seen)',
      session: 's-1',
      terminal: 'bash (pid 42)',
      user: 'ana',
      evidence: [{ signal: 'env:DATABASE_URL', value: 'postgres://u:pw99@db/prod', environment: 'production' }],
    }),
  );
  const text = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
  assert.ok(!text.includes('s3cretpw') && !text.includes('pw99') && !text.includes('abcdefgh12345678'));
  assert.equal(r.command, 'PGPASSWORD=**** psql -h prod -c "DROP TABLE x"');
  assert.equal(r.session, 's-1');
  assert.equal(r.user, 'ana');
  assert.ok(!fs.existsSync(path.join(dir, '.gitignore')), 'gitignore: false writes none');
});

test('an existing .twokey/.gitignore is left alone', async () => {
  const dir = path.join(tmpDir(), '.twokey');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, '.gitignore'), '# mine\n');
  await new AuditLog({ dir }).append(entry(1));
  assert.equal(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), '# mine\n');
});

test('verify: an intact log', async () => {
  const { log } = await makeLog(10);
  const r = log.verify();
  assert.equal(r.ok, true);
  assert.equal(r.records, 10);
  assert.equal(r.firstBroken, undefined);
});

type Tamper = { name: string; edit: (ls: string[]) => string[]; line: number; reason: RegExp; seq?: number };

const TAMPERS: Tamper[] = [
  {
    name: 'an edited record',
    edit: (ls) => ls.map((l, i) => (i === 3 ? l.replace('rm -rf build-4', 'ls build-4') : l)),
    line: 4,
    reason: /changed after it was written/,
    seq: 4,
  },
  {
    name: 'an edited record whose hash was recomputed',
    edit: (ls) => ls.map((l, i) => (i === 3 ? rehash(l, (r) => (r.decision = 'allowed')) : l)),
    line: 4,
    reason: /rewritten/,
  },
  { name: 'a deleted record', edit: (ls) => ls.filter((_, i) => i !== 3), line: 4, reason: /deleted before this one/, seq: 5 },
  { name: 'two deleted records', edit: (ls) => ls.filter((_, i) => i !== 3 && i !== 4), line: 4, reason: /2 record\(s\) deleted/ },
  { name: 'a deleted first record', edit: (ls) => ls.slice(1), line: 1, reason: /starts at seq 2/ },
  { name: 'two swapped records', edit: (ls) => [...ls.slice(0, 3), ls[4], ls[3], ...ls.slice(5)], line: 4, reason: /out of order/ },
  {
    name: 'a record moved to the end',
    edit: (ls) => [...ls.slice(0, 3), ...ls.slice(4), ls[3]],
    line: 4,
    reason: /deleted before this one|out of order/,
  },
  {
    name: 'an inserted record forged to fit the chain',
    edit: (ls) => {
      const prev = JSON.parse(ls[2]) as AuditRecord;
      const forged = JSON.parse(ls[3]) as AuditRecord;
      forged.id = 'forged';
      forged.command = 'echo harmless';
      forged.prev = prev.hash;
      forged.seq = 4;
      forged.hash = computeHash(forged);
      return [...ls.slice(0, 3), JSON.stringify(forged), ...ls.slice(3)];
    },
    line: 4,
    reason: /inserted/,
  },
  { name: 'a copied record inserted', edit: (ls) => [...ls.slice(0, 6), ls[1], ...ls.slice(6)], line: 7, reason: /out of order/ },
  { name: 'a blank line inserted', edit: (ls) => [...ls.slice(0, 5), '', ...ls.slice(5)], line: 6, reason: /blank line/ },
  { name: 'a damaged line', edit: (ls) => ls.map((l, i) => (i === 6 ? l.slice(0, 40) + '#' + l.slice(41) : l)), line: 7, reason: /not valid JSON|changed/ },
  { name: 'three records cut from the end', edit: (ls) => ls.slice(0, 7), line: 8, reason: /truncated.*seq 7.*seq 10/ },
  { name: 'a record appended at the end', edit: (ls) => [...ls, rehash(ls[9], (r) => ((r.seq = 11), (r.prev = (JSON.parse(ls[9]) as AuditRecord).hash), (r.command = 'x')))], line: 11, reason: /after the chain head/ },
  {
    name: 'the whole tail rewritten consistently',
    edit: (ls) => {
      const out = ls.slice(0, 5);
      let prev = (JSON.parse(out[4]) as AuditRecord).hash;
      for (const l of ls.slice(5)) {
        const r = JSON.parse(l) as AuditRecord;
        r.prev = prev;
        r.command = 'echo nothing to see';
        r.hash = computeHash(r);
        prev = r.hash;
        out.push(JSON.stringify(r));
      }
      return out;
    },
    line: 10,
    reason: /chain head kept outside the workspace.*rewritten/,
  },
];

for (const t of TAMPERS) {
  test(`verify finds ${t.name} at the right line`, async () => {
    const { file, log } = await makeLog(10);
    writeLines(file, t.edit(lines(file)));
    const r = log.verify();
    assert.equal(r.ok, false, 'not ok');
    assert.equal(r.firstBroken?.file, file);
    assert.equal(r.firstBroken?.line, t.line, r.firstBroken?.reason);
    assert.match(r.firstBroken!.reason, t.reason);
    if (t.seq !== undefined) assert.equal(r.firstBroken?.seq, t.seq);
  });
}

test('verify finds a record cut in the middle (torn tail)', async () => {
  const { file, log } = await makeLog(5);
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.slice(0, text.length - 30));
  const r = log.verify();
  assert.equal(r.firstBroken?.line, 5);
  assert.match(r.firstBroken!.reason, /cut short/);
});

test('verify finds a deleted log through the head kept outside', async () => {
  const { file, log } = await makeLog(4);
  fs.unlinkSync(file);
  const r = log.verify();
  assert.equal(r.ok, false);
  assert.match(r.firstBroken!.reason, /deleted.*4 record/);
  assert.equal(r.firstBroken?.file, file);
});

test('without a head, truncation from the end cannot be seen and verify says so', async () => {
  const { dir, file } = await makeLog(6);
  writeLines(file, lines(file).slice(0, 3));
  const r = verifyChain(dir);
  assert.equal(r.ok, true);
  assert.equal(r.records, 3);
  assert.match(r.warnings.join(' '), /no chain head/);
});

test('after truncation, new records continue from the head so the gap stays on record', async () => {
  const { file, log } = await makeLog(6);
  writeLines(file, lines(file).slice(0, 3));
  const rec = await log.append(entry(99));
  assert.equal(rec.seq, 7);
  const r = log.verify();
  assert.equal(r.ok, false);
  assert.equal(r.firstBroken?.line, 4);
  assert.match(r.firstBroken!.reason, /3 record\(s\) deleted/);
});

test('after the log is deleted, the new log starts after the head and verify says records were deleted', async () => {
  const { file, log } = await makeLog(5);
  fs.unlinkSync(file);
  await log.append(entry(6));
  const r = log.verify();
  assert.equal(r.firstBroken?.line, 1);
  assert.match(r.firstBroken!.reason, /starts at seq 6/);
});

test('verifyAndRecord puts a detected break on record once', async () => {
  const { file, log } = await makeLog(5);
  writeLines(file, lines(file).map((l, i) => (i === 1 ? l.replace('build-2', 'build-X') : l)));
  const r1 = await log.verifyAndRecord();
  const r2 = await log.verifyAndRecord();
  assert.equal(r1.ok, false);
  assert.equal(r2.ok, false);
  const fresh = new AuditLog({ dir: log.dir, headStore: log.headStore });
  assert.equal((await fresh.verifyAndRecord()).ok, false);
  const tampers = [...log.read()].filter((x) => x.rules.includes(TAMPER_RULE));
  assert.equal(tampers.length, 1);
  assert.equal(tampers[0].decision, 'observed');
  assert.match(tampers[0].reason ?? '', /audit\.jsonl line 2/);
});

test('rotation by size keeps one valid chain across files', async () => {
  const { dir, log, file } = await makeLog(60, { maxBytes: 4000 });
  const names = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort();
  assert.ok(names.length >= 4, names.join(' '));
  assert.ok(names.includes('audit.1.jsonl') && names.includes('audit.2.jsonl') && names.includes('audit.jsonl'));
  for (const n of names) assert.ok(fs.statSync(path.join(dir, n)).size <= 4000, `${n} is within maxBytes`);
  const r = log.verify();
  assert.equal(r.ok, true, r.firstBroken?.reason);
  assert.equal(r.records, 60);
  assert.equal(r.files[r.files.length - 1], file);
  // The first record of each rotated file continues from the last of the one before.
  const first2 = JSON.parse(lines(path.join(dir, 'audit.2.jsonl'))[0]) as AuditRecord;
  const last1 = JSON.parse(lines(path.join(dir, 'audit.1.jsonl')).at(-1)!) as AuditRecord;
  assert.equal(first2.prev, last1.hash);
  assert.deepEqual(
    [...log.read()].map((x) => x.seq),
    Array.from({ length: 60 }, (_, i) => 60 - i),
  );
});

test('a deleted rotated file breaks the chain at the next file', async () => {
  const { dir, log } = await makeLog(40, { maxBytes: 3000 });
  fs.unlinkSync(path.join(dir, 'audit.2.jsonl'));
  const r = log.verify();
  assert.equal(r.ok, false);
  assert.equal(path.basename(r.firstBroken!.file), 'audit.3.jsonl');
  assert.equal(r.firstBroken?.line, 1);
  assert.match(r.firstBroken!.reason, /deleted/);
});

test('read: newest first, limit, beforeSeq, afterSeq, filter, readSince', async () => {
  const { log } = await makeLog(20, { maxBytes: 2500 });
  assert.deepEqual(
    [...log.read({ limit: 3 })].map((r) => r.seq),
    [20, 19, 18],
  );
  assert.deepEqual(
    [...log.read({ beforeSeq: 5 })].map((r) => r.seq),
    [4, 3, 2, 1],
  );
  assert.deepEqual(
    [...log.read({ afterSeq: 17 })].map((r) => r.seq),
    [20, 19, 18],
  );
  assert.deepEqual(
    [...log.read({ filter: (r) => r.decision === 'denied' })].map((r) => r.seq),
    [20, 16, 12, 8, 4],
  );
  assert.deepEqual(
    log.readSince(18).map((r) => r.seq),
    [19, 20],
  );
});

test('read skips lines that are not records', async () => {
  const { file, log } = await makeLog(3);
  fs.appendFileSync(file, 'garbage\n');
  assert.deepEqual(
    [...log.read()].map((r) => r.seq),
    [3, 2, 1],
  );
});

test('an append after a torn write starts on a new line and the next append still chains', async () => {
  const { file, log } = await makeLog(3);
  fs.appendFileSync(file, '{"seq":4,"pre');
  const fresh = new AuditLog({ dir: log.dir, headStore: log.headStore });
  const r = await fresh.append(entry(4));
  assert.equal(r.seq, 4);
  const ls = fs.readFileSync(file, 'utf8').split('\n');
  assert.equal(ls[3], '{"seq":4,"pre');
  assert.equal((JSON.parse(ls[4]) as AuditRecord).seq, 4);
  const v = fresh.verify();
  assert.equal(v.firstBroken?.line, 4);
});

test('FileHeadStore: 0600 JSON file, atomic replace, forLog names per folder', () => {
  const d = tmpDir();
  const s = FileHeadStore.forLog(path.join(d, 'state'), '/some/ws/.twokey');
  assert.equal(s.read(), undefined);
  s.write({ seq: 3, hash: 'a'.repeat(64) });
  assert.equal(s.read()?.seq, 3);
  if (process.platform !== 'win32') assert.equal(fs.statSync(s.file).mode & 0o777, 0o600);
  assert.notEqual(FileHeadStore.forLog(d, '/other/.twokey').file, s.file);
  fs.writeFileSync(s.file, '{broken');
  assert.equal(s.read(), undefined);
});

test('onDidAppend tells listeners; listeners that throw do not break appends', async () => {
  const { log } = await makeLog(0);
  const seen: number[] = [];
  const d = log.onDidAppend((r) => seen.push(r.seq));
  log.onDidAppend(() => {
    throw new Error('boom');
  });
  await log.append(entry(1));
  d.dispose();
  await log.append(entry(2));
  assert.deepEqual(seen, [1]);
});

test('concurrent appends from one object keep order', async () => {
  const { log, file } = await makeLog(0);
  const recs = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(entry(i))));
  assert.deepEqual(
    recs.map((r) => r.seq),
    Array.from({ length: 50 }, (_, i) => i + 1),
  );
  assert.equal(lines(file).length, 50);
  assert.equal(log.verify().ok, true);
});
