/**
 * The Railway environment linked to the folder (`~/.railway/config.json`, the longest linked
 * project path that holds the folder). The token in that file is never kept.
 */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { addSignal, str, type SignalContext } from './context';

export interface RailwayLink {
  path: string;
  name?: string;
  project?: string;
  environment?: string;
  environmentName?: string;
}

export function parseRailway(text: string): RailwayLink[] {
  const doc = JSON.parse(text) as { projects?: Record<string, unknown> };
  const out: RailwayLink[] = [];
  for (const [key, raw] of Object.entries(doc?.projects ?? {})) {
    const p = (raw ?? {}) as Record<string, unknown>;
    out.push({ path: str(p.projectPath) ?? key, name: str(p.name), project: str(p.project), environment: str(p.environment), environmentName: str(p.environmentName) });
  }
  return out;
}

/** The link whose project path holds the folder (the longest such path), and the file it is in. */
export function railwayLink(ctx: SignalContext): { file: string; link: RailwayLink } | undefined {
  const from = ctx.cwd ?? ctx.root;
  if (!from) return undefined;
  const file = path.join(ctx.home, '.railway', 'config.json');
  let best: RailwayLink | undefined;
  for (const l of ctx.files.parsed(file, 'railway', parseRailway) ?? []) {
    const p = path.resolve(l.path);
    if ((from === p || from.startsWith(p.endsWith(path.sep) ? p : p + path.sep)) && (!best || p.length > path.resolve(best.path).length)) best = l;
  }
  return best && { file, link: best };
}

export function railway(ctx: SignalContext): void {
  const found = railwayLink(ctx);
  if (!found) return;
  const { file, link: best } = found;
  const ids: Identity[] = [];
  if (best.environmentName) ids.push({ kind: 'name', value: best.environmentName });
  if (best.environment) ids.push({ kind: 'id', value: best.environment });
  if (best.project) ids.push({ kind: 'id', value: best.project });
  if (best.name) ids.push({ kind: 'name', value: best.name });
  addSignal(ctx, {
    signal: 'railway:environment',
    value: best.environmentName ?? best.environment ?? '(none)',
    source: file,
    identities: ids,
    detail: best.name || best.project ? `project ${best.name ?? best.project}` : undefined,
  });
}
