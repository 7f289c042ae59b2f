/**
 * Forwarding over TLS into a real rsyslog (imtcp with the gnutls stream driver), with a
 * self-signed certificate made here by openssl: every record arrives, RFC 5424 octet-counted,
 * exactly as written to the log; without the certificate authority the forwarder refuses the
 * server and reports it, and nothing arrives.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Forwarder, openAuditLog, writeForwardConfig, readForwardConfig, type AuditRecord } from '../../../src/core/audit';
import { entry, tmpDir } from './helpers';

const RSYSLOGD = ['/usr/sbin/rsyslogd', '/sbin/rsyslogd'].find((p) => fs.existsSync(p));
const GTLS = ['/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_gtls.so', '/usr/lib/rsyslog/lmnsd_gtls.so'].find((p) => fs.existsSync(p));
const OPENSSL = spawnSync('openssl', ['version']).status === 0;
const SKIP = !RSYSLOGD || !GTLS || !OPENSSL ? 'rsyslogd, its gnutls driver (rsyslog-gnutls) or openssl is missing: scripts/setup-vscode.sh installs them' : false;

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

async function waitFor<T>(fn: () => T | undefined, ms: number, what: string): Promise<T> {
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
let ca = '';

before(async () => {
  if (SKIP) return;
  const dir = tmpDir('twokey-rsyslog-tls-');
  ca = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const gen = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', ca, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  assert.equal(gen.status, 0, gen.stderr);
  port = await freePort();
  outFile = path.join(dir, 'out.log');
  const conf = path.join(dir, 'rsyslog.conf');
  fs.writeFileSync(
    conf,
    [
      `global(workDirectory="${dir}" DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile="${ca}" DefaultNetstreamDriverCertFile="${ca}" DefaultNetstreamDriverKeyFile="${key}")`,
      // TLS only (mode 1); clients are not asked for a certificate (anon).
      'module(load="imtcp" StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")',
      `input(type="imtcp" port="${port}" address="127.0.0.1")`,
      'template(name="tk" type="string" string="%app-name%|%msgid%|%syslogfacility%|%syslogseverity%|%msg%\\n")',
      `*.* action(type="omfile" file="${outFile}" template="tk")`,
      '',
    ].join('\n'),
  );
  const check = spawnSync(RSYSLOGD!, ['-N1', '-f', conf], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  rsyslog = spawn(RSYSLOGD!, ['-n', '-iNONE', '-f', conf], { stdio: 'ignore' });
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

function received(): Array<{ app: string; msgid: string; facility: number; severity: number; rec: AuditRecord }> {
  if (!fs.existsSync(outFile)) return [];
  return fs
    .readFileSync(outFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [app, msgid, facility, severity, ...rest] = l.split('|');
      return { app, msgid, facility: Number(facility), severity: Number(severity), rec: JSON.parse(rest.join('|').trim()) as AuditRecord };
    });
}

test('every record reaches a real rsyslog over TLS (gnutls, a certificate made by openssl)', { skip: SKIP }, async () => {
  const base = tmpDir();
  const state = path.join(base, 'state');
  const dir = path.join(base, 'ws', '.twokey');
  writeForwardConfig(state, { syslog: `tls://localhost:${port}` });
  assert.deepEqual(readForwardConfig(state), { syslog: { protocol: 'tls', host: 'localhost', port } });
  const errors: string[] = [];
  // The certificate authority to trust: this test's own self-signed certificate.
  const log = openAuditLog(dir, { stateDir: state, forward: { syslog: { protocol: 'tls', host: 'localhost', port, ca } }, onError: (e) => errors.push(String(e)) });
  const written: AuditRecord[] = [];
  for (let i = 1; i <= 3; i++) written.push(await log.append(entry(i, { command: `rm -rf build-${i} # token=ghp_${'b'.repeat(36)}` })));
  written.push(await log.append(entry(4, { decision: 'tamper', command: 'the DEBUG trap was removed', rules: ['guard.tamper'] })));
  await log.flush(5000);
  const got = await waitFor(() => (received().length >= 4 ? received() : undefined), 15_000, 'four records in rsyslog over TLS');
  log.dispose();
  assert.deepEqual(errors, []);
  const lines = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditRecord);
  assert.deepEqual(
    got.map((g) => g.rec),
    lines,
    'rsyslog holds exactly the records of the log',
  );
  assert.deepEqual(
    got.map((g) => g.rec.hash),
    written.map((w) => w.hash),
  );
  for (const g of got) {
    assert.equal(g.app, 'twokey');
    assert.equal(g.facility, 13);
    assert.ok(!JSON.stringify(g.rec).includes('b'.repeat(36)), 'secrets are masked before they leave');
  }
  assert.equal(got[3].msgid, 'tamper');
});

test('over TLS, a server whose certificate is not trusted gets nothing, and the failure is reported', { skip: SKIP }, async () => {
  const before = received().length;
  const errors: string[] = [];
  // No certificate authority given: the self-signed certificate is not among the system's.
  const fw = new Forwarder({ syslog: { protocol: 'tls', host: 'localhost', port } }, (m) => errors.push(m));
  fw.send({ ts: new Date().toISOString(), decision: 'denied' } as AuditRecord, '{"untrusted":true}');
  await fw.flush(5000);
  await waitFor(() => (errors.length ? true : undefined), 10_000, 'a certificate error');
  fw.dispose();
  assert.match(errors[0], /syslog failed: .*(self[- ]signed|certificate)/i);
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(received().length, before, 'nothing arrived');
});
