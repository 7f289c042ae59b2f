/**
 * Matchers compiled once per policy: globs over text (commands, resource ids, hosts),
 * globs over paths, and environment name patterns. Hot path: no regex is built per call.
 */
import { Minimatch } from 'minimatch';
import type { Identity } from '../detected';
import type { EnvironmentName } from '../types';
import type { EnvironmentSpec, PlacedEnvironment, Policy } from './types';
import { PLACED_ENVIRONMENTS } from './types';

export type Matcher = (s: string) => boolean;

const GLOB_CHARS = /[*?[\]{}]/;
/** Stands in for `/` so that `*` in a text glob spans slashes (a command line is not a path). */
const SLASH_STAND_IN = '\u2044';

export function hasGlob(p: string): boolean {
  return GLOB_CHARS.test(p);
}

/** A glob over free text: `*` matches anything, `/` included. Case-insensitive unless told. */
export function textGlob(pattern: string, nocase = true): Matcher {
  if (!hasGlob(pattern)) {
    const lit = nocase ? pattern.toLowerCase() : pattern;
    return nocase ? (s) => s.toLowerCase() === lit : (s) => s === lit;
  }
  const mm = new Minimatch(pattern.split('/').join(SLASH_STAND_IN), { nocase, dot: true, nonegate: true, nocomment: true });
  return (s) => mm.match(s.split('/').join(SLASH_STAND_IN));
}

/** A path glob (minimatch semantics: `*` stops at `/`, `**` crosses). */
export function pathGlob(pattern: string): Matcher {
  const mm = new Minimatch(pattern, { dot: true, nonegate: true, nocomment: true });
  return (s) => mm.match(s);
}

/** Any of several matchers; exact strings go through a Set. */
export function anyOf(patterns: readonly string[], make: (p: string) => Matcher = textGlob, nocase = true): Matcher {
  const exact = new Set<string>();
  const globs: Matcher[] = [];
  for (const p of patterns) {
    if (hasGlob(p)) globs.push(make(p));
    else exact.add(nocase ? p.toLowerCase() : p);
  }
  if (globs.length === 0) return nocase ? (s) => exact.has(s.toLowerCase()) : (s) => exact.has(s);
  return (s) => exact.has(nocase ? s.toLowerCase() : s) || globs.some((g) => g(s));
}

/** `myProdDB` → `my-prod-db`: camelCase boundaries become word boundaries, then lower case. */
export function normaliseName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * One environment name pattern, applied to a normalised name. Returns its specificity
 * (the pattern's length) when it matches, 0 otherwise: `pre-prod` beats `prod`.
 */
export function namePattern(pattern: string): (normalised: string) => number {
  const p = pattern.trim();
  if (!p) return () => 0;
  const weight = p.replace(/[*?[\]{}]/g, '').length || 1;
  if (hasGlob(p)) {
    const g = textGlob(p.toLowerCase(), true);
    return (s) => (g(s) ? weight : 0);
  }
  const re = new RegExp(`(?:^|[^a-z])${escapeRe(normaliseName(p))}(?:[^a-z]|$)`);
  return (s) => (re.test(s) ? weight : 0);
}

export const DANGER: Readonly<Record<EnvironmentName, number>> = { development: 0, staging: 1, unknown: 2, production: 3 };

/** production > unknown > staging > development; nothing → unknown. */
export function mostDangerous(envs: Iterable<EnvironmentName>): EnvironmentName {
  let best: EnvironmentName | undefined;
  for (const e of envs) if (best === undefined || DANGER[e] > DANGER[best]) best = e;
  return best ?? 'unknown';
}

export type { Identity };

/** The environment placement part of a policy, compiled. */
export interface Placement {
  /** Placed by the policy's resources and hosts lists, or undefined. */
  explicit(id: Identity): PlacedEnvironment | undefined;
  /** Placed by name patterns (most specific pattern wins; a tie goes to the more dangerous), or undefined. */
  byName(value: string): PlacedEnvironment | undefined;
}

const compiled = new WeakMap<Policy, Placement>();
const MEMO_LIMIT = 5000;

export function placementOf(policy: Policy): Placement {
  let p = compiled.get(policy);
  if (!p) {
    p = compilePlacement(policy);
    compiled.set(policy, p);
  }
  return p;
}

function compilePlacement(policy: Policy): Placement {
  // Most dangerous first so that the first explicit hit is the answer.
  const order: PlacedEnvironment[] = ['production', 'staging', 'development'];
  const specs = order.map((env) => {
    const s: EnvironmentSpec = policy.environments[env];
    return {
      env,
      resources: anyOf(s.resources),
      hosts: anyOf(s.hosts),
      patterns: s.patterns.map(namePattern),
    };
  });
  const explicitMemo = new Map<string, PlacedEnvironment | null>();
  const nameMemo = new Map<string, PlacedEnvironment | null>();
  const remember = <V>(m: Map<string, V>, k: string, v: V): V => {
    if (m.size >= MEMO_LIMIT) m.clear();
    m.set(k, v);
    return v;
  };
  return {
    explicit(id) {
      const key = id.kind + '\0' + id.value;
      const hit = explicitMemo.get(key);
      if (hit !== undefined) return hit ?? undefined;
      let found: PlacedEnvironment | null = null;
      for (const s of specs) {
        if (s.resources(id.value) || (id.kind === 'host' && s.hosts(id.value))) {
          found = s.env;
          break;
        }
      }
      return remember(explicitMemo, key, found) ?? undefined;
    },
    byName(value) {
      const hit = nameMemo.get(value);
      if (hit !== undefined) return hit ?? undefined;
      const norm = normaliseName(value);
      let found: PlacedEnvironment | null = null;
      let weight = 0;
      for (const s of specs) {
        for (const pat of s.patterns) {
          const w = pat(norm);
          // specs are in danger order, so a tie keeps the more dangerous one
          if (w > weight) {
            weight = w;
            found = s.env;
          }
        }
      }
      return remember(nameMemo, value, found) ?? undefined;
    },
  };
}

export { PLACED_ENVIRONMENTS };
