/**
 * The files whose change can change the environment, for the extension's file watchers
 * (`new RelativePattern(base, pattern)`) so the badge updates within a second.
 */
import * as path from 'node:path';
import type { Policy } from '../policy/types';

export interface WatchedFile {
  /** A folder. */
  base: string;
  /** A glob relative to `base`. */
  pattern: string;
  /** Which signal reads it. */
  signal: string;
}

export interface WatchOptions {
  homeDir: string;
  workspaceRoot?: string;
  /** Variables of the host (KUBECONFIG, AWS_CONFIG_FILE, CLOUDSDK_CONFIG, AZURE_CONFIG_DIR, TF_DATA_DIR). */
  env?: Record<string, string | undefined>;
  policy?: Policy;
}

export function watchedSignalFiles(opts: WatchOptions): WatchedFile[] {
  const env = opts.env ?? {};
  const home = opts.homeDir;
  const out: WatchedFile[] = [];
  const file = (abs: string, signal: string) => out.push({ base: path.dirname(abs), pattern: path.basename(abs), signal });

  const kube = env.KUBECONFIG;
  if (kube) for (const f of kube.split(path.delimiter).filter(Boolean)) file(path.resolve(opts.workspaceRoot ?? home, f), 'kubeconfig');
  else file(path.join(home, '.kube', 'config'), 'kubeconfig');

  file(env.AWS_CONFIG_FILE ?? path.join(home, '.aws', 'config'), 'aws');
  const gc = env.CLOUDSDK_CONFIG ?? path.join(home, '.config', 'gcloud');
  out.push({ base: gc, pattern: 'active_config', signal: 'gcloud' }, { base: path.join(gc, 'configurations'), pattern: 'config_*', signal: 'gcloud' });
  file(path.join(env.AZURE_CONFIG_DIR ?? path.join(home, '.azure'), 'azureProfile.json'), 'azure');
  file(path.join(home, '.railway', 'config.json'), 'railway');

  const root = opts.workspaceRoot;
  if (root) {
    out.push({ base: root, pattern: '.env', signal: 'dotenv' }, { base: root, pattern: '.env.*', signal: 'dotenv' });
    for (const f of opts.policy?.signals.dotenvFiles ?? []) file(path.resolve(root, f), 'dotenv');
    file(path.join(root, '.vercel', 'project.json'), 'vercel');
    file(path.join(root, 'fly.toml'), 'fly');
    file(path.join(root, '.git', 'config'), 'heroku');
    const tf = env.TF_DATA_DIR ?? '.terraform';
    out.push({ base: path.resolve(root, tf), pattern: '{environment,terraform.tfstate}', signal: 'terraform' });
    file(path.join(root, '.twokey', 'policy.json'), 'policy');
  }
  return out;
}
