import type { DetectedSignal } from '../../../../src/core/detected';
import type { SignalContext, SignalReader } from '../../../../src/core/environment/signals';
import { CachedFiles } from '../../../../src/core/fs';
import { defaultPolicy, mergePolicy, type PolicyInput } from '../../../../src/core/policy';
import { anyOf, placementOf } from '../../../../src/core/policy/match';
import { Fixture } from '../helpers';

export { Fixture };

/** A reader's context over a fixture: the given variables, the workspace as cwd and root. */
export function contextOf(fx: Fixture, opts: { env?: Record<string, string>; policy?: PolicyInput; cwd?: string } = {}): SignalContext {
  const policy = opts.policy ? mergePolicy([{ source: 'user', policy: opts.policy }], { trusted: true }) : defaultPolicy();
  const env = opts.env ?? {};
  const isVariable = anyOf(policy.signals.variables, undefined, false);
  const isUrlVariable = anyOf(policy.signals.urlVariables, undefined, false);
  const cwd = opts.cwd ?? fx.ws;
  return {
    policy,
    place: placementOf(policy),
    files: new CachedFiles(undefined, 0),
    home: fx.home,
    cwd,
    root: fx.ws,
    dirs: cwd === fx.ws ? [fx.ws] : [cwd, fx.ws],
    get: (k) => env[k] || undefined,
    relevantKeys: () => Object.keys(env).filter((k) => env[k] && (isVariable(k) || isUrlVariable(k))),
    isVariable,
    isUrlVariable,
    out: [],
  };
}

/** The signals one reader adds. */
export function read(fx: Fixture, reader: SignalReader, opts: Parameters<typeof contextOf>[1] = {}): DetectedSignal[] {
  const ctx = contextOf(fx, opts);
  reader(ctx);
  return ctx.out;
}

/** signal, value, environment: what a person sees. */
export function shown(s: readonly DetectedSignal[]): Array<[string, string, string]> {
  return s.map((x) => [x.signal, x.value, x.environment]);
}
