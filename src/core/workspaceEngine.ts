/**
 * The engine as every door uses it: the workspace policy (layered over the strict defaults
 * and the user's settings), the environment resolver and the rule engine, built once and
 * reloadable when the policy changes. No `vscode`; it reads the workspace through
 * core/fs.ts (the policy, the environment's signals) and shell/files.ts (scripts).
 */
import { createEngine, type Engine } from './engine';
import { createEnvironmentResolver, nodeFileSystem, type FileSystemPort, type TwoKeyEnvironmentResolver } from './environment';
import { loadWorkspacePolicy, makePolicyOverrides, type LoadedPolicy, type PolicyInput } from './policy';
import type { PolicyOverrides } from './types';
import { Emitter, type Disposable } from './events';
import { nodeFileSource, nodePlanReader, type FileSource } from './shell/files';

export interface WorkspaceEngineOptions {
  /** Workspace root; without one only the defaults and the user layer apply. */
  workspaceRoot?: string;
  /** Untrusted workspaces may only tighten the policy. */
  trusted: boolean;
  user?: PolicyInput;
  homeDir: string;
  hostEnv?: Record<string, string | undefined>;
  wasmDir?: string;
  /** Reads files a command names (`curl -d @body.json`, `psql -f x.sql`). */
  readFile?: (path: string) => string | undefined;
  /** Where followed scripts and package files are read from (default: the disk, bounded and cached). */
  files?: FileSource;
}

export interface WorkspaceEngine {
  engine: Engine;
  resolver: TwoKeyEnvironmentResolver;
  policy(): LoadedPolicy;
  /** Re-reads the policy file (after it changed on disk or the trust changed). */
  reload(opts?: Partial<Pick<WorkspaceEngineOptions, 'trusted' | 'user'>>): LoadedPolicy;
  /**
   * Where the policy file's text comes from: `source(file)` returns the text to use, or
   * undefined to read the disk (the credential watch holds back a loosening until a person
   * approves it). Takes effect at the next `reload`.
   */
  setPolicySource(source: ((file: string) => string | undefined) | undefined): void;
  /** Takes a policy another engine loaded (the editor's, for its classifier worker) as this one's. */
  adopt(loaded: LoadedPolicy): void;
  /** Heard after every reload, with the policy now in force. */
  onDidReload(listener: (loaded: LoadedPolicy) => void): Disposable;
}

export async function createWorkspaceEngine(o: WorkspaceEngineOptions): Promise<WorkspaceEngine> {
  let source: ((file: string) => string | undefined) | undefined;
  const files: FileSystemPort = {
    stat: (p) => nodeFileSystem.stat(p),
    readFile: (p) => source?.(p) ?? nodeFileSystem.readFile(p),
  };
  const load = (trusted: boolean, user?: PolicyInput): LoadedPolicy =>
    o.workspaceRoot
      ? loadWorkspacePolicy(o.workspaceRoot, { trusted, user, fs: files })
      : loadWorkspacePolicy('/nonexistent-twokey-root', { trusted: false, user });
  let opts = { trusted: o.trusted, user: o.user };
  let loaded = load(opts.trusted, opts.user);
  const resolver = createEnvironmentResolver({ policy: loaded.policy, homeDir: o.homeDir, hostEnv: o.hostEnv });
  let overrides = makePolicyOverrides(loaded.policy);
  const reloaded = new Emitter<LoadedPolicy>();
  const use = (next: LoadedPolicy) => {
    loaded = next;
    resolver.setPolicy(loaded.policy);
    overrides = makePolicyOverrides(loaded.policy);
    reloaded.fire(loaded);
  };
  const viaPolicy: PolicyOverrides = (hits, req, env) => overrides(hits, req, env);
  const engine = await createEngine({ wasmDir: o.wasmDir, readFile: o.readFile, files: o.files ?? nodeFileSource(), showPlan: nodePlanReader(), resolveEnvironment: resolver, overrides: viaPolicy, stateChanges: () => loaded.policy.stateChanges, protectedVariables: () => loaded.policy.protectedVariables });
  return {
    engine,
    resolver,
    policy: () => loaded,
    reload(next) {
      opts = { ...opts, ...next };
      use(load(opts.trusted, opts.user));
      return loaded;
    },
    adopt: use,
    onDidReload: (listener) => reloaded.event(listener),
    setPolicySource(next) {
      source = next;
    },
  };
}
