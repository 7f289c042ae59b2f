/** The Azure CLI's default subscription (`azureProfile.json`, under `AZURE_CONFIG_DIR` or `~/.azure`). */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { addSignal, asArray, str, type SignalContext } from './context';

export interface AzureDefault {
  id?: string;
  name?: string;
}

export function parseAzureProfile(text: string): AzureDefault | undefined {
  const doc = JSON.parse(text.replace(/^\uFEFF/, '')) as { subscriptions?: unknown };
  for (const s of asArray(doc?.subscriptions)) {
    if (s?.isDefault === true) return { id: str(s.id), name: str(s.name) };
  }
  return undefined;
}

export function azure(ctx: SignalContext): void {
  const dir = ctx.get('AZURE_CONFIG_DIR') ?? path.join(ctx.home, '.azure');
  const file = path.join(dir, 'azureProfile.json');
  const sub = ctx.files.parsed(file, 'azure', parseAzureProfile);
  if (!sub || (!sub.id && !sub.name)) return;
  const ids: Identity[] = [];
  if (sub.id) ids.push({ kind: 'id', value: sub.id });
  if (sub.name) ids.push({ kind: 'name', value: sub.name });
  addSignal(ctx, { signal: 'azure:subscription', value: sub.name ?? sub.id!, source: file, identities: ids, detail: sub.id ? `subscription ${sub.id}` : undefined });
}
