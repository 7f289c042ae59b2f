import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as dgram from 'node:dgram';
import * as path from 'node:path';
import { AuditLog, csvCell, exportRecords, FileHeadStore, MemoryHeadStore, readChainOrder, syslogMessage, type AuditRecord } from '../../../src/core/audit';
import { runAudit } from '../../../src/cli/audit';
import { entry, lines, tmpDir, writeLines } from './helpers';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  let out = '';
  let err = '';
  process.stdout.write = ((s: string | Uint8Array) => ((out += String(s)), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => ((err += String(s)), true)) as typeof process.stderr.write;
  try {
    return { code: await fn(), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

test('CSV cells: quoting and spreadsheet formulas', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('@SUM(1)'), "'@SUM(1)");
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(3), '3');
});

test('export: csv, json and jsonl in chain order', async () => {
  const dir = path.join(tmpDir(), '.twokey');
  const log = new AuditLog({ dir, maxBytes: 1500 });
  for (let i = 1; i <= 8; i++) await log.append(entry(i, { command: i === 2 ? 'echo "a, b"\nnext' : `rm -rf x${i}` }));
  const recs = [...readChainOrder(dir)];
  assert.deepEqual(
    recs.map((r) => r.seq),
    [1, 2, 3, 4, 5, 6, 7, 8],
  );
  let csv = '';
  assert.equal(exportRecords(recs, 'csv', (s) => (csv += s)), 8);
  const rows = csv.split('\r\n');
  assert.match(rows[0], /^ts,seq,id,source,command,cwd,environment,evidence,risk,rules,decision,decidedBy,durationMs/);
  assert.ok(csv.includes('"echo ""a, b""\nnext"'));
  let json = '';
  exportRecords(recs, 'json', (s) => (json += s));
  assert.deepEqual(JSON.parse(json), recs);
  let empty = '';
  exportRecords([], 'json', (s) => (empty += s));
  assert.deepEqual(JSON.parse(empty), []);
  let jl = '';
  exportRecords(recs, 'jsonl', (s) => (jl += s));
  assert.equal(jl.trim().split('\n').length, 8);
});

test('twokey audit verify: OK with count, or the first broken line and exit 1', async () => {
  const base = tmpDir();
  const dir = path.join(base, '.twokey');
  const headFile = path.join(base, 'head.json');
  const log = new AuditLog({ dir, headStore: new FileHeadStore(headFile) });
  for (let i = 1; i <= 5; i++) await log.append(entry(i));
  const file = path.join(dir, 'audit.jsonl');
  let r = await capture(() => runAudit(['verify', file, '--head', headFile]));
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^OK: 5 record\(s\)/);
  r = await capture(() => runAudit(['verify', dir, '--head', headFile, '--json']));
  assert.equal(JSON.parse(r.out).ok, true);

  writeLines(file, lines(file).map((l, i) => (i === 2 ? l.replace('build-3', 'build-9') : l)));
  r = await capture(() => runAudit(['verify', file, '--head', headFile]));
  assert.equal(r.code, 1);
  assert.match(r.out, /BROKEN: .*audit\.jsonl line 3 \(seq 3\): .*changed/);

  writeLines(file, lines(file).slice(0, 2));
  r = await capture(() => runAudit(['verify', file, '--head', headFile]));
  assert.equal(r.code, 1);
  assert.match(r.out, /line 3 .*truncated/);
  r = await capture(() => runAudit(['verify', file, '--no-head']));
  assert.equal(r.code, 0);
  assert.match(r.err, /no chain head/);

  r = await capture(() => runAudit(['verify', path.join(base, 'nowhere', 'audit.jsonl'), '--no-head']));
  assert.equal(r.code, 1);
  assert.match(r.err, /no audit log/);
});

