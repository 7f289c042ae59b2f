/**
 * Layers: built-in strict defaults → user/machine settings → workspace policy file.
 * Lists are unions. A workspace layer that is not trusted may only tighten: it can add
 * production names, hosts and resources, ask/confirm/deny overrides, shims, watched
 * files and protected variables; everything else it asks for is ignored and reported.
 */
import { defaultPolicy } from './defaults';
import type { PlacedEnvironment, Policy, PolicyInput, PolicyLayer } from './types';
import { PLACED_ENVIRONMENTS } from './types';

export interface MergeOptions {
  /** Whether the workspace is trusted (VS Code workspace trust; the CLI's `--trust`). */
  trusted: boolean;
}

export interface MergeReport {
  policy: Policy;
  /** What an untrusted workspace layer asked for and did not get, in words. */
  ignored: string[];
}

/** Merge layers over the built-in defaults (which are always the bottom layer). */
export function mergePolicy(layers: readonly PolicyLayer[], opts: MergeOptions): Policy {
  return mergePolicyReport(layers, opts).policy;
}

export function mergePolicyReport(layers: readonly PolicyLayer[], opts: MergeOptions): MergeReport {
  const policy = defaultPolicy();
  const ignored: string[] = [];
  for (const layer of layers) {
    const tightenOnly = layer.source === 'workspace' && !opts.trusted;
    applyLayer(policy, layer, tightenOnly, ignored);
  }
  return { policy, ignored };
}

function union(into: string[], add: readonly string[] | undefined): void {
  if (!add) return;
  for (const s of add) if (!into.includes(s)) into.push(s);
}

function applyLayer(policy: Policy, layer: PolicyLayer, tightenOnly: boolean, ignored: string[]): void {
  const p: PolicyInput = layer.policy ?? {};
  const where = layer.file ?? layer.source;

  for (const env of PLACED_ENVIRONMENTS) {
    const spec = p.environments?.[env];
    if (!spec) continue;
    if (tightenOnly && env !== 'production') {
      // Placing anything in staging or development lowers it from unknown (treated as production).
      const n = (spec.patterns?.length ?? 0) + (spec.hosts?.length ?? 0) + (spec.resources?.length ?? 0);
      if (n) ignored.push(`${where}: environments.${env} (${n} entr${n === 1 ? 'y' : 'ies'}) ignored: an untrusted workspace can only add to production.`);
      continue;
    }
    const target = policy.environments[env as PlacedEnvironment];
    union(target.patterns, spec.patterns);
    union(target.hosts, spec.hosts);
    union(target.resources, spec.resources);
  }

  for (const o of p.overrides ?? []) {
    if (tightenOnly && o.decision === 'allow') {
      ignored.push(`${where}: override { rule: "${o.rule}", decision: "allow" } ignored: an untrusted workspace cannot allow.`);
      continue;
    }
    policy.overrides.push({ ...o, origin: layer.source, ...(tightenOnly ? { tightenOnly: true } : {}) });
  }

  for (const s of p.shims ?? []) {
    if (s.startsWith('!')) {
      const name = s.slice(1);
      if (tightenOnly) {
        ignored.push(`${where}: shim removal "${s}" ignored: an untrusted workspace cannot remove shims.`);
        continue;
      }
      policy.shims = policy.shims.filter((x) => x !== name);
    } else if (!policy.shims.includes(s)) policy.shims.push(s);
  }

  union(policy.watch, p.watch);
  union(policy.protectedVariables, p.protectedVariables);
  union(policy.maskedVariables, p.maskedVariables);

  if (p.stateChanges) {
    for (const k of ['staging', 'unknown'] as const) {
      const v = p.stateChanges[k];
      if (v === undefined) continue;
      if (tightenOnly && v === 'allow') {
        ignored.push(`${where}: stateChanges.${k} "allow" ignored: an untrusted workspace can only ask more.`);
        continue;
      }
      policy.stateChanges[k] = v;
    }
  }

  if (p.workspaceEnvironment) {
    if (tightenOnly && p.workspaceEnvironment !== 'production') {
      ignored.push(`${where}: workspaceEnvironment "${p.workspaceEnvironment}" ignored: an untrusted workspace can only mark itself production.`);
    } else {
      policy.workspaceEnvironment = p.workspaceEnvironment;
    }
  }

  if (p.signals) {
    const sig = p.signals;
    const n = (sig.variables?.length ?? 0) + (sig.urlVariables?.length ?? 0) + (sig.dotenvFiles?.length ?? 0);
    if (tightenOnly) {
      // A new signal could name development and lower an otherwise unknown workspace.
      if (n) ignored.push(`${where}: signals ignored: an untrusted workspace cannot add environment signals.`);
    } else {
      union(policy.signals.variables, sig.variables);
      union(policy.signals.urlVariables, sig.urlVariables);
      union(policy.signals.dotenvFiles, sig.dotenvFiles);
    }
  }
}
