/**
 * Terraform's workspace (`TF_WORKSPACE`, else `.terraform/environment`) per folder, and the
 * backend its state lives in (bucket, key, organization…; never its credentials).
 */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { addSignal, asArray, type SignalContext } from './context';

const BACKEND_KEYS = ['bucket', 'key', 'prefix', 'workspace_key_prefix', 'organization', 'storage_account_name', 'container_name', 'resource_group_name', 'path', 'region'];

interface Backend {
  type: string;
  fields: Array<[string, string]>;
}

function parseBackend(text: string): Backend | undefined {
  const doc = JSON.parse(text) as { backend?: { type?: unknown; config?: Record<string, unknown> } };
  const b = doc?.backend;
  if (!b || typeof b.type !== 'string') return undefined;
  const fields: Array<[string, string]> = [];
  const cfg = b.config ?? {};
  for (const k of BACKEND_KEYS) {
    const v = cfg[k];
    if (typeof v === 'string' && v) fields.push([k, v]);
  }
  // remote/cloud backends: workspaces { name | prefix }
  for (const w of asArray(cfg.workspaces)) {
    if (typeof w?.name === 'string' && w.name) fields.push(['workspace', w.name]);
    if (typeof w?.prefix === 'string' && w.prefix) fields.push(['workspace_prefix', w.prefix]);
  }
  return { type: b.type, fields };
}

export function terraform(ctx: SignalContext): void {
  const envWorkspace = ctx.get('TF_WORKSPACE');
  let reportedEnvOnly = false;
  for (const dir of ctx.dirs) {
    const dataDir = path.resolve(dir, ctx.get('TF_DATA_DIR') ?? '.terraform');
    const st = ctx.files.stat(dataDir);
    if (!st?.isDirectory) {
      if (envWorkspace && !reportedEnvOnly) {
        reportedEnvOnly = true;
        addSignal(ctx, { signal: 'terraform:workspace', value: envWorkspace, source: 'env:TF_WORKSPACE', identities: [{ kind: 'name', value: envWorkspace }] });
      }
      continue;
    }
    reportedEnvOnly = true;
    const envFile = path.join(dataDir, 'environment');
    const ws = envWorkspace ?? ctx.files.parsed(envFile, 'text', (t) => t.trim() || undefined) ?? 'default';
    const folder = ctx.root ? path.relative(ctx.root, dir).split(path.sep).join('/') : '';
    const ids: Identity[] = [{ kind: 'name', value: ws }];
    if (folder && !folder.startsWith('..')) ids.push({ kind: 'name', value: folder });
    addSignal(ctx, {
      signal: 'terraform:workspace',
      value: ws,
      source: envWorkspace ? 'env:TF_WORKSPACE' : envFile,
      identities: ids,
      detail: folder ? `folder ${folder}` : undefined,
    });
    const stateFile = path.join(dataDir, 'terraform.tfstate');
    const backend = ctx.files.parsed(stateFile, 'tfbackend', parseBackend);
    if (backend && backend.type !== 'local') {
      const bids: Identity[] = backend.fields.filter(([k]) => k !== 'region').map(([, v]) => ({ kind: 'id' as const, value: v }));
      const shown = backend.fields.filter(([k]) => k !== 'region').map(([k, v]) => `${k}=${v}`).join(' ');
      // The backend names where state lives, not the workspace: only its own placement counts,
      // plus the workspace (state of `default` in a production bucket is production).
      addSignal(ctx, { signal: 'terraform:backend', value: `${backend.type}${shown ? ' ' + shown : ''}`, source: stateFile, identities: [...bids, ...ids] });
    }
  }
}
