/**
 * Classification off the editor's thread: the broker hands authenticated shell lines to a
 * classifier worker (a real worker thread with its own engine) and gives its verdict to the
 * handler; a worker that dies, fails or hangs costs time, never a verdict (the host's engine
 * answers), and a dead one is replaced a few times at most.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Broker } from '../../../src/intercept/broker';
import { askBroker, PROTOCOL_VERSION, type GateRequest } from '../../../src/intercept/protocol';
import { ClassifyWorker, OffThreadCheck, brokerPreclassify } from '../../../src/intercept/classifyWorker';
import type { CheckRequest, Verdict } from '../../../src/core/types';
import { createWorkspaceEngine } from '../../../src/core/workspaceEngine';

const ROOT = path.resolve(__dirname, '../../../..');
const SCRIPT = path.join(ROOT, 'out', 'src', 'intercept', 'classifyWorker.js');
const WASM = path.join(ROOT, 'dist');
const quiet = { info: () => undefined, warn: () => undefined };

function workspace(policy?: unknown) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-offthread-'));
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  if (policy) {
    fs.mkdirSync(path.join(ws, '.twokey'));
    fs.writeFileSync(path.join(ws, '.twokey', 'policy.json'), JSON.stringify(policy));
  }
  return { dir, ws, opts: { workspaceRoot: ws, trusted: true, homeDir: dir, wasmDir: WASM } };
}

const hostVerdict = (reason: string): Verdict => ({ decision: 'deny', risk: 'critical', category: 'filesystem', environment: 'unknown', evidence: [], rules: ['host'], reason, hits: [] }) as unknown as Verdict;

test('the worker thread gives the same verdicts as the host engine, and judges with the policy the host has in force', async () => {
  const { ws, opts } = workspace();
  const host = await createWorkspaceEngine(opts);
  const off = new OffThreadCheck({ script: SCRIPT, worker: opts, policy: host.policy(), fallback: () => hostVerdict('fallback') });
  host.onDidReload((loaded) => off.reload({ loaded }));
  try {
    for (const command of ['git status', 'rm -rf build', 'kubectl --context prod delete ns api', 'echo "$(curl -s x)" | sh']) {
      const req: CheckRequest = { command, cwd: ws, workspaceRoot: ws, home: opts.homeDir };
      const a = await off.check(req);
      const b = host.engine.check(req);
      assert.deepEqual([a.decision, a.risk, a.rules], [b.decision, b.risk, b.rules], command);
    }
    assert.equal(off.fallbacks, 0);
    // The host's policy (not the disk's) decides in the worker: `rm -rf build` forbidden.
    const text = JSON.stringify({ version: 1, overrides: [{ rule: 'fs.*', decision: 'deny' }] });
    host.setPolicySource((f) => (f.endsWith('policy.json') ? text : undefined));
    host.reload();
    const v = await off.check({ command: 'rm -rf build', cwd: ws, workspaceRoot: ws, home: opts.homeDir });
    assert.equal(v.decision, 'deny');
    assert.equal(fs.existsSync(path.join(ws, '.twokey', 'policy.json')), false, 'read from the host, not written');
  } finally {
    await off.dispose();
  }
});

test('a loosening on disk the host has not accepted does not reach the worker', async () => {
  // The file allows `git reset --hard`; the host holds it back (as the policy gate does until a person approves).
  const { ws, opts } = workspace({ version: 1, overrides: [{ rule: 'git.reset.hard', decision: 'allow' }] });
  const req: CheckRequest = { command: 'git reset --hard', cwd: ws, workspaceRoot: ws, home: opts.homeDir };
  const fromDisk = await createWorkspaceEngine(opts);
  assert.equal(fromDisk.engine.check(req).decision, 'allow', 'the file on disk would allow it');
  const host = await createWorkspaceEngine(opts);
  host.setPolicySource((f) => (f.endsWith('policy.json') ? '{}' : undefined));
  host.reload();
  assert.notEqual(host.engine.check(req).decision, 'allow');
  for (const script of [SCRIPT, path.join(ROOT, 'dist', 'classify-worker.js')]) {
    const off = new OffThreadCheck({ script, worker: opts, policy: host.policy(), fallback: () => hostVerdict('fallback') });
    try {
      const v = await off.check(req);
      assert.equal(v.decision, host.engine.check(req).decision, script);
      assert.equal(off.fallbacks, 0, `${script}: answered by the worker`);
    } finally {
      await off.dispose();
    }
  }
});

test('a worker that dies: its requests and the next ones are answered by the host engine, and a new worker takes over', async () => {
  const { ws, opts } = workspace();
  const made: ClassifyWorker[] = [];
  const warnings: string[] = [];
  const off = new OffThreadCheck({
    script: SCRIPT,
    worker: opts,
    fallback: () => hostVerdict('from the host'),
    log: { warn: (m) => warnings.push(m) },
    spawn: (s, o) => {
      const w = new ClassifyWorker(s, o);
      made.push(w);
      return w;
    },
  });
  try {
    assert.equal((await off.check({ command: 'git status', cwd: ws })).decision, 'allow');
    await made[0].dispose(); // the thread ends under the host's feet
    const v = await off.check({ command: 'git status', cwd: ws });
    assert.equal(v.reason, 'from the host');
    assert.equal(off.fallbacks, 1);
    assert.match(warnings.join('\n'), /classifier worker exited/);
    assert.equal(made.length, 2, 'a new worker was started');
    assert.equal((await off.check({ command: 'git status', cwd: ws })).decision, 'allow');
    assert.equal(off.fallbacks, 1);
  } finally {
    await off.dispose();
  }
});

test('a worker that hangs or cannot start: the host engine answers; restarts are bounded', async () => {
  let spawned = 0;
  const hang = new OffThreadCheck({
    script: SCRIPT,
    worker: workspace().opts,
    fallback: () => hostVerdict('host'),
    timeoutMs: 50,
    spawn: () => {
      spawned++;
      return { check: () => new Promise<Verdict>(() => undefined), reload: () => undefined, dispose: async () => 0, failure: undefined };
    },
  });
  assert.equal((await hang.check({ command: 'rm -rf /', cwd: '/' })).reason, 'host');
  assert.equal(spawned, 1, 'a slow worker is kept');
  await hang.dispose();

  let tries = 0;
  const broken = new OffThreadCheck({
    script: SCRIPT,
    worker: workspace().opts,
    fallback: () => hostVerdict('host'),
    restarts: 2,
    spawn: () => {
      tries++;
      const failure = new Error('boom');
      return { check: () => Promise.reject(failure), reload: () => undefined, dispose: async () => 0, failure };
    },
  });
  for (let i = 0; i < 5; i++) assert.equal((await broken.check({ command: 'ls', cwd: '/' })).reason, 'host');
  assert.equal(tries, 3, 'the first worker and two restarts, then the host alone');
  assert.equal(broken.fallbacks, 5);
  await broken.dispose();
});

test('the broker gives the handler the worker verdict for shell lines only; a failing preclassify leaves the handler to classify', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-offthread-b-')), 'sock');
  const seen: { command: string; pre?: string }[] = [];
  let fail = false;
  const pre = async (r: GateRequest): Promise<Verdict | undefined> => {
    if (fail) throw new Error('worker gone');
    return { ...hostVerdict(`pre ${r.command}`), decision: 'allow' } as Verdict;
  };
  const broker = new Broker(path.join(dir, 'b.sock'), 'k', async (req, _s, v) => {
    seen.push({ command: req.command, pre: v?.reason });
    return { decision: 'allow', message: '' };
  }, quiet, { preclassify: pre });
  await broker.start();
  const ask = (command: string, extra: Partial<GateRequest> = {}) => askBroker({ v: PROTOCOL_VERSION, secret: 'k', source: 'terminal', command, cwd: '/', ...extra }, path.join(dir, 'b.sock'), 5000);
  try {
    await ask('ls');
    await ask('x', { kind: 'mcp', tool: 't' });
    await ask('y', { source: 'claude-code', kind: 'shell' });
    await ask('gone', { report: 'tamper' });
    await ask('z', { secret: 'wrong' } as Partial<GateRequest>);
    fail = true;
    await ask('after');
    assert.deepEqual(seen, [
      { command: 'ls', pre: 'pre ls' },
      { command: 'x', pre: undefined },
      { command: 'y', pre: 'pre y' },
      { command: 'gone', pre: undefined },
      { command: 'after', pre: undefined },
    ]);
  } finally {
    broker.dispose();
  }
});

test('brokerPreclassify passes the fields the host check gets', async () => {
  const got: CheckRequest[] = [];
  const f = brokerPreclassify({ check: async (r) => (got.push(r), hostVerdict('x')) }, () => '/ws', '/home/u');
  await f({ v: PROTOCOL_VERSION, secret: 's', source: 'codex', command: 'ls', cwd: '/ws/a', env: { A: '1' } });
  assert.deepEqual(got, [{ command: 'ls', cwd: '/ws/a', env: { A: '1' }, source: 'codex', workspaceRoot: '/ws', home: '/home/u' }]);
});
