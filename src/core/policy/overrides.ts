/**
 * Per-rule overrides applied to rule hits. Matching: the rule id glob, then every
 * criterion the override names (commands, paths, hosts, environments). An `allow`
 * needs every target to match its path/host globs; ask/confirm/deny need just one.
 *
 * Order: later overrides from the same kind of layer win; a trusted workspace cannot
 * loosen what the user's own settings decided; tighten-only overrides (untrusted
 * workspace) can only raise the decision.
 */
import * as path from 'node:path';
import type { CheckRequest, EnvironmentName, EnvironmentResolution, PolicyOverrides, RuleHit } from '../types';
import { anyOf, pathGlob, textGlob, type Matcher } from './match';
import type { OverrideDecision, Policy, RuleOverride } from './types';

const STRICTNESS: Readonly<Record<OverrideDecision, number>> = { allow: 0, ask: 1, confirm: 2, deny: 3 };

export function stricter(a: OverrideDecision | undefined, b: OverrideDecision | undefined): OverrideDecision | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

interface CompiledOverride {
  o: RuleOverride;
  rule: Matcher;
  commands?: Matcher;
  paths?: Matcher;
  hosts?: Matcher;
  envs?: ReadonlySet<EnvironmentName>;
}

function compile(o: RuleOverride): CompiledOverride {
  const envs = o.environments?.length ? new Set<EnvironmentName>(o.environments) : undefined;
  if (envs?.has('production')) envs.add('unknown'); // unknown counts as production
  return {
    o,
    rule: textGlob(o.rule),
    commands: o.commands?.length ? anyOf(o.commands, (p) => textGlob(p, false), false) : undefined,
    paths: o.paths?.length ? anyOf(o.paths, pathGlob, false) : undefined,
    hosts: o.hosts?.length ? anyOf(o.hosts) : undefined,
    envs,
  };
}

/** Hosts named by targets: URL hosts and bare host names. */
export function hostsOf(targets: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of targets) {
    const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(t);
    if (m) {
      for (const part of m[1].split(',')) {
        const h = stripPort(part);
        if (h) out.push(h.toLowerCase());
      }
    } else if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i.test(t) || /^\[?[0-9a-f:.]+\]?(:\d+)?$/i.test(t)) {
      out.push(stripPort(t).toLowerCase());
    }
  }
  return out;
}

export function stripPort(hostport: string): string {
  const h = hostport.trim();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colons = h.split(':').length - 1;
  if (colons === 1) return h.slice(0, h.indexOf(':'));
  return h; // bare IPv6 or no port
}

function pathCandidates(t: string, req: CheckRequest): string[] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return [t];
  let p = t;
  if ((p === '~' || p.startsWith('~/')) && req.home) p = path.join(req.home, p.slice(1));
  const base = req.cwd ?? req.workspaceRoot;
  const abs = base ? path.resolve(base, p) : p;
  const out = [t, abs];
  if (req.workspaceRoot) {
    const rel = path.relative(req.workspaceRoot, abs);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) out.push(rel.split(path.sep).join('/'));
  }
  return out;
}

function matches(c: CompiledOverride, hit: RuleHit, req: CheckRequest, command: string, env: EnvironmentName): boolean {
  if (!c.rule(hit.id)) return false;
  if (c.envs && !c.envs.has(env)) return false;
  if (c.commands && !c.commands(command)) return false;
  const loosening = c.o.decision === 'allow';
  const targets = hit.targets ?? [];
  if (c.paths) {
    const test = (t: string) => pathCandidates(t, req).some((x) => c.paths!(x));
    if (loosening ? !(targets.length > 0 && targets.every(test)) : !targets.some(test)) return false;
  }
  if (c.hosts) {
    const hosts = hostsOf(targets);
    if (loosening ? !(hosts.length > 0 && hosts.every(c.hosts)) : !hosts.some(c.hosts)) return false;
  }
  return true;
}

function currentDecision(hit: RuleHit): OverrideDecision | undefined {
  if (hit.decision === 'deny') return 'deny';
  if (hit.typedConfirmation) return 'confirm';
  return hit.decision;
}

function applyDecision(hit: RuleHit, d: OverrideDecision, reason: string | undefined): RuleHit {
  const out: RuleHit = { ...hit };
  switch (d) {
    case 'allow':
      out.decision = 'allow';
      out.typedConfirmation = false;
      break;
    case 'ask':
      out.decision = 'ask';
      break;
    case 'confirm':
      out.decision = 'ask';
      out.typedConfirmation = true;
      break;
    case 'deny':
      out.decision = 'deny';
      break;
  }
  if (reason) out.reason = reason;
  return out;
}

/** The policy's say over rule hits, compiled once. */
export function makePolicyOverrides(policy: Policy): PolicyOverrides {
  const compiled = policy.overrides.map(compile);
  if (compiled.length === 0) return (hits) => hits;
  return (hits, req, resolution: EnvironmentResolution) => {
    const command = req.command.trim().replace(/\s+/g, ' ');
    return hits.map((hit) => {
      let user: RuleOverride | undefined;
      let workspace: RuleOverride | undefined;
      const raises: RuleOverride[] = [];
      for (const c of compiled) {
        if (!matches(c, hit, req, command, resolution.environment)) continue;
        if (c.o.tightenOnly) raises.push(c.o);
        else if (c.o.origin === 'workspace') workspace = c.o;
        else user = c.o;
      }
      if (!user && !workspace && raises.length === 0) return hit;
      let decision: OverrideDecision | undefined;
      let reason: string | undefined;
      let out = hit;
      if (user || workspace) {
        // A trusted workspace decides over the defaults, but not against the user's own settings.
        const chosen = user && workspace ? (STRICTNESS[workspace.decision] >= STRICTNESS[user.decision] ? workspace : user) : (workspace ?? user)!;
        decision = chosen.decision;
        reason = chosen.reason;
        out = applyDecision(hit, decision, reason);
      }
      for (const r of raises) {
        const base = currentDecision(out);
        if (base === undefined || STRICTNESS[r.decision] > STRICTNESS[base]) out = applyDecision(out, r.decision, r.reason);
      }
      return out;
    });
  };
}
