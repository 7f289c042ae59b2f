/**
 * Making values safe to show: URLs lose their user, password, query and fragment;
 * anything that looks like a token is masked. A database host and name stay readable.
 */

export interface ParsedUrl {
  scheme: string;
  hosts: string[];
  /** First path segment (a database name), when there is one. */
  database?: string;
}

const URL_RE = /^([a-z][a-z0-9+.-]*):\/\/(?:[^@/?#]*@)?([^/?#]*)(\/[^?#]*)?/i;

export function parseServiceUrl(value: string): ParsedUrl | undefined {
  const m = URL_RE.exec(value.trim());
  if (!m) return undefined;
  const hosts: string[] = [];
  for (const part of m[2].split(',')) {
    const h = hostOnly(part);
    if (h) hosts.push(h.toLowerCase());
  }
  const seg = (m[3] ?? '').split('/').filter(Boolean)[0];
  let database: string | undefined;
  if (seg && seg.length <= 64) {
    try {
      database = decodeURIComponent(seg);
    } catch {
      database = seg;
    }
  }
  return { scheme: m[1].toLowerCase(), hosts, database };
}

export function hostOnly(hostport: string): string {
  const h = hostport.trim();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : h.slice(1);
  }
  const colons = h.split(':').length - 1;
  return colons === 1 ? h.slice(0, h.indexOf(':')) : h;
}

/** `postgres://user:pw@db.example.com:5432/app?sslmode=require` → `postgres://db.example.com:5432/app`. */
export function maskUrl(value: string): string {
  const m = URL_RE.exec(value.trim());
  if (!m) return looksSecret(value) ? '****' : value;
  const authority = m[2];
  const seg = (m[3] ?? '').split('/').filter(Boolean)[0];
  const db = seg && seg.length <= 64 && !looksSecret(seg) ? `/${seg}` : '';
  return `${m[1]}://${authority}${db}`;
}

/** A long random-looking string, or a known token shape. */
export function looksSecret(v: string): boolean {
  if (/^(gh[pousr]_|github_pat_|sk[-_]|rk_|xox[a-z]-|glpat-|AKIA|ASIA|AIza|eyJ|npm_|dop_v1_)/.test(v)) return true;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) return false; // an id, not a secret
  if (v.length >= 24 && /^[A-Za-z0-9_\-+/=.]+$/.test(v) && /\d/.test(v) && /[A-Za-z]/.test(v) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v)) return true;
  return false;
}

/** A variable's value as evidence: URLs masked, token-like values hidden, long values cut. */
export function safeValue(v: string): string {
  if (v.includes('://')) return maskUrl(v);
  if (looksSecret(v)) return '****';
  return v.length > 80 ? v.slice(0, 77) + '…' : v;
}
