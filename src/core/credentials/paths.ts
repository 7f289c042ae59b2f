/**
 * Which files are watched: credential files in the workspace and in the home folder, and
 * the guard and agent control files. Each as a folder and a glob relative to it, for
 * `RelativePattern`. Pure.
 */
import * as path from 'node:path';
import { Minimatch } from 'minimatch';
import { guardKindOf, type GuardKind } from './loosening';
import { GUARD_PATHS, guardPathOf } from '../guardPaths';

export interface WatchSpec {
  base: string;
  pattern: string;
  kind: 'credential' | 'guard';
}

/** Credential files in the workspace (any depth; node_modules and .git are skipped). */
export const WORKSPACE_CREDENTIAL_GLOBS: readonly string[] = [
  '**/.env',
  '**/.env.*',
  '**/*.env',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/*.tfvars',
  '**/*.tfvars.json',
  '**/.npmrc',
  '**/.pypirc',
  '**/.netrc',
  '**/*service-account*.json',
  '**/*serviceaccount*.json',
  '**/*credentials*.json',
  '**/kubeconfig*',
  '**/*.kubeconfig',
];

/** Guard files in a workspace, from the guard path registry (the registry's own folder entries aside). */
export const GUARD_GLOBS: readonly string[] = [...new Set(GUARD_PATHS.filter((e) => e.in === 'any' && e.glob.includes('/') && !e.glob.startsWith('.twokey/')).map((e) => e.glob)), '.twokey/**'];

/** Files in the home folder (resolved from `home`, which tests set). */
export function homeCredentialFiles(home: string, env: Record<string, string | undefined> = {}): WatchSpec[] {
  const f = (abs: string): WatchSpec => ({ base: path.dirname(abs), pattern: path.basename(abs), kind: 'credential' });
  const out: WatchSpec[] = [
    f(env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, '.aws', 'credentials')),
    f(env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config')),
    f(path.join(home, '.railway', 'config.json')),
    f(path.join(home, '.netrc')),
    f(path.join(home, '.docker', 'config.json')),
    f(path.join(home, '.npmrc')),
    f(path.join(home, '.pypirc')),
    f(path.join(env.AZURE_CONFIG_DIR ?? path.join(home, '.azure'), 'azureProfile.json')),
    f(path.join(env.AZURE_CONFIG_DIR ?? path.join(home, '.azure'), 'config')),
  ];
  const kube = env.KUBECONFIG;
  if (kube) for (const k of kube.split(path.delimiter).filter(Boolean)) out.push(f(path.resolve(home, k)));
  else out.push(f(path.join(home, '.kube', 'config')));
  const gc = env.CLOUDSDK_CONFIG ?? path.join(home, '.config', 'gcloud');
  out.push(
    { base: gc, pattern: '{active_config,application_default_credentials.json,credentials.db}', kind: 'credential' },
    { base: path.join(gc, 'configurations'), pattern: 'config_*', kind: 'credential' },
    // Keys and config; known_hosts changes on every new host and is not a credential.
    { base: path.join(home, '.ssh'), pattern: '{config,id_*,*.pem,*.key,authorized_keys}', kind: 'credential' },
  );
  return out;
}

/** Policy `watch` globs split into home globs (`~/…`) and workspace globs (`**∕…`, relative). */
export function policyWatchSpecs(globs: readonly string[], home: string, root: string | undefined): WatchSpec[] {
  const out: WatchSpec[] = [];
  for (const g of globs) {
    if (g === '~' || g.startsWith('~/')) {
      const rel = g.slice(2);
      const firstGlob = rel.split('/').findIndex((s) => /[*?[{]/.test(s));
      const parts = rel.split('/');
      const baseParts = firstGlob < 0 ? parts.slice(0, -1) : parts.slice(0, firstGlob);
      const pattern = firstGlob < 0 ? parts[parts.length - 1] : parts.slice(firstGlob).join('/');
      out.push({ base: path.join(home, ...baseParts), pattern, kind: 'credential' });
    } else if (path.isAbsolute(g)) {
      out.push({ base: path.dirname(g), pattern: path.basename(g), kind: 'credential' });
    } else if (root) {
      out.push({ base: root, pattern: g, kind: 'credential' });
    }
  }
  return out;
}

export function workspaceSpecs(root: string, policyWatch: readonly string[] = []): WatchSpec[] {
  return [
    ...WORKSPACE_CREDENTIAL_GLOBS.map((pattern) => ({ base: root, pattern, kind: 'credential' as const })),
    ...policyWatch.filter((g) => !g.startsWith('~') && !path.isAbsolute(g)).map((pattern) => ({ base: root, pattern, kind: 'credential' as const })),
    ...GUARD_GLOBS.map((pattern) => ({ base: root, pattern, kind: 'guard' as const })),
  ];
}

const SKIP = /(?:^|[/\\])(?:node_modules|\.git)(?:[/\\]|$)/;

/** What a changed path is: a guard file of some kind, a credential file, or neither. */
export function classifyWatchedFile(file: string, root: string | undefined, specs: readonly WatchSpec[]): { kind: 'guard'; guard: GuardKind; rel: string } | { kind: 'credential'; rel: string } | undefined {
  if (root) {
    const rel = path.relative(root, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      const posix = rel.split(path.sep).join('/');
      const g = guardKindOf(posix);
      if (g) return { kind: 'guard', guard: g, rel: posix };
      // Any other guard file of the registry (resolved on real paths: a symlink into a guard folder too).
      if (guardPathOf(file, { roots: [root], cwd: root })?.kind === 'guard' && !posix.startsWith('.twokey/')) return { kind: 'guard', guard: 'agent-settings', rel: posix };
      if (SKIP.test(posix)) return undefined;
    }
  }
  for (const s of specs) {
    if (s.kind !== 'credential') continue;
    const rel = path.relative(s.base, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    if (new Minimatch(s.pattern, { dot: true }).match(rel.split(path.sep).join('/'))) {
      return { kind: 'credential', rel: root && !path.relative(root, file).startsWith('..') ? path.relative(root, file).split(path.sep).join('/') : file };
    }
  }
  return undefined;
}

/** A workspace-relative or home-relative label for messages (`.env`, `~/.aws/credentials`). */
export function labelOf(file: string, root: string | undefined, home: string): string {
  if (root) {
    const rel = path.relative(root, file);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  const h = path.relative(home, file);
  if (!h.startsWith('..') && !path.isAbsolute(h)) return '~/' + h.split(path.sep).join('/');
  return file;
}
