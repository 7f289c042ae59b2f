/**
 * Every wrapper the analysis looks through, by command name, assembled from the families in
 * this folder (one file per family). To find how `flock` or `docker run -v` is followed,
 * find its name in the family's file: privilege, processes, fanout, builtins, packages,
 * sessions, deferred, containers, remote. Shells, package runners and interpreters have
 * their own files here too and are tried by unwrap.ts after this table.
 */
import type { Unwrapper } from '../wrapkit';
import { privilege } from './privilege';
import { processes } from './processes';
import { fanout } from './fanout';
import { shellBuiltins } from './builtins';
import { packages } from './packages';
import { awk, sessions } from './sessions';
import { deferred } from './deferred';
import { containerRun, containers } from './containers';
import { remote, remoteRun } from './remote';

/** Two unwrappers for one name: the first that knows the form wins. */
function chain(a: Record<string, Unwrapper>, b: Record<string, Unwrapper>): Record<string, Unwrapper> {
  const out: Record<string, Unwrapper> = { ...a };
  for (const [k, f] of Object.entries(b)) {
    const g = a[k];
    out[k] = g ? (c, ctx) => f(c, ctx) ?? g(c, ctx) : f;
  }
  return out;
}

/** Every registered unwrapper by command name. */
export const UNWRAPPERS: Record<string, Unwrapper> = {
  ...privilege,
  ...processes,
  ...fanout,
  ...shellBuiltins,
  ...packages,
  ...sessions,
  ...awk,
  ...deferred,
  ...chain(containers, containerRun),
  ...chain(remote, remoteRun),
};

/** The command names the unwrappers look through (for the gates' word list). */
export const WRAPPER_NAMES: readonly string[] = Object.keys(UNWRAPPERS);
