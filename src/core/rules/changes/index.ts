/**
 * The state-change tier: commands that change something real without being destructive on
 * their own (deploys, migrations, applies, schema pushes, scoped writes and deletes, restarts
 * and scaling, secret and variable sets, cache deletes, uploads that overwrite). Each finding
 * is `change` with low risk and the references the environment resolver needs to name the
 * command's own target: asked when that target is production, unprompted in development.
 * Reads (SELECT, get, describe, logs, plan, status, GET) are not findings.
 */
import type { RuleHit, TargetRef } from '../../types';
import { DYN, type SimpleCommand } from '../../shell/model';
import type { Rule, RuleContext } from '../util';
import { dataPack } from './data';
import { httpPack } from './http';
import { infraPack } from './infra';
import { paasPack } from './paas';

export { sqlWrites } from './data';

const PACK: Record<string, Rule[]> = { ...dataPack, ...infraPack, ...paasPack(changeRules), ...httpPack };

/** Options that choose a tool's target: given a value known only at run time, the target is unknown. */
const TARGET_OPTIONS: Record<string, string[]> = {
  kubectl: ['--context', '--kubeconfig', '--cluster', '--server', '-s'],
  helm: ['--kube-context', '--kubeconfig'],
  aws: ['--profile', '--endpoint-url'],
  gcloud: ['--project', '--configuration'],
  az: ['--subscription'],
  fly: ['-a', '--app', '-c', '--config'],
  heroku: ['-a', '--app', '-r', '--remote'],
  railway: ['-e', '--environment'],
  terraform: ['-var-file', '-chdir'],
  psql: ['-h', '--host', '-d', '--dbname'],
  mysql: ['-h', '--host'],
  'redis-cli': ['-h', '-u'],
  supabase: ['--db-url', '--project-ref'],
  pulumi: ['--stack', '-s'],
  serverless: ['--stage', '-s'],
  wrangler: ['--env', '-e'],
  vercel: ['--target', '--scope'],
};
const OPTION_ALIASES: Record<string, string> = { flyctl: 'fly', tofu: 'terraform', terragrunt: 'terraform', oc: 'kubectl', k: 'kubectl', sls: 'serverless', mariadb: 'mysql', 'valkey-cli': 'redis-cli' };

const DB_TOOLS = new Set(['psql', 'mysql', 'mariadb', 'redis-cli', 'valkey-cli', 'supabase']);

function dynamicRefs(c: SimpleCommand): TargetRef[] {
  const names = TARGET_OPTIONS[OPTION_ALIASES[c.name] ?? c.name];
  if (!names) return [];
  const out: TargetRef[] = [];
  const a = c.args;
  for (let i = 0; i < a.length; i++) {
    for (const n of names) {
      const w = a[i].value === n ? a[i + 1] : a[i].value.startsWith(n + '=') ? a[i] : undefined;
      // A database tool's `$VARIABLE` is read from the terminal and the .env files (a db-var reference) instead.
      if (w && w.value.includes(DYN) && !(DB_TOOLS.has(c.name) && /^"?\$\{?\w+\}?"?$/.test(w.raw))) out.push({ tool: c.name, kind: 'dynamic', value: w.raw.replace(new RegExp(`^${n}=`), ''), via: n });
    }
  }
  return out;
}

/** The state-change findings for one command. */
export function changeRules(c: SimpleCommand, ctx: RuleContext): RuleHit[] {
  const out: RuleHit[] = [];
  let name = c.name;
  if (!PACK[name] && /^python\d/.test(name)) name = 'python';
  for (const r of PACK[name] ?? []) {
    const h = r(c, ctx);
    if (!h) continue;
    if (Array.isArray(h)) out.push(...h);
    else out.push(h);
  }
  if (out.length) {
    const dyn = dynamicRefs(c);
    if (dyn.length) return out.map((h) => ({ ...h, refs: [...(h.refs ?? []), ...dyn] }));
  }
  return out;
}
