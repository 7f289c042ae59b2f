/**
 * The lean entry for agents' hooks (`dist/hook.js hook <agent>`): only what the hook's cheap
 * path needs is in this bundle (reading the payload, the first look, the answer). Calls that
 * may matter load the full CLI bundle next to it for the slow path; anything other than
 * `hook` is handed to the full CLI as is.
 *
 * Start-up levers (measured in test/bench/hook.bench.ts): V8's compile cache in TwoKey's own
 * state folder (Node 22.1 and later; never a shared temp folder another user could fill),
 * and the parser's WebAssembly compiled by the baseline tier only.
 */
import * as path from 'node:path';
import * as os from 'node:os';
import { runHook, type SlowPath } from './hook';

function stateDir(env: NodeJS.ProcessEnv): string {
  if (env.TWOKEY_STATE_DIR) return env.TWOKEY_STATE_DIR;
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'twokey');
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'twokey');
  return path.join(os.homedir(), '.local', 'state', 'twokey');
}

function startUp(): void {
  try {
    const mod = require('node:module') as { enableCompileCache?: (dir?: string) => unknown };
    if (!process.env.NODE_COMPILE_CACHE && process.env.TWOKEY_COMPILE_CACHE !== '0') mod.enableCompileCache?.(path.join(stateDir(process.env), 'compile-cache'));
  } catch {
    /* an older Node: only slower */
  }
  try {
    require('node:v8').setFlagsFromString('--liftoff-only');
  } catch {
    /* an embedder that refuses the flag: only slower */
  }
}

// The full CLI beside this file; kept out of this bundle (scripts/build.mjs marks it external).
const full = (): { main(argv: string[]): Promise<number>; decideCall: SlowPath['decideCall']; observeCall: SlowPath['observeCall'] } => require('./cli.js');

function exit(p: Promise<number>): void {
  p.then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`twokey: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}

startUp();
const argv = process.argv.slice(2);
if (argv[0] === 'hook') exit(runHook(argv.slice(1), async () => full()));
else exit(full().main(argv));
