/**
 * Shell gate and PATH shim benchmark (not a test: prints figures, asserts nothing).
 *  - interactive bash and zsh: added ms per harmless line, gated vs ungated (lines piped
 *    into `-i` shells, so every line goes through the prompt hooks)
 *  - non-interactive bash (BASH_ENV) and zsh (ZDOTDIR .zshenv): added ms per harmless
 *    command in a script
 *  - PATH shim: added ms per harmless invocation (`kubectl get pods` through the shim vs the
 *    fake real binary directly), and 1,000 such calls from one sh script, with and without
 *    the shim folder on PATH
 *  - the heartbeat each interactive prompt writes: the same gated lines with it and with it
 *    switched off (its folder emptied in the baked configuration)
 * Medians of several runs. The helper is never reached on these paths (harmless lines).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { writeShims } from '../../src/intercept/shims';
import { writeGateFiles } from '../../src/intercept/gateFiles';

const ROOT = path.resolve(__dirname, '../../..');
// Never called on these paths; if it were, the figures would show it.
const HELPER = path.join(ROOT, 'test', 'fixtures', 'gate', 'fake-helper.sh');
// The gate files as the extension writes them (configuration and prefilter tables baked in).
const BENCH_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bench-gatefiles-'));
const USER_Z = path.join(BENCH_DIR, 'user');
function gateFiles(name: string, heartbeat = true): string {
  const dir = path.join(BENCH_DIR, name);
  writeGateFiles(path.join(ROOT, 'media', 'gate'), dir, { node: '/bin/bash', gateJs: HELPER, socket: path.join(dir, 'none.sock'), keyFile: path.join(dir, 'key'), userZdotdir: USER_Z });
  if (!heartbeat) {
    const conf = path.join(dir, 'gate.conf.sh');
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace(/^readonly __twokey_beatdir=.*$/m, "readonly __twokey_beatdir=''"));
  }
  return dir;
}
const GATE = gateFiles('gate');
const GATE_NO_BEAT = gateFiles('gate-no-beat', false);
const RUNS = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeRun(file: string, args: string[], env: NodeJS.ProcessEnv, input?: string): number {
  const t = performance.now();
  const r = spawnSync(file, args, { env, input, encoding: 'utf8', stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  const ms = performance.now() - t;
  if (r.status !== 0 && r.status !== null && input === undefined) throw new Error(`${file} ${args.join(' ')}: ${r.stderr}`);
  return ms;
}

function perLine(label: string, n: number, run: (gated: boolean) => number): void {
  const off: number[] = [];
  const on: number[] = [];
  run(false);
  run(true);
  for (let i = 0; i < RUNS; i++) {
    off.push(run(false));
    on.push(run(true));
  }
  const a = median(off);
  const b = median(on);
  console.log(`${label}: ${n} lines ungated ${a.toFixed(0)} ms, gated ${b.toFixed(0)} ms -> +${((b - a) / n).toFixed(3)} ms per line`);
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bench-gates-'));
  const userZ = USER_Z;
  fs.mkdirSync(userZ);
  fs.writeFileSync(path.join(userZ, '.zshrc'), 'alias ll="ls -l"\n');
  const log = path.join(dir, 'helper.log');
  const base = { PATH: process.env.PATH, HOME: dir, FAKE_GATE_LOG: log };
  const N = 300;
  const lines = Array.from({ length: N }, (_, i) => (i % 3 === 0 ? 'ls > /dev/null' : i % 3 === 1 ? `echo ${i} > /dev/null` : 'cd .')).join('\n') + '\n';

  perLine('bash -i (PROMPT_COMMAND gate)', N, (g) =>
    timeRun('bash', ['--norc', '--noprofile', '-i'], { ...base, HISTFILE: path.join(dir, '.bh'), ...(g ? { PROMPT_COMMAND: `source '${GATE}/bash-gate.sh'` } : {}) }, lines),
  );
  perLine('zsh -i (ZDOTDIR gate, preexec)', N, (g) =>
    timeRun('zsh', ['-i'], { ...base, ...(g ? { ZDOTDIR: path.join(GATE, 'zsh') } : { ZDOTDIR: userZ }) }, lines),
  );

  // The heartbeat alone: gated lines with it (on the right) and without it (on the left).
  perLine('bash -i heartbeat (gated without → with)', N, (g) =>
    timeRun('bash', ['--norc', '--noprofile', '-i'], { ...base, HISTFILE: path.join(dir, '.bh'), PROMPT_COMMAND: `source '${g ? GATE : GATE_NO_BEAT}/bash-gate.sh'` }, lines),
  );
  perLine('zsh -i heartbeat (gated without → with)', N, (g) => timeRun('zsh', ['-i'], { ...base, ZDOTDIR: path.join(g ? GATE : GATE_NO_BEAT, 'zsh') }, lines));

  const script = path.join(dir, 'script.sh');
  fs.writeFileSync(script, lines);
  perLine('bash script (BASH_ENV gate)', N, (g) => timeRun('bash', [script], { ...base, ...(g ? { BASH_ENV: path.join(GATE, 'bash-env.sh') } : {}) }));
  perLine('zsh script (.zshenv DEBUG trap)', N, (g) =>
    timeRun('zsh', [script], { ...base, ...(g ? { ZDOTDIR: path.join(GATE, 'zsh') } : { ZDOTDIR: userZ }) }),
  );
  const startup = (g: boolean) => timeRun('zsh', ['-c', 'true'], { ...base, ...(g ? { ZDOTDIR: path.join(GATE, 'zsh') } : { ZDOTDIR: userZ }) });
  perLine('zsh -c start-up', 1, startup);
  perLine('bash -c start-up', 1, (g) => timeRun('bash', ['-c', 'true'], { ...base, ...(g ? { BASH_ENV: path.join(GATE, 'bash-env.sh') } : {}) }));

  // PATH shims: a fake real kubectl (a tiny sh script), the shim folder in front of it.
  const real = path.join(dir, 'real');
  const shims = path.join(dir, 'shims');
  fs.mkdirSync(real);
  fs.writeFileSync(path.join(real, 'kubectl'), '#!/bin/sh\n:\n', { mode: 0o755 });
  writeShims(shims, ['kubectl', 'psql', 'terraform'], { gateJs: HELPER, node: '/bin/bash' });
  const sysPath = process.env.PATH ?? '/usr/bin:/bin';
  const withShims = { ...base, PATH: `${shims}:${real}:${sysPath}` };
  const without = { ...base, PATH: `${real}:${sysPath}` };
  const one: number[] = [];
  const oneOff: number[] = [];
  for (let i = 0; i < 60; i++) {
    oneOff.push(timeRun('kubectl', ['get', 'pods'], without));
    one.push(timeRun('kubectl', ['get', 'pods'], withShims));
  }
  console.log(
    `shim, one harmless call from Node (spawn kubectl get pods): direct ${median(oneOff).toFixed(2)} ms, through the shim ${median(one).toFixed(2)} ms -> +${(median(one) - median(oneOff)).toFixed(2)} ms`,
  );
  const loop = path.join(dir, 'build.sh');
  fs.writeFileSync(loop, 'i=0\nwhile [ $i -lt 1000 ]; do kubectl get pods; i=$((i+1)); done\n');
  perLine('1,000 shimmed harmless calls from one sh script', 1000, (g) => timeRun('sh', [loop], g ? withShims : without));

  // The same with real CLIs where the machine has them (Debian's psql is a Perl wrapper, as
  // real CLIs are programs of some weight): a build of 1,000 harmless calls, shims on and off.
  for (const [name, args] of [['psql', ['--version']], ['docker', ['--version']], ['terraform', ['version']], ['kubectl', ['version', '--client']]] as const) {
    const found = sysPath.split(':').map((d) => path.join(d, name)).find((f) => fs.existsSync(f));
    if (!found) {
      console.log(`real ${name}: not on this machine, skipped`);
      continue;
    }
    const realShims = path.join(dir, `shims-${name}`);
    writeShims(realShims, [name], { gateJs: HELPER, node: '/bin/bash' });
    const build = path.join(dir, `build-${name}.sh`);
    fs.writeFileSync(build, `i=0\nwhile [ $i -lt 1000 ]; do ${name} ${args.join(' ')} > /dev/null; i=$((i+1)); done\n`);
    const on: number[] = [];
    const off: number[] = [];
    for (let i = 0; i < 3; i++) {
      off.push(timeRun('sh', [build], { ...base, PATH: sysPath }));
      on.push(timeRun('sh', [build], { ...base, PATH: `${realShims}:${sysPath}` }));
    }
    const a = median(off);
    const b = median(on);
    console.log(`real ${name} ${args.join(' ')} x1,000 from one sh script: without shims ${a.toFixed(0)} ms, with ${b.toFixed(0)} ms -> +${(((b - a) / a) * 100).toFixed(1)}% (+${((b - a) / 1000).toFixed(2)} ms per call)`);
  }
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
  console.log(`helper calls during all of the above: ${calls} (expected 0)`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
