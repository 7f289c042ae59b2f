/**
 * Agent-hook benchmark (not a test: prints figures, asserts nothing). Whole processes, as an
 * agent starts them, side by side in the same run:
 *  - a bare `node -e 0` (the floor every Node hook pays)
 *  - cold path (no editor running): `dist/cli.js hook` (the full CLI), `dist/hook.js hook`
 *    (the lean entry, with and without its code cache), and the installed launcher, for a
 *    harmless shell line, a harmless edit and a refused line (the slow path)
 *  - warm path (the editor running): the bash launcher answered by the editor's hook port
 *    (src/intercept/hookPort.ts, run here in another Node process as in the editor)
 *  - cc-safety-net's hook, installed by this bench with `npm i` in a temporary folder
 *    (skipped, with a message, when npm cannot install it)
 * CPU is the children's user+system time read by the shell's `times` over a batch (robust on
 * a loaded machine); wall is the batch's elapsed time. Medians over interleaved batches.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { writeLauncher } from '../../src/core/hooks/launcher';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const HOOK = path.join(ROOT, 'dist', 'hook.js');
const BATCH = Number(process.env.TWOKEY_BENCH_BATCH) || 5;
const ROUNDS = Number(process.env.TWOKEY_BENCH_ROUNDS) || 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

interface Variant {
  label: string;
  /** Shell command reading the payload file on stdin. */
  cmd: string;
  payload: string;
  env?: NodeJS.ProcessEnv;
}

/** One batch: BATCH runs in one sh, then `times` for the children's CPU. Returns ms per call. */
function batch(v: Variant, env: NodeJS.ProcessEnv): { wall: number; cpu: number } {
  const script = `i=0; while [ $i -lt ${BATCH} ]; do ${v.cmd} < ${q(v.payload)} > /dev/null 2>&1; i=$((i+1)); done; times`;
  const t = performance.now();
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { ...env, ...v.env } });
  const wall = performance.now() - t;
  const lines = r.stdout.trim().split('\n');
  const kids = lines[lines.length - 1].match(/(\d+)m([\d.]+)s/g) ?? [];
  const secs = kids.map((k) => {
    const m = /(\d+)m([\d.]+)s/.exec(k)!;
    return Number(m[1]) * 60 + Number(m[2]);
  });
  return { wall: wall / BATCH, cpu: ((secs[0] ?? 0) + (secs[1] ?? 0)) * 1000 / BATCH };
}

