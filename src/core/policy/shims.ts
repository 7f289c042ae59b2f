/**
 * The one list of command-line tools that get a PATH shim by default. The policy defaults,
 * the shim writer and the manifest's default of `twokey.shims` all come from (or are tested
 * against) this list.
 */
import type { Policy } from './types';

export const DEFAULT_SHIMS: readonly string[] = Object.freeze([
  'railway', 'terraform', 'tofu', 'pulumi', 'kubectl', 'helm', 'aws', 'gcloud', 'az', 'flyctl', 'fly',
  'heroku', 'vercel', 'supabase', 'psql', 'mysql', 'mongosh', 'redis-cli', 'dropdb', 'prisma', 'docker',
]);

/**
 * The shims to write: the `twokey.shims` setting (the default list unless a person changed
 * it; empty turns shims off) plus what the policy adds, less what a trusted policy layer
 * removed with `"!name"` (the merged policy no longer lists that default).
 */
export function shimNames(setting: readonly string[], policy: Pick<Policy, 'shims'>): string[] {
  if (!setting.length) return [];
  const listed = new Set(policy.shims);
  const removed = new Set(DEFAULT_SHIMS.filter((n) => !listed.has(n)));
  const added = policy.shims.filter((n) => !DEFAULT_SHIMS.includes(n));
  return [...new Set([...setting, ...added])].filter((n) => !removed.has(n));
}
