/**
 * The kubeconfig's current context (`KUBECONFIG`, else `~/.kube/config`): its name, cluster,
 * namespace and server host. Users and their tokens are never kept.
 */
import * as path from 'node:path';
import type { Identity } from '../../detected';
import { parseServiceUrl } from '../values';
import { addSignal, asArray, str, type SignalContext } from './context';

export interface KubeSummary {
  current?: string;
  contexts: Map<string, { cluster?: string; namespace?: string }>;
  servers: Map<string, string>;
}

export function parseKube(text: string): KubeSummary {
  // Loaded on first use: most checks never read a kubeconfig, and the parser is large.
  const doc = (require('yaml') as typeof import('yaml')).parse(text) as Record<string, unknown> | null;
  const out: KubeSummary = { contexts: new Map(), servers: new Map() };
  if (!doc || typeof doc !== 'object') return out;
  const cur = doc['current-context'];
  if (typeof cur === 'string' && cur) out.current = cur;
  for (const c of asArray(doc.contexts)) {
    const name = str(c?.name);
    const ctx = (c?.context ?? {}) as Record<string, unknown>;
    if (name && !out.contexts.has(name)) out.contexts.set(name, { cluster: str(ctx.cluster), namespace: str(ctx.namespace) });
  }
  for (const c of asArray(doc.clusters)) {
    const name = str(c?.name);
    const server = str((c?.cluster as Record<string, unknown> | undefined)?.server);
    if (name && server && !out.servers.has(name)) out.servers.set(name, server);
  }
  return out;
}

/**
 * A context of the merged kubeconfig files (the first file that names it wins, as kubectl
 * merges them): its cluster, namespace and API server host, as identities a policy matches.
 */
export function kubeContext(docs: ReadonlyArray<{ k?: KubeSummary }>, name: string): { context?: { cluster?: string; namespace?: string }; host?: string; ids: Identity[] } {
  let context: { cluster?: string; namespace?: string } | undefined;
  for (const d of docs) if (!context) context = d.k?.contexts.get(name);
  let server: string | undefined;
  if (context?.cluster) for (const d of docs) if (!server) server = d.k?.servers.get(context.cluster);
  const host = server ? parseServiceUrl(server)?.hosts[0] : undefined;
  const ids: Identity[] = [{ kind: 'name', value: name }];
  if (context?.cluster && context.cluster !== name) ids.push({ kind: 'name', value: context.cluster });
  if (context?.namespace) ids.push({ kind: 'name', value: context.namespace });
  if (host) ids.push({ kind: 'host', value: host });
  return { context, host, ids };
}

export function kubeconfig(ctx: SignalContext): void {
  const env = ctx.get('KUBECONFIG');
  const files = env ? env.split(path.delimiter).filter(Boolean).map((f) => path.resolve(ctx.cwd ?? ctx.home, f)) : [path.join(ctx.home, '.kube', 'config')];
  const docs = files.map((f) => ({ f, k: ctx.files.parsed(f, 'kubeconfig', parseKube) }));
  const withCurrent = docs.find((d) => d.k?.current);
  if (!withCurrent?.k?.current) return;
  const name = withCurrent.k.current;
  const { context, host, ids } = kubeContext(docs, name);
  const detail = [context?.cluster && `cluster ${context.cluster}`, context?.namespace && `namespace ${context.namespace}`, host && `server ${host}`].filter(Boolean).join(', ');
  addSignal(ctx, { signal: 'kubeconfig:current-context', value: name, source: withCurrent.f, identities: ids, detail: detail || undefined });
}