function installCcSafetyNet(dir: string): string | undefined {
  const view = spawnSync('npm', ['view', 'cc-safety-net', 'name'], { encoding: 'utf8', timeout: 60_000 });
  if (view.status !== 0 || view.stdout.trim() !== 'cc-safety-net') {
    console.log(`cc-safety-net: skipped (npm view cc-safety-net failed: ${(view.stderr || view.stdout).trim().split('\n')[0]})`);
    return undefined;
  }
  const r = spawnSync('npm', ['i', '--no-audit', '--no-fund', '--silent', 'cc-safety-net'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  const pkgDir = path.join(dir, 'node_modules', 'cc-safety-net');
  if (r.status !== 0 || !fs.existsSync(pkgDir)) {
    console.log(`cc-safety-net: skipped (npm i cc-safety-net failed: ${(r.stderr || r.stdout).trim().split('\n')[0]})`);
    return undefined;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string; bin?: Record<string, string> | string };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : (pkg.bin?.['cc-safety-net'] ?? Object.values(pkg.bin ?? {})[0]);
  if (!bin) {
    console.log('cc-safety-net: skipped (no bin in its package.json)');
    return undefined;
  }
  console.log(`cc-safety-net ${pkg.version} installed in ${dir}`);
  return path.join(pkgDir, bin);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bench-hook-'));
  const ws = path.join(dir, 'ws');
  for (const d of ['.git', 'src', 'victim']) fs.mkdirSync(path.join(ws, d), { recursive: true });
  const state = path.join(dir, 'state');
  const payload = (name: string, body: Record<string, unknown>): string => {
    const f = path.join(dir, `${name}.json`);
    fs.writeFileSync(f, JSON.stringify({ session_id: 'bench', transcript_path: null, cwd: ws, permission_mode: 'default', hook_event_name: 'PreToolUse', ...body }));
    return f;
  };
  const harmless = payload('bash-status', { tool_name: 'Bash', tool_input: { command: 'git status --short' } });
  const edit = payload('write-src', { tool_name: 'Write', tool_input: { file_path: path.join(ws, 'src', 'a.ts'), content: 'x' } });
  const refused = payload('bash-rm', { tool_name: 'Bash', tool_input: { command: 'rm -rf victim' } });
  const node = q(process.execPath);
  const launcher = writeLauncher(state, { node: process.execPath, cli: CLI });
  // A second state folder with the editor's warm hook port running.
  const warmState = path.join(dir, 'warm-state');
  const warmLauncher = writeLauncher(warmState, { node: process.execPath, cli: CLI });
  const editor = spawn(process.execPath, ['-e', `require(${JSON.stringify(path.join(ROOT, 'out', 'src', 'cli', 'hookWarm.js'))}).startWarmHooks(${JSON.stringify(warmState)}).then(() => console.log('ready'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => editor.stdout.once('data', () => resolve()));
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: path.join(dir, 'home'), TWOKEY_STATE_DIR: state, XDG_RUNTIME_DIR: path.join(dir, 'run') };
  fs.mkdirSync(env.HOME!, { recursive: true });
  fs.mkdirSync(env.XDG_RUNTIME_DIR!, { recursive: true });

  const variants: Variant[] = [
    { label: 'bare node -e 0', cmd: `${node} -e 0`, payload: harmless },
    { label: 'cli.js hook, harmless line', cmd: `${node} ${q(CLI)} hook claude-code`, payload: harmless },
    { label: 'hook.js, harmless line', cmd: `${node} ${q(HOOK)} hook claude-code`, payload: harmless },
    { label: 'hook.js, harmless line, no code cache', cmd: `${node} ${q(HOOK)} hook claude-code`, payload: harmless, env: { TWOKEY_COMPILE_CACHE: '0' } },
    { label: 'hook.js, harmless edit', cmd: `${node} ${q(HOOK)} hook claude-code`, payload: edit },
    { label: 'hook.js, refused rm -rf (slow path)', cmd: `${node} ${q(HOOK)} hook claude-code`, payload: refused },
  ];
  if (launcher) variants.push({ label: 'launcher, no editor (cold), harmless line', cmd: `${q(launcher)} hook claude-code`, payload: harmless });
  if (warmLauncher) {
    variants.push({ label: 'launcher, editor running (warm), harmless line', cmd: `${q(warmLauncher)} hook claude-code`, payload: harmless, env: { TWOKEY_STATE_DIR: warmState } });
    variants.push({ label: 'launcher, editor running, refused rm -rf', cmd: `${q(warmLauncher)} hook claude-code`, payload: refused, env: { TWOKEY_STATE_DIR: warmState } });
  }
  const ccsn = installCcSafetyNet(fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bench-ccsn-')));
  if (ccsn) {
    variants.push({ label: 'cc-safety-net hook, harmless line', cmd: `${node} ${q(ccsn)} hook --claude-code`, payload: harmless });
    variants.push({ label: 'cc-safety-net hook, rm -rf', cmd: `${node} ${q(ccsn)} hook --claude-code`, payload: refused });
  }

  const wall = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  for (const v of variants) batch(v, env); // warm the file cache and the compile cache
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      const m = batch(v, env);
      (wall.get(v.label) ?? wall.set(v.label, []).get(v.label)!).push(m.wall);
      (cpu.get(v.label) ?? cpu.set(v.label, []).get(v.label)!).push(m.cpu);
    }
  }
  const bareWall = median(wall.get('bare node -e 0')!);
  const bareCpu = median(cpu.get('bare node -e 0')!);
  console.log(`node ${process.version}; ${ROUNDS} rounds × ${BATCH} calls, interleaved; ms per call (median), and over a bare Node start`);
  for (const v of variants) {
    const w = median(wall.get(v.label)!);
    const c = median(cpu.get(v.label)!);
    const over = v.label.startsWith('bare') ? '' : `   (+${(w - bareWall).toFixed(1)} wall, +${(c - bareCpu).toFixed(1)} cpu)`;
    console.log(`${v.label.padEnd(48)} wall ${w.toFixed(1).padStart(6)}  cpu ${c.toFixed(1).padStart(6)}${over}`);
  }
  console.log('(warm: cpu counts the client alone; the editor\'s share is in wall)');
  editor.kill();
}

void main();
