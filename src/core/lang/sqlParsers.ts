/**
 * The SQL parsers, loaded once per process: PostgreSQL's own (libpg-query, WebAssembly,
 * loaded asynchronously at engine creation) and node-sql-parser's dialect grammars (loaded
 * on first use, one dialect at a time).
 */
import { loadVendor } from './vendor';
import { noteOneTimeLoad } from './grammars';
import type { N } from './sqlTypes';

export interface PgQuery {
  parseSync(sql: string): { stmts?: { stmt: N }[] };
  parsePlPgSQLSync(sql: string): { plpgsql_funcs?: N[] };
}

let pg: PgQuery | undefined;
let pgError: string | undefined;
let pgLoading: Promise<void> | undefined;
let pgLoadMs = 0;

/** Loads PostgreSQL's parser (once per process). Never rejects: a failure is remembered and SQL then counts as unreadable. */
export function loadSqlParser(): Promise<void> {
  if (pgLoading) return pgLoading;
  const started = performance.now();
  pgLoading = (async () => {
    try {
      const mod = loadVendor<PgQuery & { loadModule(): Promise<void> }>('vendor-libpg-query.js', 'libpg-query');
      await mod.loadModule();
      mod.parseSync('SELECT 1');
      pg = mod;
    } catch (e) {
      pgError = `PostgreSQL's parser cannot be loaded (${(e as Error).message})`;
    }
    pgLoadMs = performance.now() - started;
  })();
  return pgLoading;
}

export function sqlParserLoadMs(): number {
  return pgLoadMs;
}

interface NspParser {
  astify(sql: string, opt: { database: string }): unknown;
}
const nsp = new Map<string, NspParser | null>();

export type NspDialect = 'mysql' | 'mariadb' | 'sqlite' | 'postgresql';

export function nspParser(dialect: NspDialect): NspParser | undefined {
  if (!nsp.has(dialect)) {
    noteOneTimeLoad();
    try {
      // One dialect grammar at a time (each is ~250 KB of generated parser).
      const m = loadVendor<{ Parser: new () => NspParser }>(`vendor-sql-${dialect}.js`, `node-sql-parser/build/${dialect}`);
      nsp.set(dialect, new m.Parser());
    } catch {
      nsp.set(dialect, null);
    }
  }
  return nsp.get(dialect) ?? undefined;
}

/** PostgreSQL's parser once loaded, or why it is not. */
export function pgParser(): { pg?: PgQuery; error?: string } {
  return { pg, error: pgError };
}
