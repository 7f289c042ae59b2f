/**
 * Engine benchmark (not a test: prints figures, asserts nothing).
 *  - in-process: median and p99 ms per command over the corpus
 *  - `node dist/cli.js check --batch` on the corpus: lines per second
 *  - CLI start-up: `node dist/cli.js check -- ls`, median of 20 runs
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createEngine } from '../../src/core/engine';

const root = resolve(__dirname, '../../..');
const corpusDir = join(root, 'test/corpus');
const cli = join(root, 'dist/cli.js');

function corpus(): string[] {
  const out: string[] = [];
  for (const f of readdirSync(corpusDir).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(corpusDir, f), 'utf8').split('\n')) if (line.trim()) out.push((JSON.parse(line) as { command: string }).command);
  }
  return out;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function main(): Promise<void> {
  const lines = corpus();
  const t0 = performance.now();
  const engine = await createEngine();
  console.log(`engine init: ${(performance.now() - t0).toFixed(1)} ms`);
  // Warm up, then measure several passes.
  for (const c of lines) engine.check({ command: c, cwd: '/home/dev/app', workspaceRoot: '/home/dev/app', home: '/home/dev' });
  const times: number[] = [];
  const fastest = lines.map(() => Infinity);
  for (let pass = 0; pass < 5; pass++) {
    lines.forEach((c, i) => {
      const s = performance.now();
      engine.check({ command: c, cwd: '/home/dev/app', workspaceRoot: '/home/dev/app', home: '/home/dev' });
      const d = performance.now() - s;
      times.push(d);
      fastest[i] = Math.min(fastest[i], d);
    });
  }
  times.sort((a, b) => a - b);
  fastest.sort((a, b) => a - b);
  console.log(`in-process: ${lines.length} commands × 5 passes: median ${pct(times, 0.5).toFixed(3)} ms, p99 ${pct(times, 0.99).toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms per command`);
  // Each line's fastest pass: what the line costs, without the time other processes took the CPU.
  console.log(`in-process, each line's fastest of 5: median ${pct(fastest, 0.5).toFixed(3)} ms, p99 ${pct(fastest, 0.99).toFixed(3)} ms, max ${fastest[fastest.length - 1].toFixed(3)} ms`);

  // Batch throughput: the corpus repeated to ~50,000 lines.
  const reps = Math.ceil(50000 / lines.length);
  const input = Array.from({ length: reps }, () => lines.map((c) => JSON.stringify({ command: c, cwd: '/home/dev/app' })).join('\n')).join('\n') + '\n';
  const n = reps * lines.length;
  const bs = performance.now();
  const r = spawnSync(process.execPath, [cli, 'check', '--batch'], { input, maxBuffer: 1 << 30 });
  const secs = (performance.now() - bs) / 1000;
  const outLines = r.stdout.toString().split('\n').filter(Boolean).length;
  console.log(`batch: ${n} lines in ${secs.toFixed(2)} s = ${Math.round(n / secs)} lines/s (including start-up; ${outLines} lines out, exit ${r.status})`);

  const starts: number[] = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    spawnSync(process.execPath, [cli, 'check', '--', 'ls']);
    starts.push(performance.now() - s);
  }
  const bare: number[] = [];
  for (let i = 0; i < 10; i++) {
    const s = performance.now();
    spawnSync(process.execPath, ['-e', '']);
    bare.push(performance.now() - s);
  }
  starts.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  console.log(`cli start-up (check -- ls): median ${pct(starts, 0.5).toFixed(1)} ms over 20 runs (bare node -e '': ${pct(bare, 0.5).toFixed(1)} ms)`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
