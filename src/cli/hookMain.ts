/**
 * The hook's bundle (`dist/hook-body.js`, started by the loader `dist/hook.js`,
 * src/cli/hookLoader.ts): only what the hook's cheap path needs is in this bundle (reading the
 * payload, the first look, the answer). Calls that may matter load the full CLI bundle next
 * to it for the slow path; anything other than `hook` is handed to the full CLI as is.
 * Start-up levers are measured in test/bench/hook.bench.ts.
 */
import * as path from 'node:path';
import { runHook, type SlowPath } from './hook';

type Full = { main(argv: string[]): Promise<number>; decideCall: SlowPath['decideCall']; observeCall: SlowPath['observeCall'] };

// The full CLI beside this file, kept out of this bundle (scripts/build.mjs marks it
// external), loaded with the loader's code cache when this bundle was started by it.
const full = (): Full => {
  const load = (globalThis as Record<symbol, unknown>)[Symbol.for('twokey.load')] as ((file: string) => unknown) | undefined;
  return (load ? load(path.join(__dirname, 'cli.js')) : require('./cli.js')) as Full;
};

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

const argv = process.argv.slice(2);
if (argv[0] === 'hook') exit(runHook(argv.slice(1), async () => full()));
else exit(full().main(argv));
