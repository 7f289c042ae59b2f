/**
 * gcloud's active configuration (`CLOUDSDK_ACTIVE_CONFIG_NAME`, else `active_config`) and
 * its project (`CLOUDSDK_CORE_PROJECT`, else `[core] project` of the configuration file).
 */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { parseIni } from '../ini';
import { addSignal, type SignalContext } from './context';

/** The active configuration (`CLOUDSDK_ACTIVE_CONFIG_NAME`, else `active_config`, else `default`), its file and its `[core] project`. */
export function gcloudConfiguration(ctx: SignalContext): { name: string; file: string; project?: string } {
  const dir = ctx.get('CLOUDSDK_CONFIG') ?? path.join(ctx.home, '.config', 'gcloud');
  const name = ctx.get('CLOUDSDK_ACTIVE_CONFIG_NAME') ?? ctx.files.parsed(path.join(dir, 'active_config'), 'text', (t) => t.trim() || undefined) ?? 'default';
  const file = path.join(dir, 'configurations', `config_${name}`);
  return { name, file, project: ctx.files.parsed(file, 'ini', parseIni)?.get('core')?.get('project') };
}

export function gcloud(ctx: SignalContext): void {
  const { name, file: configFile, project: fromFile } = gcloudConfiguration(ctx);
  const project = ctx.get('CLOUDSDK_CORE_PROJECT') ?? fromFile;
  if (!project && name === 'default') return; // gcloud installed, nothing chosen: names no environment
  const ids: Identity[] = [];
  if (project) ids.push({ kind: 'id', value: project });
  if (name !== 'default') ids.push({ kind: 'name', value: name });
  addSignal(ctx, {
    signal: project ? 'gcloud:project' : 'gcloud:configuration',
    value: project ?? name,
    source: ctx.get('CLOUDSDK_CORE_PROJECT') ? 'env:CLOUDSDK_CORE_PROJECT' : configFile,
    identities: ids,
    detail: `configuration ${name}`,
  });
}
