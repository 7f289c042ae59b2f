/** The Vercel project linked to the folder (`.vercel/project.json`). */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { addSignal, str, type SignalContext } from './context';

export interface VercelProject {
  projectId?: string;
  orgId?: string;
  projectName?: string;
}

export function parseVercelProject(text: string): VercelProject {
  const d = JSON.parse(text) as Record<string, unknown>;
  return { projectId: str(d.projectId), orgId: str(d.orgId), projectName: str(d.projectName) };
}

export function vercel(ctx: SignalContext): void {
  for (const dir of ctx.dirs) {
    const file = path.join(dir, '.vercel', 'project.json');
    const p = ctx.files.parsed(file, 'vercel', parseVercelProject);
    if (!p || (!p.projectId && !p.projectName)) continue;
    const ids: Identity[] = [];
    if (p.projectId) ids.push({ kind: 'id', value: p.projectId });
    if (p.projectName) ids.push({ kind: 'name', value: p.projectName });
    addSignal(ctx, { signal: 'vercel:project', value: p.projectName ?? p.projectId!, source: file, identities: ids, detail: p.orgId ? `org ${p.orgId}` : undefined });
  }
}
