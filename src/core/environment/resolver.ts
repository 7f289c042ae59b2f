/**
 * The environment resolver: every signal, each with its evidence, combined so that the
 * most dangerous environment any signal names wins (production > unknown > staging >
 * development). No signal at all is unknown. Runs once per command: warm, it costs a
 * `stat` per candidate file and a few memoised matches.
 */
import * as path from 'node:path';
import type { EnvironmentContext, EnvironmentName, EnvironmentResolution, EnvironmentResolver, Evidence } from '../types';
import { anyOf, mostDangerous, placementOf } from '../policy/match';
import type { Policy } from '../policy/types';
import { CachedFiles, type FileSystemPort } from './fs';
import * as signals from './signals';
import { targetSignals } from './targets';
import type { DetectedSignal } from './types';

export interface ResolverOptions {
  policy: Policy;
  /** How long a file's stat is reused between checks (default 50 ms; 0 re-stats every time). */
  statFreshMs?: number;
  fs?: FileSystemPort;
  homeDir: string;
  /**
   * The host process's variables (the CLI's or the extension host's). Copied once at
   * creation; a request's own `env` (a terminal's variables) overrides them per name.
   */
  hostEnv?: Record<string, string | undefined>;
}

export interface Detection {
  environment: EnvironmentName;
  signals: DetectedSignal[];
}

export interface TwoKeyEnvironmentResolver extends EnvironmentResolver {
  /** The same resolution with where each value came from and what it names. */
  detect(ctx: EnvironmentContext): Detection;
  /** Use a new policy (after the policy file or settings changed); the file cache is kept. */
  setPolicy(policy: Policy): void;
  /** Forget every cached file (normally not needed: entries are keyed by mtime and size). */
  clearCache(): void;
  readonly files: CachedFiles;
}

/** The evidence shown when no signal says anything. */
export const NO_SIGNAL: Readonly<Evidence> = Object.freeze({ signal: 'none', value: 'no environment signal found', environment: 'unknown' as const });

const COLLECTORS = [
  signals.environmentVariables,
  signals.dotenvFiles,
  signals.kubeconfig,
  signals.aws,
  signals.gcloud,
  signals.azure,
  signals.railway,
  signals.vercel,
  signals.fly,
  signals.heroku,
  signals.terraform,
];

export function createEnvironmentResolver(opts: ResolverOptions): TwoKeyEnvironmentResolver {
  const files = new CachedFiles(opts.fs, opts.statFreshMs);
  const host: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.hostEnv ?? {})) if (v) host[k] = v;

  let policy = opts.policy;
  let isVariable = anyOf(policy.signals.variables, undefined, false);
  let isUrlVariable = anyOf(policy.signals.urlVariables, undefined, false);
  let hostRelevant: string[] = [];
  const compile = () => {
    isVariable = anyOf(policy.signals.variables, undefined, false);
    isUrlVariable = anyOf(policy.signals.urlVariables, undefined, false);
    hostRelevant = Object.keys(host).filter((k) => isVariable(k) || isUrlVariable(k));
  };
  compile();

  const detect = (ctx: EnvironmentContext): Detection => {
    const env = ctx.env;
    const get = (k: string): string | undefined => {
      if (env && Object.prototype.hasOwnProperty.call(env, k)) return env[k] || undefined;
      return host[k];
    };
    const relevantKeys = (): string[] => {
      if (!env) return hostRelevant;
      const keys = hostRelevant.filter((k) => !Object.prototype.hasOwnProperty.call(env, k));
      for (const k of Object.keys(env)) if (env[k] && (isVariable(k) || isUrlVariable(k))) keys.push(k);
      return keys;
    };
    const cwd = ctx.cwd ? path.resolve(ctx.cwd) : ctx.workspaceRoot ? path.resolve(ctx.workspaceRoot) : undefined;
    const root = ctx.workspaceRoot ? path.resolve(ctx.workspaceRoot) : cwd;
    const dirs = cwd && root && cwd !== root ? [cwd, root] : cwd ? [cwd] : [];
    const out: DetectedSignal[] = [];
    const place = placementOf(policy);
    targetSignals(place, ctx.targets ?? [], out);
    const sctx: signals.SignalContext = {
      policy,
      place,
      files,
      home: ctx.home ?? opts.homeDir,
      cwd,
      root,
      dirs,
      get,
      relevantKeys,
      isVariable,
      isUrlVariable,
      out,
    };
    for (const collect of COLLECTORS) collect(sctx);
    return { environment: out.length ? mostDangerous(out.map((s) => s.environment)) : 'unknown', signals: out };
  };

  const resolve = ((ctx: EnvironmentContext): EnvironmentResolution => {
    const d = detect(ctx);
    const evidence: Evidence[] = d.signals.length ? d.signals.map((s) => ({ signal: s.signal, value: s.value, environment: s.environment })) : [{ ...NO_SIGNAL }];
    return { environment: d.environment, evidence };
  }) as TwoKeyEnvironmentResolver;

  return Object.assign(resolve, {
    detect,
    setPolicy(p: Policy) {
      policy = p;
      compile();
    },
    clearCache() {
      files.clear();
    },
    files,
  });
}
