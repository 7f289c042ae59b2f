/**
 * Environment resolver timing: cold (new resolver, files read and parsed) and warm
 * (cache hit: one stat per candidate file). Prints figures; asserts nothing.
 * Target: warm under 0.2 ms per resolution.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEnvironmentResolver } from '../../src/core/environment';
import { defaultPolicy } from '../../src/core/policy';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-bench-'));
const home = path.join(dir, 'home');
const ws = path.join(dir, 'ws');
const write = (p: string, t: string) => {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, t);
};
write(path.join(home, '.kube/config'), 'apiVersion: v1\ncurrent-context: staging\ncontexts:\n- name: staging\n  context: {cluster: c1, namespace: web}\nclusters:\n- name: c1\n  cluster: {server: "https://10.0.0.1:6443"}\nusers:\n- name: u\n  user: {token: x}\n');
write(path.join(home, '.aws/config'), '[default]\nregion = us-east-1\n[profile staging]\nsso_account_id = 111111111111\n');
write(path.join(home, '.config/gcloud/active_config'), 'default');
write(path.join(home, '.config/gcloud/configurations/config_default'), '[core]\nproject = acme-staging\n');
write(path.join(home, '.railway/config.json'), JSON.stringify({ projects: { [ws]: { projectPath: ws, name: 'acme', project: 'p', environment: 'e', environmentName: 'staging' } } }));
write(path.join(ws, '.env'), 'NODE_ENV=development\nDATABASE_URL=postgres://u:p@localhost:5432/app\nREDIS_URL=redis://localhost:6379\nSECRET_KEY=abc\n'.repeat(3));
write(path.join(ws, '.env.local'), 'APP_ENV=staging\n');
write(path.join(ws, 'fly.toml'), 'app = "acme-staging"\n');
write(path.join(ws, '.git/config'), '[remote "origin"]\n\turl = git@github.com:acme/x.git\n');
fs.mkdirSync(path.join(ws, 'src/deep/er'), { recursive: true });

const policy = defaultPolicy();
policy.environments.production.resources.push('9f2c1d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f');
const ctx = { cwd: path.join(ws, 'src/deep/er'), workspaceRoot: ws, targets: ['9f2c1d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f', './build'], env: { AWS_PROFILE: 'staging' } };

function ms(ns: bigint): number {
  return Number(ns) / 1e6;
}
function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

// cold: a new resolver each time (no cache), after the OS has the files in its cache
const cold: number[] = [];
for (let i = 0; i < 200; i++) {
  const r = createEnvironmentResolver({ policy: defaultPolicy(), homeDir: home, hostEnv: process.env });
  const t = process.hrtime.bigint();
  r(ctx);
  cold.push(ms(process.hrtime.bigint() - t));
}

const resolver = createEnvironmentResolver({ policy, homeDir: home, hostEnv: process.env });
const first = resolver(ctx);
const warm: number[] = [];
for (let i = 0; i < 1000; i++) resolver(ctx); // JIT warm-up
for (let i = 0; i < 20000; i++) {
  const t = process.hrtime.bigint();
  resolver(ctx);
  warm.push(ms(process.hrtime.bigint() - t));
}
const noTargets = { ...ctx, targets: [] };
const warmNoTargets: number[] = [];
for (let i = 0; i < 20000; i++) {
  const t = process.hrtime.bigint();
  resolver(noTargets);
  warmNoTargets.push(ms(process.hrtime.bigint() - t));
}

console.log(`environment: ${first.environment}, ${first.evidence.length} pieces of evidence: ${first.evidence.map((e) => e.signal).join(', ')}`);
console.log(`cold (new resolver, ${cold.length} runs): first ${cold[0].toFixed(3)} ms, p50 ${pct(cold, 50).toFixed(3)} ms, p99 ${pct(cold, 99).toFixed(3)} ms`);
console.log(`warm (${warm.length} runs, 2 targets): p50 ${pct(warm, 50).toFixed(4)} ms, p99 ${pct(warm, 99).toFixed(4)} ms, mean ${(warm.reduce((a, b) => a + b, 0) / warm.length).toFixed(4)} ms`);
console.log(`warm (no targets): p50 ${pct(warmNoTargets, 50).toFixed(4)} ms, p99 ${pct(warmNoTargets, 99).toFixed(4)} ms`);
console.log(`file reads after warm runs: ${resolver.files.reads} (cache entries ${resolver.files.size})`);
fs.rmSync(dir, { recursive: true, force: true });
