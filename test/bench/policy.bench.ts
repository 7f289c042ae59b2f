/**
 * Policy check benchmark (not a test: prints figures, asserts nothing). What checking
 * `.twokey/policy.json` against the schema costs a fresh process (the CLI, an agent hook's
 * slow path), side by side in the same run, each in its own child:
 *  - floor: a child that loads nothing
 *  - compiled: the schema check compiled ahead of time (ajv standalone code), loaded and run
 *    once through `parsePolicyLayer`
 *  - runtime: ajv itself loaded and the schema compiled in the process, then run once
 * CPU is the child's own user+system time from its start to the check's end; medians over
 * interleaved rounds.
 */
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '../../..');
const ROUNDS = Number(process.env.TWOKEY_BENCH_ROUNDS) || 15;
const POLICY = JSON.stringify('{ "version": 1, "shims": ["pscale"], "overrides": [ { "rule": "fs.*", "paths": ["build/**"], "decision": "allow" } ] }');

const VARIANTS: Record<string, string> = {
  floor: '',
  compiled: `const { parsePolicyLayer } = require(${JSON.stringify(path.join(ROOT, 'out', 'src', 'core', 'policy', 'parse.js'))}); if (!parsePolicyLayer(${POLICY}).layer) throw new Error('invalid');`,
  runtime: `const Ajv = require('ajv').default; const ajv = new Ajv({ allErrors: true }); ajv.addKeyword('enumDescriptions'); const v = ajv.compile(require(${JSON.stringify(path.join(ROOT, 'media', 'policy.schema.json'))})); if (!v(JSON.parse(${POLICY}.replace(/\\/\\/.*$/gm, '')))) throw new Error('invalid');`,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run(code: string): number {
  const script = `${code}; const u = process.cpuUsage(); process.stdout.write(String((u.user + u.system) / 1000));`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout);
}

const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, []]));
for (let i = 0; i < ROUNDS; i++) for (const [k, code] of Object.entries(VARIANTS)) cpu[k].push(run(code));
const floor = median(cpu.floor);
for (const k of Object.keys(VARIANTS)) {
  const m = median(cpu[k]);
  console.log(`${k.padEnd(9)} ${m.toFixed(1).padStart(7)} ms CPU${k === 'floor' ? '' : `  (+${(m - floor).toFixed(1)} ms over the floor)`}`);
}
