/**
 * The extension host under a burst (not a test: prints figures, asserts nothing): 1,000 gate
 * and hook requests fired by another process at a real broker socket, classified either on
 * the broker's own thread or in the classifier worker thread the broker hands shell lines to
 * (`preclassify` with src/intercept/classifyWorker.ts's OffThreadCheck). Printed: the broker process's event-loop delay during
 * the burst (p50, p99, max: what the editor would feel), and the burst's total time.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Broker } from '../../src/intercept/broker';
import { OffThreadCheck, brokerPreclassify } from '../../src/intercept/classifyWorker';
import { createWorkspaceEngine } from '../../src/core/workspaceEngine';
import type { CheckRequest, Verdict } from '../../src/core/types';

const ROOT = path.resolve(__dirname, '../../..');
const N = Number(process.env.TWOKEY_BENCH_BURST) || 1000;
const WASM = path.join(ROOT, 'dist');

const LINES = [
  'git status --short',
  'npm test -- --watch=false',
  'ls -la | grep -v node_modules | sort',
  'echo "$(git rev-parse HEAD)" > .rev',
  'kubectl --context prod-eu delete deployment api',
  'rm -rf build dist',
  'psql "postgresql://app@db.prod.example.com/app" -c "DROP TABLE users"',
  'for f in *.log; do gzip "$f"; done',
  'docker compose -f compose.yml down -v',
  'curl -s https://api.example.com/health | jq .status',
];

async function burst(label: string, check: (req: CheckRequest) => Verdict, ws: string, state: string, off?: OffThreadCheck): Promise<void> {
  const secret = 'bench-secret-0123456789';
  const sock = path.join(state, `b-${label.replace(/\W/g, '')}.sock`);
  // The handler as the extension's: the broker's verdict when it has one, else its own check.
  const broker = new Broker(sock, secret, async (req, _signal, pre) => {
    const v = pre ?? check({ command: req.command, cwd: req.cwd, env: req.env, source: req.source, workspaceRoot: ws, home: os.homedir() });
    return { decision: v.decision === 'allow' ? 'allow' : 'deny', message: v.reason, outcome: v.decision, decidedBy: 'policy' };
  }, { info: () => undefined, warn: () => undefined }, { preclassify: off && brokerPreclassify(off, () => ws, os.homedir()) });
  await broker.start();
  // The client: another process firing N requests, 50 at a time, through the project's own client.
  const client = `
    const { askBroker, PROTOCOL_VERSION } = require(${JSON.stringify(path.join(ROOT, 'out', 'src', 'intercept', 'protocol.js'))});
    const lines = ${JSON.stringify(LINES)};
    let sent = 0, done = 0;
    const t = Date.now();
    const one = () => {
      if (sent >= ${N}) return;
      const i = sent++;
      askBroker({ v: PROTOCOL_VERSION, secret: ${JSON.stringify(secret)}, source: 'claude-code', command: lines[i % lines.length], cwd: ${JSON.stringify(ws)} }, ${JSON.stringify(sock)}, 60000).then(() => { done++; if (done === ${N}) { console.log(Date.now() - t); } else one(); });
    };
    for (let k = 0; k < 50; k++) one();
  `;
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const out = await new Promise<string>((resolve) => {
    const c = spawn(process.execPath, ['-e', client], { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = '';
    c.stdout.on('data', (d: Buffer) => (s += d.toString()));
    c.on('close', () => resolve(s.trim()));
  });
  h.disable();
  broker.dispose();
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  console.log(`${label.padEnd(34)} burst ${out.padStart(5)} ms; broker event-loop delay p50 ${ms(h.percentile(50))} ms, p99 ${ms(h.percentile(99))} ms, max ${ms(h.max)} ms`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bench-burst-'));
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'tkb-'));
  const opts = { workspaceRoot: ws, trusted: false, homeDir: dir, wasmDir: WASM };
  const engine = await createWorkspaceEngine(opts);
  for (const l of LINES) engine.engine.check({ command: l, cwd: ws }); // warm, as the worker is below
  console.log(`${N} requests (${LINES.length} kinds of line), 50 in flight, from another process`);
  await burst('classified on the broker thread', (r) => engine.engine.check(r), ws, state);
  const off = new OffThreadCheck({ script: path.join(ROOT, 'out', 'src', 'intercept', 'classifyWorker.js'), worker: opts, policy: engine.policy(), fallback: (r) => engine.engine.check(r) });
  for (const l of LINES) await off.check({ command: l, cwd: ws }); // started and warm
  await burst('classified in the worker thread', (r) => engine.engine.check(r), ws, state, off);
  console.log(`(requests the worker could not answer, checked on the broker thread: ${off.fallbacks})`);
  await off.dispose();
}

void main();
