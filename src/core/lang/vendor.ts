/**
 * Loads a parser library at run time instead of bundling it: the SQL grammars, PostgreSQL's
 * parser and graphql-js are large, and every bundle (the gate helper too) would otherwise
 * pay for compiling them at start-up. The build copies each one, bundled on its own, next
 * to dist/*.js; from compiled sources (tests) the package itself is loaded.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const load = createRequire(__filename);

/** `file`: the bundle's name in dist (see scripts/build.mjs); `pkg`: the package path to use otherwise. */
export function loadVendor<T>(file: string, pkg: string): T {
  const local = join(__dirname, file);
  return (existsSync(local) ? load(local) : load(pkg)) as T;
}
