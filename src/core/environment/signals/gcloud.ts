/**
 * gcloud's active configuration (`CLOUDSDK_ACTIVE_CONFIG_NAME`, else `active_config`) and
 * its project (`CLOUDSDK_CORE_PROJECT`, else `[core] project` of the configuration file).
 */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { parseIni, type Ini } from '../ini';
import { addSignal, type SignalContext } from './context';

export function gcloud(ctx: SignalContext): void {
  const dir = ctx.get('CLOUDSDK_CONFIG') ?? path.join(ctx.home, '.config', 'gcloud');
  const activeFile = path.join(dir, 'active_config');
  const name = ctx.get('CLOUDSDK_ACTIVE_CONFIG_NAME') ?? ctx.files.parsed(activeFile, 'text', (t) => t.trim() || undefined) ?? 'default';
  const configFile = path.join(dir, 'configurations', `config_${name}`);
  const ini: Ini | undefined = ctx.files.parsed(configFile, 'ini', parseIni);
  const project = ctx.get('CLOUDSDK_CORE_PROJECT') ?? ini?.get('core')?.get('project');
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
