/**
 * `TwoKey: Create Policy`: a commented policy filled from what the resolver detected.
 * What it placed goes under its environment; what it could not place is listed in a
 * comment for the person to sort, since unplaced things are treated as production.
 */
import type { EnvironmentResolution, Evidence } from '../types';
import type { DetectedSignal } from '../detected';
import { DEFAULT_POLICY } from './defaults';
import { placementOf, type Identity } from './match';
import type { PlacedEnvironment, Policy } from './types';

export type StarterInput = EnvironmentResolution | { signals: readonly DetectedSignal[] } | ReadonlyArray<Evidence | DetectedSignal>;

interface Item {
  kind: 'hosts' | 'resources';
  value: string;
  from: string;
}

function signalsOf(input: StarterInput): Array<Evidence & { identities?: Identity[] }> {
  if (Array.isArray(input)) return input as Array<Evidence & { identities?: Identity[] }>;
  if ('signals' in input) return [...input.signals];
  return [...(input as EnvironmentResolution).evidence];
}

/** What a signal names that a policy could list. Variable values (`NODE_ENV=production`) are not resources. */
function identitiesOf(s: Evidence & { identities?: Identity[] }): Identity[] {
  const isVariable = s.signal.startsWith('env:') || s.signal.startsWith('file:');
  let ids = s.identities;
  if (!ids) {
    if (!s.value || s.value.includes('****') || s.signal === 'none') return [];
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#:,]+)/i.exec(s.value);
    ids = url ? [{ kind: 'host', value: url[1].toLowerCase() }] : [{ kind: isVariable ? 'name' : 'id', value: s.value }];
  }
  return ids.filter((i) => i.value && !i.value.includes('****') && (i.kind === 'host' || !isVariable));
}

export function createStarterPolicy(detected: StarterInput, opts: { policy?: Policy } = {}): string {
  const base = placementOf((opts.policy ?? DEFAULT_POLICY) as Policy);
  const defaults = placementOf(DEFAULT_POLICY as Policy);
  const placed: Record<PlacedEnvironment, Item[]> = { production: [], staging: [], development: [] };
  const unplaced: Item[] = [];
  const seen = new Set<string>();
  const signals = signalsOf(detected);

  for (const s of signals) {
    for (const id of identitiesOf(s)) {
      const kind = id.kind === 'host' ? 'hosts' : 'resources';
      const key = kind + '\0' + id.value.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      if (defaults.explicit(id)) continue; // localhost and friends are built in
      const item: Item = { kind, value: id.value, from: s.signal };
      const env = s.environment === 'unknown' ? undefined : (base.explicit(id) ?? base.byName(id.value) ?? (s.environment as PlacedEnvironment));
      if (env) placed[env].push(item);
      else unplaced.push(item);
    }
  }

  const L: string[] = [];
  L.push('// TwoKey policy: how to recognise production, staging and development, and what to do about it.');
  L.push('// Anything TwoKey cannot place is treated as production. In an untrusted workspace this file');
  L.push('// can only tighten the built-in defaults. Schema and completion come with the extension.');
  if (signals.length) {
    L.push('//');
    L.push('// Detected when this file was created:');
    const w = Math.max(...signals.map((s) => s.signal.length));
    for (const s of signals) L.push(`//   ${s.environment.padEnd(11)} ${s.signal.padEnd(w)}  ${oneLine(s.value)}`);
  }
  L.push('{');
  L.push('  "version": 1,');
  L.push('  "environments": {');
  const envs: PlacedEnvironment[] = ['production', 'staging', 'development'];
  envs.forEach((env, i) => {
    L.push(`    ${JSON.stringify(env)}: {`);
    L.push(`      // Words (matched on word boundaries) or globs, added to the built-in ones: ${DEFAULT_POLICY.environments[env].patterns.slice(0, 5).join(', ')}, …`);
    L.push('      "patterns": [],');
    L.push('      // Database, API and cluster hosts (globs such as "*.prod.example.com").');
    list(L, 'hosts', placed[env].filter((x) => x.kind === 'hosts'), env === 'production' ? unplaced.filter((x) => x.kind === 'hosts') : []);
    L.push('      // Resource ids and names: volume ids, project ids, buckets, clusters, subscriptions, accounts.');
    list(L, 'resources', placed[env].filter((x) => x.kind === 'resources'), env === 'production' ? unplaced.filter((x) => x.kind === 'resources') : []);
    L.push(`    }${i < envs.length - 1 ? ',' : ''}`);
  });
  L.push('  },');
  L.push('  // Per-rule overrides, matched on the rule id (glob) and optionally commands, paths, hosts and');
  L.push('  // environments ("production" also covers unknown). decision: allow, ask, confirm (ask with a');
  L.push('  // typed confirmation) or deny. Later overrides win; an untrusted workspace cannot allow.');
  L.push('  "overrides": [');
  L.push('    // { "rule": "fs.*", "paths": ["build/**", "dist/**"], "decision": "allow" },');
  L.push('    // { "rule": "paas.railway.*", "environments": ["production"], "decision": "confirm" }');
  L.push('  ],');
  L.push(`  // CLIs that get a PATH shim, added to the built-in ones (${DEFAULT_POLICY.shims.slice(0, 4).join(', ')}, …); "!name" removes one.`);
  L.push('  "shims": [],');
  L.push('  // Credential files to watch, added to the built-in ones ("~" is your home folder).');
  L.push('  "watch": [],');
  L.push('  // Variables an agent must not change.');
  L.push('  "protectedVariables": []');
  L.push('}');
  return L.join('\n') + '\n';
}

function list(L: string[], key: string, items: Item[], unplaced: Item[]): void {
  const comma = key === 'resources' ? '' : ',';
  if (!items.length && !unplaced.length) {
    L.push(`      ${JSON.stringify(key)}: []${comma}`);
    return;
  }
  L.push(`      ${JSON.stringify(key)}: [`);
  items.forEach((x, i) => L.push(`        ${JSON.stringify(x.value)}${i < items.length - 1 ? ',' : ''} // from ${oneLine(x.from)}`));
  if (unplaced.length) {
    L.push('        // Detected but not placed (treated as production until listed). Uncomment here, or move to');
    L.push('        // staging or development if that is what it is:');
    for (const x of unplaced) L.push(`        // ${JSON.stringify(x.value)}, (from ${oneLine(x.from)})`);
  }
  L.push(`      ]${comma}`);
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}
