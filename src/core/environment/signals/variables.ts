/**
 * Variables as signals: one whose value names an environment (`NODE_ENV=production`), or a
 * database/service URL or host whose host and database name place it. Values are made
 * safe before they become evidence (no passwords, no tokens).
 */
import type { Identity } from '../../detected';
import { hostOnly, maskUrl, parseServiceUrl, safeValue } from '../values';
import { addSignal, type SignalContext } from './context';

/** One variable (from the environment or a dotenv file) as a signal, if it is one we read. */
export function variableSignal(ctx: SignalContext, name: string, value: string, signal: string, source: string): void {
  const v = value.trim();
  if (!v) return;
  if (ctx.isUrlVariable(name)) {
    urlSignal(ctx, name, v, signal, source);
    return;
  }
  if (ctx.isVariable(name)) {
    addSignal(ctx, { signal, value: safeValue(v), source, identities: [{ kind: 'name', value: v }] });
  }
}

function urlSignal(ctx: SignalContext, name: string, v: string, signal: string, source: string): void {
  if (/^(file|sqlite3?):/i.test(v) || /\.(db|sqlite3?)$/i.test(v)) {
    addSignal(ctx, { signal, value: safeValue(v), source, identities: [], environment: 'development', detail: 'local file database' });
    return;
  }
  if (v.includes('****')) {
    // A gate sends a masked value it would not show: the host is withheld, so nobody can place it.
    addSignal(ctx, { signal, value: v.startsWith('****') ? '****' : maskUrl(v), source, identities: [], environment: 'unknown', detail: 'value withheld' });
    return;
  }
  const u = parseServiceUrl(v);
  if (u) {
    if (!u.hosts.length) {
      // postgres:///db or a socket: this machine
      addSignal(ctx, { signal, value: maskUrl(v), source, identities: [], environment: 'development', detail: 'local socket' });
      return;
    }
    const ids: Identity[] = u.hosts.map((h) => ({ kind: 'host', value: h }));
    if (u.database) ids.push({ kind: 'name', value: u.database });
    addSignal(ctx, { signal, value: maskUrl(v), source, identities: ids });
    return;
  }
  if (/HOST$/i.test(name)) {
    if (v.startsWith('/')) {
      addSignal(ctx, { signal, value: v, source, identities: [], environment: 'development', detail: 'local socket' });
      return;
    }
    const hosts = v.split(',').map(hostOnly).filter(Boolean);
    if (hosts.length) addSignal(ctx, { signal, value: hosts.join(','), source, identities: hosts.map((h) => ({ kind: 'host' as const, value: h.toLowerCase() })) });
  }
  // Anything else (`${OTHER}`, a bare word) names no host: not a signal.
}

export function environmentVariables(ctx: SignalContext): void {
  for (const k of ctx.relevantKeys()) {
    const v = ctx.get(k);
    if (v !== undefined) variableSignal(ctx, k, v, `env:${k}`, 'env');
  }
}
