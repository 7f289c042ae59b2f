/** Shared by the state-change rules: the finding itself and the references to a command's target. */
import type { Category, RuleHit, TargetRef } from '../../types';
import { DYN, type SimpleCommand, type Word } from '../../shell/model';
import { optValue } from '../util';

export function change(id: string, category: Category, reason: string, refs: TargetRef[], targets: string[] = []): RuleHit {
  const h: RuleHit = { id, category, risk: 'low', reason, change: true, refs };
  const t = targets.filter((x) => x && !x.includes(DYN));
  if (t.length) h.targets = t;
  return h;
}

export const words = (c: SimpleCommand): string[] => c.args.map((a) => a.value);
export const known = (v: string | undefined): string | undefined => (v && !v.includes(DYN) ? v : undefined);

/**
 * A variable named by a word such as `"$DATABASE_URL"` or `${PROD_TOKEN}`, even when the
 * terminal's value was expanded into it: the resolver reads the variable from the terminal
 * and from the workspace's files, so a terminal's value cannot hide the workspace's.
 */
export function variableOf(w: Word): string | undefined {
  return /\$\{?([A-Za-z_]\w*)/.exec(w.raw)?.[1];
}

/** An environment named by the command's own prefix assignments (`RAILS_ENV=production rails …`). */
export function labelRefs(c: SimpleCommand, tool: string, names: string[]): TargetRef[] {
  const out: TargetRef[] = [];
  for (const n of names) {
    const v = known(c.assignments[n]);
    if (v) out.push({ tool, kind: 'label', value: v, via: `${n}=${v}` });
  }
  return out;
}

export function optRef(c: SimpleCommand, tool: string, kind: string, names: string[], attached = false): TargetRef[] {
  for (const n of names) {
    const v = known(optValue(c.args, [n], attached));
    if (v) return [{ tool, kind, value: v, via: n }];
  }
  return [];
}

export const ENV_LABELS = ['NODE_ENV', 'APP_ENV', 'RAILS_ENV', 'RACK_ENV', 'ENVIRONMENT', 'STAGE', 'DJANGO_SETTINGS_MODULE', 'MIX_ENV', 'FLASK_ENV'];

export function migrationRefs(c: SimpleCommand, tool: string, variable: string): TargetRef[] {
  const refs: TargetRef[] = [];
  const assigned = known(c.assignments[variable]);
  if (assigned) refs.push({ tool, kind: 'db-url', value: assigned, via: `${variable} on the command line` });
  else refs.push({ tool, kind: 'db-var', value: variable, via: variable });
  const url = known(optValue(c.args, ['--url', '--database-url', '--db-url', '-database', '--database']));
  if (url && url.includes('://')) refs.push({ tool, kind: 'db-url', value: url, via: '--url' });
  const env = known(optValue(c.args, ['--env', '-e', '--environment', '--settings']));
  if (env) refs.push({ tool, kind: 'label', value: env, via: `--${/settings/.test(c.args.map((a) => a.value).join(' ')) ? 'settings' : 'env'} ${env}` });
  refs.push(...labelRefs(c, tool, ENV_LABELS));
  return refs;
}
