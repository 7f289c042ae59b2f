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

export function railway(ctx: SignalContext): void {
  const from = ctx.cwd ?? ctx.root;
  if (!from) return;
  const file = path.join(ctx.home, '.railway', 'config.json');
  const links = ctx.files.parsed(file, 'railway', parseRailway);
  if (!links?.length) return;
  let best: RailwayLink | undefined;
  for (const l of links) {
    const p = path.resolve(l.path);
    if ((from === p || from.startsWith(p.endsWith(path.sep) ? p : p + path.sep)) && (!best || p.length > path.resolve(best.path).length)) best = l;
  }
  if (!best) return;
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
