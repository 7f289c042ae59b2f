/**
 * Cloud, PaaS, API, IaC, Kubernetes and credential commands: the resources, hosts and the
 * account / project / profile the command names, and the environment each belongs to.
 * Nothing is contacted: this is what the command line and the environment evidence say.
 */
import { maskSecrets, maskValue, isSecretName } from '../redact';
import type { SimpleCommand } from '../shell/model';
import { DYN } from '../shell/model';
import type { Evidence, Verdict } from '../types';
import type { PreviewRequest, PreviewSection } from './types';

/** Options that name where a command acts: account, project, profile, region, cluster… */
const SCOPE_OPTIONS: Record<string, string> = {
  '--profile': 'profile',
  '--region': 'region',
  '--project': 'project',
  '--account': 'account',
  '--subscription': 'subscription',
  '--resource-group': 'resource group',
  '-g': 'resource group',
  '--context': 'context',
  '--kube-context': 'context',
  '--cluster': 'cluster',
  '--namespace': 'namespace',
  '-n': 'namespace',
  '--app': 'app',
  '-a': 'app',
  '--org': 'organisation',
  '--team': 'team',
  '--scope': 'scope',
  '--environment': 'environment',
  '--env': 'environment',
  '-e': 'environment',
  '--stack': 'stack',
  '-s': 'stack',
  '--workspace': 'workspace',
  '--service': 'service',
  '--database': 'database',
  '--branch': 'branch',
  '--zone': 'zone',
  '--location': 'location',
  '--host': 'host',
  '-H': 'host',
};

/** Environment variables that select an account or target (values shown masked when secret-like). */
const SCOPE_VARS = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'CLOUDSDK_CORE_PROJECT',
  'GOOGLE_CLOUD_PROJECT',
  'AZURE_SUBSCRIPTION_ID',
  'KUBECONFIG',
  'TF_WORKSPACE',
  'PULUMI_STACK',
  'HEROKU_APP',
  'FLY_APP',
  'RAILWAY_ENVIRONMENT',
  'VERCEL_ORG_ID',
  'VERCEL_PROJECT_ID',
  'NODE_ENV',
  'APP_ENV',
  'RAILS_ENV',
];

const clean = (s: string) => maskSecrets(s.split(DYN).join('…'));

function scopeOf(cmds: SimpleCommand[]): string[] {
  const out: string[] = [];
  for (const c of cmds) {
    const a = c.args.map((w) => w.value);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      const eq = v.indexOf('=');
      const name = v.startsWith('--') && eq > 0 ? v.slice(0, eq) : v;
      const label = SCOPE_OPTIONS[name];
      if (!label) continue;
      const val = eq > 0 && v.startsWith('--') ? v.slice(eq + 1) : a[i + 1];
      if (val === undefined || val.startsWith('-')) continue;
      out.push(`${label}: ${clean(val)} (${c.name} ${name})`);
    }
    for (const [k, v] of Object.entries(c.assignments)) if (SCOPE_VARS.includes(k)) out.push(`${k}=${clean(v)} (set on the command line)`);
  }
  return [...new Set(out)];
}

function envName(e: string): string {
  return e === 'unknown' ? 'unknown (treated as production)' : e;
}

function evidenceLine(e: Evidence): string {
  return `${e.signal} = ${clean(e.value)} → ${envName(e.environment)}`;
}

/** The environment a target belongs to: evidence naming it, else the command's environment. */
function environmentOf(target: string, verdict: Verdict): string {
  const t = target.toLowerCase();
  const named = verdict.evidence.find((e) => e.value && e.value.length > 2 && (t.includes(e.value.toLowerCase()) || e.value.toLowerCase().includes(t)));
  return named ? `${envName(named.environment)} (by ${named.signal})` : envName(verdict.environment);
}

export function previewResources(verdict: Verdict, cmds: SimpleCommand[], req: PreviewRequest, credentials: boolean): { sections: PreviewSection[]; summary: string[] } {
  const sections: PreviewSection[] = [];
  const targets = [...new Set(verdict.hits.filter((h) => h.category !== 'filesystem' && h.category !== 'git').flatMap((h) => h.targets ?? []))];
  if (targets.length) {
    sections.push({
      heading: credentials ? 'What the command changes' : 'Resources, hosts and ids the command acts on',
      lines: targets.map((t) => `${clean(t)} → ${environmentOf(t, verdict)}`),
    });
  }
  const scope = scopeOf(cmds);
  const vars = SCOPE_VARS.filter((k) => req.env?.[k]).map((k) => `${k}=${isSecretName(k) ? maskValue(req.env![k]!) : clean(req.env![k]!)} (from the environment)`);
  if (scope.length || vars.length) sections.push({ heading: 'Account, project, profile and region', lines: [...scope, ...vars] });
  sections.push({
    heading: `Environment: ${envName(verdict.environment)}`,
    lines: verdict.evidence.length ? verdict.evidence.map(evidenceLine) : ['No environment signal was found.'],
  });
  if (credentials) sections.push({ heading: 'Note', lines: ['A masked before/after view of the credential change is not part of this preview yet.'] });
  const where = envName(verdict.environment);
  const summary = targets.length
    ? [`${targets.length === 1 ? `${clean(targets[0])} is` : `${targets.length} resources are`} in ${where === 'unknown (treated as production)' ? 'an unknown environment, treated as production' : where}.`]
    : [`The command acts in ${verdict.environment === 'unknown' ? 'an unknown environment, treated as production' : verdict.environment}.`];
  return { sections, summary };
}
