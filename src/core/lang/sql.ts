/**
 * SQL read the way the database reads it.
 *
 * PostgreSQL goes through libpg-query: PostgreSQL's own parser (and its PL/pgSQL parser)
 * compiled to WebAssembly, so DO blocks, COPY … PROGRAM, VACUUM FULL, DROP OWNED, GRANT and
 * function bodies come out as the server's own syntax tree. MySQL, MariaDB and SQLite go
 * through node-sql-parser's dialect grammars (pure JavaScript, loaded on first use).
 * Statements are classified from the tree: what they do, to what, and whether a WHERE
 * clause can be false (constant folding: `1=1`, `2>1`, `true OR …`, `id = id`).
 *
 * libpg-query only loads asynchronously: `loadSqlParser()` is awaited once at engine
 * creation (lang/treesitter.ts loads the shell grammar at the same moment); every parse
 * after it is synchronous.
 */
import { obj, type N, type SqlAnalysis, type SqlDialect, type Walk } from './sqlTypes';
import { nspParser, pgParser, type NspDialect } from './sqlParsers';
import { walkPg } from './sqlPostgres';
import { walkNsp } from './sqlOthers';

export type { SqlAnalysis, SqlDialect, SqlFinding, SqlShell } from './sqlTypes';
export { loadSqlParser, sqlParserLoadMs } from './sqlParsers';

// ---------------------------------------------------------------- splitting

/**
 * Splits SQL text into statements on `;` outside quotes, dollar quotes and comments.
 * Used only when a whole text does not parse, so one bad statement hides no other.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      const q = ch;
      i++;
      while (i < sql.length && sql[i] !== q) i += sql[i] === '\\' && q !== '"' ? 2 : 1;
      i++;
    } else if (ch === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (ch === '/' && sql[i + 1] === '*') {
      const e = sql.indexOf('*/', i + 2);
      i = e < 0 ? sql.length : e + 2;
    } else if (ch === '$') {
      const m = /^\$([A-Za-z_]\w*)?\$/.exec(sql.slice(i));
      if (m) {
        const e = sql.indexOf(m[0], i + m[0].length);
        i = e < 0 ? sql.length : e + m[0].length;
      } else i++;
    } else if (ch === ';') {
      out.push(sql.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(sql.slice(start));
  return out.filter((s) => s.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim() !== '');
}

// ---------------------------------------------------------------- entry points

function parsePg(sql: string): { stmts: N[] } | { error: string } {
  const { pg, error: pgError } = pgParser();
  if (!pg) return { error: pgError ?? "PostgreSQL's parser is not loaded" };
  try {
    const t = pg.parseSync(sql);
    return { stmts: (t.stmts ?? []).map((s) => s.stmt) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function parseNsp(sql: string, dialect: NspDialect): { stmts: N[] } | { error: string } {
  const p = nspParser(dialect);
  if (!p) return { error: `the ${dialect} parser cannot be loaded` };
  try {
    // The MySQL grammar knows `GRANT ALL` but not its synonym `ALL PRIVILEGES`.
    const text = sql.replace(/\bALL\s+PRIVILEGES\b/gi, 'ALL');
    const ast = p.astify(text, { database: dialect });
    return { stmts: (Array.isArray(ast) ? ast : [ast]).map((x) => obj(x)).filter((x): x is N => !!x) };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

function order(dialect: SqlDialect): SqlDialect[] {
  switch (dialect) {
    // The client's own dialect first; a second grammar only where dialects really overlap.
    case 'mysql':
      return ['mysql', 'mariadb'];
    case 'mariadb':
      return ['mariadb', 'mysql'];
    case 'sqlite':
      return ['sqlite'];
    case 'postgres':
      return ['postgres'];
    default:
      return ['postgres', 'mysql'];
  }
}

/** Parses one text in the first dialect (of the client's, then the others) that accepts it. */
function parseAny(sql: string, dialect: SqlDialect): { kind: 'pg' | 'nsp'; stmts: N[] } | { error: string } {
  let first: string | undefined;
  for (const d of order(dialect)) {
    // Without PostgreSQL's own parser (SQL classified before any engine loaded it), the
    // PostgreSQL grammar of node-sql-parser stands in: it reads less (no DO, COPY, VACUUM).
    const pg = pgParser().pg;
    const r = d === 'postgres' ? (pg ? parsePg(sql) : parseNsp(sql, 'postgresql')) : parseNsp(sql, d as NspDialect);
    if ('stmts' in r) return { kind: d === 'postgres' && pg ? 'pg' : 'nsp', stmts: r.stmts };
    first ??= r.error;
  }
  return { error: first ?? 'no parser accepted it' };
}

/**
 * Classifies SQL text. `quietFailure` skips the unparseable finding (expressions probed
 * from PL/pgSQL bodies that are not SQL on their own).
 */
export function analyseSql(sql: string, dialect: SqlDialect = 'postgres', depth = 0, quietFailure = false): SqlAnalysis {
  const out: SqlAnalysis = { findings: [], shell: [] };
  const w: Walk = { out, depth, analyse: (text, d, quiet) => analyseSql(text, 'postgres', d, quiet) };
  if (sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\/|#[^\n]*|;/g, '').trim() === '') return out;
  const whole = parseAny(sql, dialect);
  const pieces: { sql: string; r: ReturnType<typeof parseAny> }[] = 'stmts' in whole ? [{ sql, r: whole }] : splitStatements(sql).map((s) => ({ sql: s, r: parseAny(s, dialect) }));
  for (const p of pieces) {
    if ('error' in p.r) {
      if (!quietFailure) {
        out.findings.push({ id: 'db.sql.unparseable', risk: 'high', prodOnly: true, what: `sends SQL that TwoKey's parsers cannot read (${p.r.error.slice(0, 120)}): ${p.sql.trim().replace(/\s+/g, ' ').slice(0, 80)}` });
      }
      continue;
    }
    if (p.r.kind === 'pg') walkPg(p.r.stmts, w);
    else for (const s of p.r.stmts) walkNsp(s, w);
  }
  return out;
}
