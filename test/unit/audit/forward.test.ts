/**
 * Forwarding as an external witness: every record into a real rsyslog (RFC 5424 over TCP,
 * octet-counted) started here on a loopback port, from the editor's log and from a separate
 * short-lived process that reads the forwarding from the state folder as the CLI, the agent
 * hooks and the offline gate do; TLS against a local TLS server; plain http only to this
 * machine.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import * as http from 'node:http';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  Forwarder,
  httpForwardProblem,
  isLoopbackHost,
  openAuditLog,
  parseSyslogTarget,
  readForwardConfig,
  reconcileKey,
  watchKeyFile,
  readKeyFile,
  writeForwardConfig,
  keyFilePath,
  type AuditRecord,
  type SecretStore,
} from '../../../src/core/audit';
import { entry, tmpDir } from './helpers';

const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => fs.existsSync(p));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitFor<T>(fn: () => T | undefined, ms = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let rsyslog: ChildProcess | undefined;
let port = 0;
let outFile = '';

before(async () => {
  if (!RSYSLOGD) return;
  const dir = tmpDir('twokey-rsyslog-');
  port = await freePort();
  outFile = path.join(dir, 'out.log');
  const conf = path.join(dir, 'rsyslog.conf');
  fs.writeFileSync(
    conf,
    [
      `global(workDirectory="${dir}")`,
      'module(load="imtcp")',
      `input(type="imtcp" port="${port}" address="127.0.0.1")`,
      'template(name="tk" type="string" string="%app-name%|%procid%|%msgid%|%syslogfacility%|%syslogseverity%|%msg%\\n")',
      `*.* action(type="omfile" file="${outFile}" template="tk")`,
      '',
    ].join('\n'),
  );
  const check = spawnSync(RSYSLOGD, ['-N1', '-f', conf], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  rsyslog = spawn(RSYSLOGD, ['-n', '-iNONE', '-f', conf], { stdio: 'ignore' });
  await waitFor(
    () => {
      const r = spawnSync(process.execPath, ['-e', `require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))`]);
      return r.status === 0 || undefined;
    },
    10_000,
    'rsyslogd to listen',
  );
});

after(() => {
  rsyslog?.kill();
});

interface Received {
  app: string;
  procid: string;
  msgid: string;
  facility: number;
  severity: number;
  rec: AuditRecord;
}

function received(): Received[] {
  if (!fs.existsSync(outFile)) return [];
  return fs
    .readFileSync(outFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [app, procid, msgid, facility, severity, ...rest] = l.split('|');
      return { app, procid, msgid, facility: Number(facility), severity: Number(severity), rec: JSON.parse(rest.join('|').trim()) as AuditRecord };
    });
}

test('every record reaches a real rsyslog over TCP (RFC 5424, octet counting): the editor and a separate CLI process', { skip: RSYSLOGD ? false : 'rsyslogd is not installed (scripts/setup-vscode.sh installs it)' }, async () => {
  const base = tmpDir();
  const state = path.join(base, 'state');
  const dir = path.join(base, 'ws', '.twokey');
  // What the extension does with its settings: forwarding for itself, and written down for the CLI.
  writeForwardConfig(state, { syslog: `tcp://127.0.0.1:${port}` });
  assert.deepEqual(readForwardConfig(state), { syslog: { protocol: 'tcp', host: '127.0.0.1', port } });
  const editor = openAuditLog(dir, { stateDir: state });
  const written: AuditRecord[] = [];
  for (let i = 1; i <= 3; i++) written.push(await editor.append(entry(i, { command: `rm -rf build-${i} # token=ghp_${'a'.repeat(36)}` })));
  await editor.flush(3000);
  // A hook or the offline gate: its own process, only the state folder to go on.
  const audit = path.resolve(__dirname, '../../../src/core/audit');
  const child = spawnSync(
    process.execPath,
    [
      '-e',
      `const a=require(${JSON.stringify(audit)});(async()=>{const l=a.openAuditLog(process.env.D,{stateDir:process.env.S,onError:(m)=>console.error(m)});await l.append({source:'claude-code',command:'git push --force',decision:'denied'});await l.flush(2000);l.dispose();})()`,
    ],
    { env: { ...process.env, D: dir, S: state }, encoding: 'utf8' },
  );
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stderr, '');
  const got = await waitFor(() => (received().length >= 4 ? received() : undefined), 10_000, 'four records in rsyslog');
  assert.equal(got.length, 4);
  const lines = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
  assert.deepEqual(
    got.map((g) => g.rec),
    lines,
    'rsyslog holds exactly the records of the log, sealed hashes included',
  );
  for (const g of got) {
    assert.equal(g.app, 'twokey');
    assert.equal(g.facility, 13, 'facility log audit');
    assert.equal(g.msgid, g.rec.decision);
    assert.ok(!JSON.stringify(g.rec).includes('a'.repeat(36)), 'secrets are masked before they leave');
  }
  assert.equal(got[3].severity, 4, 'a denial is a warning');
  assert.equal(got[3].rec.source, 'claude-code');
  assert.equal(got[0].rec.hash, written[0].hash);
  // A witness outside the machine's log: rewriting the file does not change what rsyslog holds.
  editor.dispose();
});

test('syslog over TLS to a TLS server that checks nothing but the framing', async () => {
  const dir = tmpDir('twokey-tls-');
  const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { encoding: 'utf8' });
  if (gen.status !== 0) return; // no openssl: nothing to sign a certificate with
  let data = '';
  const server = tls.createServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) }, (s) => s.on('data', (d) => (data += d.toString())));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const p = (server.address() as net.AddressInfo).port;
  const errors: string[] = [];
  const fw = new Forwarder({ syslog: { protocol: 'tls', host: 'localhost', port: p, ca: path.join(dir, 'c.pem') } }, (m) => errors.push(m));
  const rec = { ts: new Date().toISOString(), decision: 'tamper' } as AuditRecord;
  fw.send(rec, '{"x":1}');
  fw.send(rec, '{"x":2}');
  await fw.flush(3000);
  await waitFor(() => (data.includes('{"x":2}') ? true : undefined), 5000, 'two messages');
  fw.dispose();
  server.close();
  assert.deepEqual(errors, []);
  const frames: string[] = [];
  let rest = data;
  while (rest) {
    const sp = rest.indexOf(' ');
    const n = Number(rest.slice(0, sp));
    frames.push(Buffer.from(rest.slice(sp + 1)).subarray(0, n).toString());
    rest = Buffer.from(rest.slice(sp + 1)).subarray(n).toString();
  }
  assert.equal(frames.length, 2);
  assert.match(frames[0], /^<106>1 \S+ \S+ twokey \d+ tamper - \{"x":1\}$/);
  // An untrusted certificate is refused (no CA given: the self-signed one is not trusted).
  const bad: string[] = [];
  const server2 = tls.createServer({ key: fs.readFileSync(path.join(dir, 'k.pem')), cert: fs.readFileSync(path.join(dir, 'c.pem')) }, () => undefined);
  await new Promise<void>((r) => server2.listen(0, '127.0.0.1', () => r()));
  const fw2 = new Forwarder({ syslog: { protocol: 'tls', host: 'localhost', port: (server2.address() as net.AddressInfo).port } }, (m) => bad.push(m));
  fw2.send(rec, '{}');
  await fw2.flush(3000);
  await waitFor(() => (bad.length ? true : undefined), 5000, 'a certificate error');
  fw2.dispose();
  server2.close();
  assert.match(bad[0], /syslog failed: .*(self[- ]signed|certificate)/i);
});

test('plain http only to this machine; https anywhere', async () => {
  assert.equal(httpForwardProblem('https://logs.example.com/twokey'), undefined);
  assert.equal(httpForwardProblem('http://127.0.0.1:8686/twokey'), undefined);
  assert.equal(httpForwardProblem('http://[::1]:8686/x'), undefined);
  assert.equal(httpForwardProblem('http://localhost:1/x'), undefined);
  assert.match(httpForwardProblem('http://logs.example.com/twokey')!, /in clear/);
  assert.match(httpForwardProblem('http://10.0.0.5/twokey')!, /in clear/);
  assert.match(httpForwardProblem('http://127.0.0.1.example.com/x')!, /in clear/);
  assert.match(httpForwardProblem('ftp://127.0.0.1/x')!, /unsupported/);
  assert.ok(isLoopbackHost('127.8.9.10') && !isLoopbackHost('128.0.0.1') && !isLoopbackHost('localhost.example.com'));
  // A real request: sent to loopback, refused (and reported) elsewhere without opening a connection.
  let got = '';
  const server = http.createServer((req, res) => {
    req.on('data', (d) => (got += d));
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const errors: string[] = [];
  const ok = new Forwarder({ http: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/t` }, (m) => errors.push(m));
  ok.send({} as AuditRecord, '{"seq":1}');
  await ok.flush(3000);
  server.close();
  assert.equal(got, '{"seq":1}');
  const refused = new Forwarder({ http: 'http://192.0.2.1/t' }, (m) => errors.push(m));
  refused.send({} as AuditRecord, '{"seq":2}');
  await refused.flush(3000);
  assert.equal(errors.length, 1);
  assert.match(errors[0], /forwarding to http failed: plain http to another machine/);
});

test('syslog targets parse; the state folder config is what the CLI reads', () => {
  assert.deepEqual(parseSyslogTarget('tcp://logs.internal:1514'), { protocol: 'tcp', host: 'logs.internal', port: 1514 });
  assert.deepEqual(parseSyslogTarget('tls://logs.internal'), { protocol: 'tls', host: 'logs.internal', port: 6514 });
  assert.deepEqual(parseSyslogTarget('udp://[::1]'), { protocol: 'udp', host: '::1', port: 514 });
  assert.equal(parseSyslogTarget('http://x'), undefined);
  const state = path.join(tmpDir(), 'state');
  assert.equal(readForwardConfig(state), undefined);
  writeForwardConfig(state, { http: 'https://x.example/t', syslog: true });
  assert.equal(fs.statSync(path.join(state, 'audit-forward.json')).mode & 0o777, 0o600);
  assert.deepEqual(readForwardConfig(state), { http: 'https://x.example/t', syslog: true });
  writeForwardConfig(state, undefined);
  assert.equal(readForwardConfig(state), undefined);
});

class MemorySecrets implements SecretStore {
  map = new Map<string, string>();
  failing = false;
  async get(n: string) {
    if (this.failing) throw new Error('no keychain');
    return this.map.get(n);
  }
  async store(n: string, v: string) {
    if (this.failing) throw new Error('no keychain');
    this.map.set(n, v);
  }
}

test('the editor keeps the key in the keychain too and puts back a deleted or replaced key file', async () => {
  const state = path.join(tmpDir(), 'state');
  const secrets = new MemorySecrets();
  const first = await reconcileKey(secrets, state);
  assert.equal(first.kept, 'keychain and file');
  assert.equal(first.tamper, undefined);
  assert.equal(readKeyFile(state)!.id, first.key!.id, 'the CLI reads the same key');
  fs.rmSync(keyFilePath(state));
  const again = await reconcileKey(secrets, state);
  assert.equal(again.key!.id, first.key!.id);
  assert.match(again.tamper!, /deleted/);
  assert.equal(readKeyFile(state)!.id, first.key!.id);
  fs.writeFileSync(keyFilePath(state), 'ab'.repeat(32) + '\n', { mode: 0o600 });
  const replaced = await reconcileKey(secrets, state);
  assert.match(replaced.tamper!, /replaced by another key/);
  assert.equal(readKeyFile(state)!.id, first.key!.id);
  // No keychain (a server without one): the file alone, said in a note.
  const noKeychain = new MemorySecrets();
  noKeychain.failing = true;
  const fileOnly = await reconcileKey(noKeychain, state);
  assert.equal(fileOnly.kept, 'file only');
  assert.equal(fileOnly.key!.id, first.key!.id);
  assert.match(fileOnly.notes.join(' '), /kept only in/);
});

test('while the editor runs, a replaced key file is put back at once and reported', async () => {
  const state = path.join(tmpDir(), 'state');
  const secrets = new MemorySecrets();
  const { key } = await reconcileKey(secrets, state);
  const reasons: string[] = [];
  const w = watchKeyFile(secrets, state, (r) => reasons.push(r));
  try {
    await new Promise((r) => setTimeout(r, 50));
    // Another process swaps the key (atomically, as an attacker would).
    fs.writeFileSync(keyFilePath(state) + '.new', 'cd'.repeat(32) + '\n', { mode: 0o600 });
    fs.renameSync(keyFilePath(state) + '.new', keyFilePath(state));
    await waitFor(() => (reasons.length ? true : undefined), 5000, 'the tamper report');
    assert.match(reasons[0], /replaced by another key/);
    await waitFor(() => (readKeyFile(state)?.id === key!.id ? true : undefined), 5000, 'the key put back');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(reasons.length, 1, 'putting it back is not itself a tamper');
  } finally {
    w.dispose();
  }
});

test('the real CLI hook (no editor running) forwards its refusal to rsyslog from the state folder config', { skip: RSYSLOGD ? false : 'rsyslogd is not installed' }, () => {
  const root = path.resolve(__dirname, '..', '..', '..', '..');
  const base = tmpDir('twokey-hook-fw-');
  const ws = path.join(base, 'ws');
  for (const d of ['.git', 'src', 'victim']) fs.mkdirSync(path.join(ws, d), { recursive: true });
  for (const d of ['home', 'run', 'state']) fs.mkdirSync(path.join(base, d), { recursive: true });
  writeForwardConfig(path.join(base, 'state'), { syslog: `tcp://127.0.0.1:${port}` });
  const input = fs.readFileSync(path.join(root, 'test', 'fixtures', 'hooks', 'claude-bash-rm.json'), 'utf8').split('__WS__').join(ws);
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'hook', 'claude-code'], {
    input,
    encoding: 'utf8',
    cwd: ws,
    env: { PATH: process.env.PATH, HOME: path.join(base, 'home'), XDG_RUNTIME_DIR: path.join(base, 'run'), TWOKEY_STATE_DIR: path.join(base, 'state') },
  });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  const logged = fs.readFileSync(path.join(ws, '.twokey', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditRecord);
  assert.equal(logged.length, 1);
  assert.equal(logged[0].source, 'claude-code');
  assert.ok(logged[0].key, 'sealed with the state folder key');
  return waitFor(() => received().find((g) => g.rec.hash === logged[0].hash), 10_000, 'the hook record in rsyslog').then((g) => {
    assert.deepEqual(g.rec, logged[0]);
    assert.equal(g.msgid, 'denied');
  });
});
