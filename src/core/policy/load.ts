/**
 * Finding and reading a folder's `.twokey/policy.json` (for the CLI; the extension reads
 * the document it has open and calls `parsePolicy`).
 */
import * as path from 'node:path';
import { nodeFileSystem, type FileSystemPort } from '../fs';
import { defaultPolicy } from './defaults';
import { mergePolicyReport } from './merge';
import { parsePolicy, type ParsedPolicy } from './parse';
import type { PolicyInput, PolicyLayer } from './types';

export const POLICY_FILE = path.join('.twokey', 'policy.json');

/** The nearest folder up from `dir` with `.twokey/policy.json`, else with `.git`, else `dir`. */
export function findWorkspaceRoot(dir: string, fs: FileSystemPort = nodeFileSystem): string {
  const start = path.resolve(dir);
  let gitRoot: string | undefined;
  for (let d = start, i = 0; i < 64; i++) {
    if (fs.stat(path.join(d, POLICY_FILE))?.isFile) return d;
    if (!gitRoot && fs.stat(path.join(d, '.git'))) gitRoot = d;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return gitRoot ?? start;
}

export interface LoadedPolicy extends ParsedPolicy {
  /** Absolute path of the policy file, whether or not it exists. */
  file: string;
  exists: boolean;
}

export function loadWorkspacePolicy(root: string, opts: { trusted: boolean; user?: PolicyInput; fs?: FileSystemPort }): LoadedPolicy {
  const fs = opts.fs ?? nodeFileSystem;
  const file = path.join(root, POLICY_FILE);
  const text = fs.readFile(file);
  if (text === undefined) {
    const layers: PolicyLayer[] = opts.user ? [{ source: 'user', policy: opts.user }] : [];
    const { policy, ignored } = layers.length ? mergePolicyReport(layers, { trusted: opts.trusted }) : { policy: defaultPolicy(), ignored: [] };
    return { file, exists: false, policy, ignored, diagnostics: [] };
  }
  return { file, exists: true, ...parsePolicy(text, { trusted: opts.trusted, user: opts.user, file }) };
}
