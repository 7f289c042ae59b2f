/**
 * Resource identity: what a command names. A target the policy places (resources,
 * hosts) is that environment, whatever the terminal says. A target whose name says
 * production is production. Any other remote-looking target (URL, ARN, bucket, UUID,
 * cloud id, host) is unknown: the policy does not place it, so nobody knows it is
 * staging. Local paths and plain words are placed only when the policy lists them.
 */
import type { Identity, Placement } from '../policy/match';
import { mostDangerous } from '../policy/match';
import type { EnvironmentName } from '../types';
import type { DetectedSignal } from './types';
import { parseServiceUrl, safeValue } from './values';

const FILE_EXTENSIONS = new Set(
  'json jsonc txt sql csv tsv log md js mjs cjs ts tsx jsx yaml yml toml tf tfvars tfstate py rb go rs java sh bash zsh gz tgz zip tar bak db sqlite sqlite3 env lock xml html css conf cfg ini pem key crt dump out backup bin img iso'.split(' '),
);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** vol-0abc…, i-0123…, snap-…, sg-…, prj_…, team_…: a prefix and an opaque id. */
const CLOUD_ID = /^[a-z]{1,12}[-_][0-9a-z]{8,}$/i;
const HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}(:\d+)?$/;

export function isPathLike(t: string): boolean {
  return /^(\/|\.{1,2}(\/|$)|~|[A-Za-z]:[\\/])/.test(t) || (t.includes('/') && !t.includes('://') && !t.startsWith('arn:'));
}

function isRemoteLike(t: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return !/^file:/i.test(t);
  if (t.startsWith('arn:')) return true;
  if (UUID.test(t) || IPV4.test(t)) return true;
  if (HOST.test(t)) {
    const last = t.replace(/:\d+$/, '').split('.').pop()!.toLowerCase();
    return !FILE_EXTENSIONS.has(last);
  }
  return CLOUD_ID.test(t) && /\d/.test(t);
}

export function targetIdentities(t: string): Identity[] {
  const ids: Identity[] = [{ kind: 'id', value: t }];
  const u = parseServiceUrl(t);
  if (u) {
    for (const h of u.hosts) {
      // s3://bucket/key, gs://bucket: the "host" is a bucket name
      ids.push({ kind: u.scheme === 's3' || u.scheme === 'gs' || u.scheme === 'az' ? 'id' : 'host', value: h });
    }
  } else if (HOST.test(t) || IPV4.test(t)) {
    ids.push({ kind: 'host', value: t.replace(/:\d+$/, '').toLowerCase() });
  }
  return ids;
}

export function targetSignals(place: Placement, targets: readonly string[], out: DetectedSignal[]): void {
  for (const raw of targets) {
    const t = raw.trim();
    if (!t) continue;
    const ids = targetIdentities(t);
    const explicit: EnvironmentName[] = [];
    for (const id of ids) {
      const e = place.explicit(id);
      if (e) explicit.push(e);
    }
    if (explicit.length) {
      out.push({ signal: 'policy:resource', value: safeValue(t), environment: mostDangerous(explicit), source: 'command', identities: ids });
      continue;
    }
    if (isPathLike(t)) continue;
    // Names can only raise a target to production: "looks like staging" is how the incident happened.
    if (ids.some((id) => place.byName(id.value) === 'production')) {
      out.push({ signal: 'target:name', value: safeValue(t), environment: 'production', source: 'command', identities: ids });
      continue;
    }
    if (isRemoteLike(t)) {
      out.push({ signal: 'target:unplaced', value: safeValue(t), environment: 'unknown', source: 'command', identities: ids, detail: 'not listed in the policy' });
    }
  }
}
