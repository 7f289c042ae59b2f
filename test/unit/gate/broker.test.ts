/**
 * The broker and the wire: answers signed for their request (HMAC over id and decision with
 * the window's secret), a terminal's token tied to its shell, connections that send nothing
 * or too much cut off, and a socket folder that must be the user's own and private.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../src/intercept/broker';
import { answerMac, askBroker, checkPrivateDir, ensurePrivateDir, PROTOCOL_VERSION, verifyAnswer, type GateRequest } from '../../../src/intercept/protocol';

const quiet = { info: () => undefined, warn: () => undefined };

async function withBroker(secret: string, fn: (sock: string, broker: Broker) => Promise<void>, limits = {}): Promise<void> {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-broker-')), 'sock');
  const sock = path.join(dir, 'b.sock');
  const broker = new Broker(sock, secret, async (req) => ({ decision: req.command.startsWith('rm') ? 'deny' : 'allow', message: req.command.startsWith('rm') ? 'no' : '' }), quiet, limits);
  await broker.start();
  try {
    await fn(sock, broker);
  } finally {
    broker.dispose();
  }
}

const req = (secret: string, command: string, extra: Partial<GateRequest> = {}): GateRequest => ({ v: PROTOCOL_VERSION, secret, source: 'terminal', command, cwd: '/', ...extra });

test('answers are signed for their own request, and the client checks it', async () => {
  await withBroker('s3cret', async (sock) => {
    const ok = await askBroker(req('s3cret', 'ls'), sock, 5000);
    assert.equal(ok?.decision, 'allow');
    assert.match(ok!.id!, /^[0-9a-f]{32}$/);
    assert.equal(ok!.mac, answerMac('s3cret', ok!.id!, 'allow'));
    assert.ok(verifyAnswer('s3cret', ok!.id!, ok!));
    assert.ok(!verifyAnswer('s3cret', 'ff'.repeat(16), ok!), 'another request id');
    assert.ok(!verifyAnswer('other', ok!.id!, ok!), 'another key');
    assert.ok(!verifyAnswer('s3cret', ok!.id!, { ...ok!, decision: 'deny' }), 'a changed decision');
    // A client with the wrong secret gets a deny that it cannot verify either: still a deny.
    const wrong = await askBroker(req('wrong', 'ls'), sock, 5000);
    assert.equal(wrong?.decision, 'deny');
  });
});

test("a shell's token is tied to its pid: another token for the same pid is refused", async () => {
  await withBroker('k', async (sock, broker) => {
    assert.equal((await askBroker(req('k', 'ls', { shellPid: 4242, token: 'aaa' }), sock, 5000))?.decision, 'allow');
    assert.equal((await askBroker(req('k', 'ls', { shellPid: 4242, token: 'aaa' }), sock, 5000))?.decision, 'allow');
    const other = await askBroker(req('k', 'ls', { shellPid: 4242, token: 'bbb' }), sock, 5000);
    assert.equal(other?.decision, 'deny');
    assert.match(other!.message, /token/);
    broker.forgetShell(4242);
    assert.equal((await askBroker(req('k', 'ls', { shellPid: 4242, token: 'bbb' }), sock, 5000))?.decision, 'allow');
  });
});

test('an idle connection and an over-long line are cut off', async () => {
  await withBroker(
    'k',
    async (sock) => {
      const closed = (write: (s: net.Socket) => void) =>
        new Promise<number>((resolve) => {
          const t = Date.now();
          const s = net.createConnection(sock, () => write(s));
          s.on('error', () => undefined);
          s.on('close', () => resolve(Date.now() - t));
        });
      const idle = await closed(() => undefined);
      assert.ok(idle >= 150 && idle < 5000, `idle connection closed after ${idle} ms`);
      const long = await closed((s) => s.write('x'.repeat(2 * 1024 * 1024)));
      assert.ok(long < 5000, 'an over-long request is cut off');
    },
    { idleMs: 200 },
  );
});

test('the socket folder must be a private folder of this user: a symlink or an open folder is refused', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-priv-'));
  const open = path.join(base, 'open');
  fs.mkdirSync(open, { mode: 0o755 });
  fs.chmodSync(open, 0o755);
  assert.throws(() => checkPrivateDir(open), /open to other users/);
  assert.throws(() => ensurePrivateDir(open), /open to other users/);
  const target = path.join(base, 'target');
  fs.mkdirSync(target, { mode: 0o700 });
  const link = path.join(base, 'link');
  fs.symlinkSync(target, link);
  assert.throws(() => checkPrivateDir(link), /not a directory/);
  const fresh = path.join(base, 'fresh');
  ensurePrivateDir(fresh);
  assert.equal(fs.statSync(fresh).mode & 0o777, 0o700);
  // The broker refuses to start there, and a client refuses to ask through it.
  const broker = new Broker(path.join(open, 'b.sock'), 'k', async () => ({ decision: 'allow', message: '' }), quiet);
  await assert.rejects(broker.start(), /open to other users/);
  const res = await askBroker(req('k', 'rm -rf x'), path.join(open, 'b.sock'), 2000);
  assert.equal(res?.decision, 'deny');
  assert.match(res!.message, /not private/);
});