test('twokey audit verify defaults to ./.twokey/audit.jsonl', async () => {
  const base = tmpDir();
  const log = new AuditLog({ dir: path.join(base, '.twokey') });
  await log.append(entry(1));
  const cwd = process.cwd();
  process.chdir(base);
  try {
    const r = await capture(() => runAudit(['verify', '--no-head']));
    assert.equal(r.code, 0);
    assert.match(r.out, /OK: 1 record/);
  } finally {
    process.chdir(cwd);
  }
});

test('twokey audit export --format csv|json [FILE] --out F', async () => {
  const base = tmpDir();
  const dir = path.join(base, '.twokey');
  const log = new AuditLog({ dir });
  for (let i = 1; i <= 3; i++) await log.append(entry(i));
  const out = path.join(base, 'x.csv');
  let r = await capture(() => runAudit(['export', '--format', 'csv', path.join(dir, 'audit.jsonl'), '--out', out]));
  assert.equal(r.code, 0, r.err);
  assert.equal(fs.readFileSync(out, 'utf8').trim().split('\r\n').length, 4);
  r = await capture(() => runAudit(['export', '--format=json', dir]));
  assert.equal(r.code, 0);
  assert.equal((JSON.parse(r.out) as AuditRecord[]).length, 3);
  r = await capture(() => runAudit(['export', '--format', 'xml', dir]));
  assert.equal(r.code, 64);
  r = await capture(() => runAudit(['frobnicate']));
  assert.equal(r.code, 64);
});

test('forwarding: file, local HTTP and syslog get each record; failures never fail an append', async () => {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (c) => (b += c));
    req.on('end', () => {
      bodies.push(b);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const udp = dgram.createSocket('udp4');
  const grams: string[] = [];
  udp.on('message', (m) => grams.push(m.toString()));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
  const udpPort = udp.address().port;
  const base = tmpDir();
  const errors: string[] = [];
  const log = new AuditLog({
    dir: path.join(base, '.twokey'),
    headStore: new MemoryHeadStore(),
    forward: { file: path.join(base, 'fwd.jsonl'), http: `http://127.0.0.1:${port}/twokey`, syslog: { port: udpPort } },
    onError: (m) => errors.push(m),
  });
  try {
    const a = await log.append(entry(4)); // denied
    const b = await log.append(entry(1)); // allowed
    await log.flush();
    for (let i = 0; i < 50 && grams.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(
      lines(path.join(base, 'fwd.jsonl')).map((l) => (JSON.parse(l) as AuditRecord).hash),
      [a.hash, b.hash],
    );
    assert.deepEqual(bodies.map((x) => (JSON.parse(x) as AuditRecord).seq).sort(), [1, 2]);
    assert.equal(grams.length, 2);
    const denied = grams.find((g) => g.includes(a.hash))!;
    assert.match(denied, /^<108>1 \S+ \S+ twokey \d+ denied - \{/);
    assert.equal(errors.length, 0, errors.join('\n'));
  } finally {
    server.close();
    udp.close();
    log.dispose();
  }

  const broken = new AuditLog({
    dir: path.join(base, '.twokey2'),
    forward: { http: 'http://127.0.0.1:1/nothing', file: path.join(base, 'no', 'such', 'dir', 'f.jsonl') },
    onError: (m) => errors.push(m),
  });
  const t0 = Date.now();
  const rec = await broken.append(entry(1));
  assert.ok(Date.now() - t0 < 200, 'append did not wait for forwarding');
  assert.equal(rec.seq, 1);
  await broken.flush();
  assert.ok(errors.some((e) => /http/.test(e)) && errors.some((e) => /file/.test(e)), errors.join('\n'));
});

test('syslogMessage follows RFC 5424 framing', () => {
  const rec = { ts: '2025-01-02T03:04:05.000Z', decision: 'allowed' } as AuditRecord;
  assert.equal(syslogMessage(rec, '{}', 'twokey', 'my host'), `<110>1 2025-01-02T03:04:05.000Z myhost twokey ${process.pid} allowed - {}`);
});
