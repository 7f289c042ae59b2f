/**
 * Remote runners: `ssh HOST CMD` (or a script on stdin), `kubectl|oc exec|debug|run -- CMD`,
 * `heroku run`, `fly ssh console -C`. The remote side's environment is unknown.
 */
import { DYN } from '../model';
import { emit, parseNested } from '../extract';
import { nestedScript, set, shift, skipOptions, stdinScript, VALUE_OPTS, type Unwrapper } from '../wrapkit';

export const remote: Record<string, Unwrapper> = {};
remote['ssh'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.ssh, false);
  const host = args[i];
  const rest = args.slice(i + 1);
  emit(c, ctx);
  if (host && rest.length > 0) parseNested(rest.map((w) => (w.value.includes(DYN) ? w.raw : w.value)).join(' '), ctx, `ssh ${host.value}`);
  else if (host && c.stdin) stdinScript(c, ctx, `ssh ${host.value}`, `ssh ${host.value}`);
  return 'done';
};
remote['kubectl'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  if (args[0]?.value === 'exec' || args[0]?.value === 'debug' || args[0]?.value === 'run') {
    const dd = args.findIndex((a) => a.value === '--');
    emit(c, ctx);
    if (dd >= 0 && dd + 1 < args.length) {
      return { ...c, name: args[dd + 1].value, args: args.slice(dd + 2), via: [...c.via, `${name} exec`] };
    }
    return 'done';
  }
  return undefined;
};
remote['oc'] = remote['kubectl'];

export const remoteRun: Record<string, Unwrapper> = {
  // heroku run [-a APP] [-s SIZE] CMD… : runs on the app's dyno.
  heroku: (c, ctx) => {
    const a = c.args;
    if (a[0]?.value !== 'run' && a[0]?.value !== 'run:detached') return undefined;
    const i = skipOptions(a, 1, set('-a', '--app', '-s', '--size', '-e', '--env', '-r', '--remote', '--type'));
    // The outer command too: its app is the target (like ssh's host, kubectl exec's context).
    emit(c, ctx);
    return shift(c, i, `heroku ${a[0].value}`);
  },
  // fly ssh console -C "CMD"
  fly: (c, ctx) => {
    const a = c.args;
    if (a[0]?.value !== 'ssh' || a[1]?.value !== 'console') return undefined;
    const i = a.findIndex((w) => w.value === '-C' || w.value === '--command');
    if (i < 0) return undefined;
    return nestedScript(c, ctx, a[i + 1], 'fly ssh console');
  },
};
remoteRun.flyctl = remoteRun.fly;
