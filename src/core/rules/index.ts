/** All rule packs, indexed by command name so each simple command only meets the rules for it. */
import type { RuleHit } from '../types';
import type { SimpleCommand } from '../shell/model';
import { changeRules } from './changes';
import { cloudRules } from './cloud';
import { databaseRules } from './database';
import { filesystemRules } from './filesystem';
import { gitRules } from './git';
import { httpRules } from './http';
import { infraRules } from './infra';
import { guardRule } from './guard';
import { localRule } from './local';
import { paasRules } from './paas';
import { deferredRules, plantRule } from './deferred';
import { opsRules } from './ops';
import type { Rule, RuleContext } from './util';

export type { Rule, RuleContext } from './util';

const byName = new Map<string, Rule[]>();
for (const pack of [filesystemRules, gitRules, databaseRules, cloudRules, infraRules, paasRules, httpRules, deferredRules, opsRules]) {
  for (const [name, rules] of Object.entries(pack)) {
    const list = byName.get(name) ?? [];
    list.push(...rules);
    byName.set(name, list);
  }
}

/** Every rule id the packs can emit, by pack (documentation and tests). */
export const PACKS = ['filesystem', 'git', 'database', 'cloud', 'iac', 'kubernetes', 'paas', 'http-api', 'container', 'credentials', 'agent', 'guard-config'] as const;

export function ruleNames(): string[] {
  return [...byName.keys()];
}

export function runRules(cmd: SimpleCommand, ctx: RuleContext): RuleHit[] {
  const out: RuleHit[] = [];
  const push = (r: RuleHit[] | RuleHit | undefined | void) => {
    if (!r) return;
    if (Array.isArray(r)) out.push(...r);
    else out.push(r);
  };
  let name = cmd.name;
  // python3.11 → python3, mkfs.ext4 stays (listed), rake/rails variants.
  if (!byName.has(name) && /^python\d/.test(name)) name = 'python';
  if (!byName.has(name) && /^mkfs\.[\w.]+$/.test(name)) name = 'mkfs';
  const rules = byName.get(name);
  if (rules) for (const r of rules) push(r(cmd, ctx));
  push(localRule(cmd, ctx));
  push(plantRule(cmd, ctx));
  push(changeRules(cmd, ctx));
  push(guardRule(cmd, ctx));
  return out;
}
