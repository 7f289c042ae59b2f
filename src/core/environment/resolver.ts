/**
 * The environment resolver: every signal, each with its evidence, combined so that the
 * most dangerous environment any signal names wins (production > unknown > staging >
 * development). No signal at all is unknown. Runs once per command: warm, it costs a
 * `stat` per candidate file and a few memoised matches.
 */
import * as path from 'node:path';
import type { EnvironmentContext, EnvironmentName, EnvironmentResolution, EnvironmentResolver, Evidence, ResolvedTarget } from '../types';
import { anyOf, DANGER, mostDangerous, placementOf } from '../policy/match';
import { resolveRefs, targetEvidence, targetsEnvironment } from './commandTargets';
import type { Policy } from '../policy/types';
import { CachedFiles, type FileSystemPort } from '../fs';
import * as signals from './signals';
import { targetSignals } from './targets';
import type { DetectedSignal } from './types';
import { TOOL_VARIABLES } from './snapshot';
import { safeValue } from './values';

const TOOL_VARIABLE_SET = new Set(TOOL_VARIABLES);

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
  /** The commands' own targets, riskiest first. */
  targets: ResolvedTarget[];
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

  const detectWith = (ctx: EnvironmentContext, env: Record<string, string | undefined> | undefined): Detection => {
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
    if (policy.workspaceEnvironment) {
      out.push({ signal: 'policy:workspace', value: `marked ${policy.workspaceEnvironment} in the policy`, environment: policy.workspaceEnvironment, source: 'policy', identities: [] });
    }
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
    for (const read of signals.SIGNAL_READERS) read(sctx);
    const targets = ctx.refs?.length ? resolveRefs(sctx, ctx.refs) : [];
    targets.sort((a, b) => DANGER[b.environment] - DANGER[a.environment]);
    return { environment: out.length ? mostDangerous(out.map((s) => s.environment)) : 'unknown', signals: out, targets };
  };

  /**
   * A terminal's variables can raise a command's environment, never lower it: the same
   * resolution without them is a floor. When they disagree, the evidence says so.
   */
  const detect = (ctx: EnvironmentContext): Detection => {
    const full = detectWith(ctx, ctx.env);
    const own = ctx.env ? Object.keys(ctx.env).filter((k) => (ctx.env![k] || undefined) !== host[k]) : [];
    if (!own.length) return full;
    const floor = detectWith(ctx, undefined);
    const fullT = targetsEnvironment(full.targets);
    const floorT = targetsEnvironment(floor.targets);
    const lowersWorkspace = DANGER[floor.environment] > DANGER[full.environment];
    const lowersTargets = floorT !== undefined && (fullT === undefined || DANGER[floorT] > DANGER[fullT]);
    // The terminal's own values that place something lower than the workspace's evidence does.
    const ceiling = floorT !== undefined && DANGER[floorT] > DANGER[floor.environment] ? floorT : floor.environment;
    const lowerKeys = own.filter((k) => {
      const sig = full.signals.find((x) => x.signal === `env:${k}`);
      const tgt = full.targets.find((t) => t.how === `${k} in the terminal`);
      return (sig && DANGER[sig.environment] < DANGER[ceiling]) || (tgt && DANGER[tgt.environment] < DANGER[ceiling]) || (!sig && !tgt && TOOL_VARIABLE_SET.has(k));
    });
    if (!lowersWorkspace && !lowersTargets && !lowerKeys.length) return full;
    const keys = lowerKeys.length ? lowerKeys : own.filter((k) => isVariable(k) || isUrlVariable(k) || TOOL_VARIABLE_SET.has(k));
    const said = keys
      .map((k) => `${k}=${ctx.env![k] ? safeValue(ctx.env![k]!) : '(unset)'}`)
      .slice(0, 4)
      .join(', ');
    const was = lowersWorkspace ? full.environment : lowersTargets ? (fullT ?? 'unplaced') : 'lower';
    const is = lowersWorkspace ? floor.environment : lowersTargets ? floorT! : ceiling;
    const note: DetectedSignal = {
      signal: 'terminal:cannot-lower',
      value: `${said || "the terminal's variables"} in the terminal would make it ${was}; the workspace's own evidence says ${is}, and a terminal can only raise it`,
      environment: is,
      source: 'env',
      identities: [],
    };
    const shown = new Set(full.signals.map((s) => s.signal + '\0' + s.value));
    const kept = lowersWorkspace ? floor.signals.filter((s) => !shown.has(s.signal + '\0' + s.value) && DANGER[s.environment] > DANGER[full.environment]) : [];
    const targets = [...floor.targets, ...full.targets.filter((t) => !floor.targets.some((f) => f.tool === t.tool && f.name === t.name && f.how === t.how))];
    targets.sort((a, b) => DANGER[b.environment] - DANGER[a.environment]);
    return { environment: lowersWorkspace ? floor.environment : full.environment, signals: [...full.signals, ...kept, note], targets };
  };

  const resolve = ((ctx: EnvironmentContext): EnvironmentResolution => {
    const d = detect(ctx);
    const evidence: Evidence[] = d.signals.length ? d.signals.map((s) => ({ signal: s.signal, value: s.value, environment: s.environment })) : [{ ...NO_SIGNAL }];
    for (const t of d.targets) evidence.push(targetEvidence(t));
    return d.targets.length ? { environment: d.environment, evidence, targets: d.targets } : { environment: d.environment, evidence };
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
