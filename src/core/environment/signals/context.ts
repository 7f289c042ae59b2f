/**
 * What every signal reader gets (the policy's placement, the file cache, the effective
 * variables) and the helpers they share: placing what a signal names, adding a signal,
 * showing a path.
 */
import * as path from 'node:path';
import type { DetectedSignal, Identity } from '../../detected';
import type { CachedFiles } from '../../fs';
import { mostDangerous, type Matcher, type Placement } from '../../policy/match';
import type { Policy } from '../../policy/types';
import type { EnvironmentName } from '../../types';

export interface SignalContext {
  policy: Policy;
  place: Placement;
  files: CachedFiles;
  home: string;
  cwd?: string;
  root?: string;
  /** cwd and workspace root, deduplicated: where workspace files are looked for. */
  dirs: string[];
  /** The effective variable (terminal's over host's); '' counts as unset. */
  get(name: string): string | undefined;
  /** Names of effective variables that are environment or URL variables. */
  relevantKeys(): string[];
  isVariable: Matcher;
  isUrlVariable: Matcher;
  out: DetectedSignal[];
}

/** Explicit placement (policy resources/hosts) first, then name patterns, else unknown. */
export function placeIdentities(place: Placement, ids: readonly Identity[]): EnvironmentName {
  const explicit: EnvironmentName[] = [];
  for (const id of ids) {
    const e = place.explicit(id);
    if (e) explicit.push(e);
  }
  if (explicit.length) return mostDangerous(explicit);
  const named: EnvironmentName[] = [];
  for (const id of ids) {
    const e = place.byName(id.value);
    if (e) named.push(e);
  }
  return named.length ? mostDangerous(named) : 'unknown';
}

/** Adds a signal to `ctx.out`, placed by what it names unless its nature already placed it. */
export function addSignal(ctx: SignalContext, s: Omit<DetectedSignal, 'environment'> & { environment?: EnvironmentName }): void {
  const ids = s.identities.filter((i) => i.value);
  ctx.out.push({ ...s, identities: ids, environment: s.environment ?? placeIdentities(ctx.place, ids) });
}

export function rel(ctx: SignalContext, file: string): string {
  if (ctx.root) {
    const r = path.relative(ctx.root, file);
    if (r && !r.startsWith('..') && !path.isAbsolute(r)) return r.split(path.sep).join('/');
  }
  if (file === ctx.home || file.startsWith(ctx.home + path.sep)) return '~' + file.slice(ctx.home.length).split(path.sep).join('/');
  return file;
}

/** A non-empty string, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** An array of objects (as parsed from JSON or YAML), else empty. */
export function asArray(v: unknown): Array<Record<string, unknown> | undefined> {
  return Array.isArray(v) ? (v as Array<Record<string, unknown> | undefined>) : [];
}
