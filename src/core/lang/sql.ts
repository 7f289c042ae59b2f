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
 * creation (shell/treesitter.ts loads the shell grammar at the same moment); every parse
 * after it is synchronous.
 */
import type { Risk } from '../types';
import { loadVendor } from './vendor';
import { noteOneTimeLoad } from './grammars';

export type SqlDialect = 'postgres' | 'mysql' | 'mariadb' | 'sqlite' | 'other';

export interface SqlFinding {
  id: string;
  risk: Risk;
  /** Completes "<where> …": e.g. `runs DROP TABLE users, which deletes it and its data`. */
  what: string;
  target?: string;
  /** Only a concern in production or unknown environments (SQL that cannot be read). */
  prodOnly?: boolean;
}

/** A command the SQL makes something run in a shell (COPY … PROGRAM runs on the server). */
export interface SqlShell {
  command: string;
  what: string;
}

export interface SqlAnalysis {
  findings: SqlFinding[];
  shell: SqlShell[];
}

type N = Record<string, unknown>;

// ---------------------------------------------------------------- loading

interface PgQuery {
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

type NspDialect = 'mysql' | 'mariadb' | 'sqlite' | 'postgresql';

function nspParser(dialect: NspDialect): NspParser | undefined {
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

// ---------------------------------------------------------------- constant folding

/** A small common expression shape both parsers' trees are mapped to. */
type E =
  | { k: 'const'; v: boolean | number | string | null }
  | { k: 'col'; key: string }
  | { k: 'op'; op: string; l: E; r: E }
  | { k: 'neg'; a: E }
  | { k: 'and' | 'or'; args: E[] }
  | { k: 'not'; a: E }
  | { k: 'isnull'; a: E; not: boolean }
  | { k: 'in'; a: E; list: E[]; not: boolean }
  | { k: 'like'; a: E; pat: E; not: boolean }
  | { k: 'true-subquery' }
  | { k: 'unknown' };

type V = boolean | number | string | null | undefined;

function truthy(v: V): boolean | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (/^(?:t|true|y|yes|on|1)$/i.test(v)) return true;
  if (/^(?:f|false|n|no|off|0)$/i.test(v)) return false;
  const n = Number(v);
  return Number.isFinite(n) ? n !== 0 : false;
}

function sameCol(a: E, b: E): boolean {
  return a.k === 'col' && b.k === 'col' && a.key === b.key;
}

/** Folds an expression to a value; undefined when it depends on the row. */
function fold(e: E): V {
  switch (e.k) {
    case 'const':
      return e.v;
    case 'neg': {
      const v = fold(e.a);
      return typeof v === 'number' ? -v : undefined;
    }
    case 'not': {
      const t = truthy(fold(e.a));
      return t === undefined ? undefined : t === null ? null : !t;
    }
    case 'and': {
      let unknown = false;
      for (const a of e.args) {
        const t = truthy(fold(a));
        if (t === false) return false;
        if (t !== true) unknown = true;
      }
      return unknown ? undefined : true;
    }
    case 'or': {
      // `x IS NULL OR x IS NOT NULL` holds for every row.
      for (const a of e.args) {
        if (a.k === 'isnull' && e.args.some((b) => b.k === 'isnull' && b.not !== a.not && JSON.stringify(b.a) === JSON.stringify(a.a))) return true;
      }
      let unknown = false;
      for (const a of e.args) {
        const t = truthy(fold(a));
        if (t === true) return true;
        if (t !== false) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'isnull': {
      const v = fold(e.a);
      if (v === undefined) return undefined;
      return (v === null) !== e.not;
    }
    case 'in': {
      const v = fold(e.a);
      if (v === undefined) return e.list.some((x) => sameCol(e.a, x)) ? !e.not : undefined;
      const vals = e.list.map(fold);
      if (vals.some((x) => x !== undefined && x !== null && String(x) === String(v))) return !e.not;
      return vals.every((x) => x !== undefined) ? e.not : undefined;
    }
    case 'like': {
      const p = fold(e.pat);
      // `col LIKE '%'` matches every non-null value.
      if (typeof p === 'string' && /^%+$/.test(p)) return !e.not;
      const v = fold(e.a);
      if (typeof p === 'string' && typeof v === 'string') {
        const re = new RegExp('^' + p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.') + '$', 's');
        return re.test(v) !== e.not;
      }
      return undefined;
    }
    case 'true-subquery':
      return true;
    case 'op':
      return foldOp(e.op, e.l, e.r);
    default:
      return undefined;
  }
}

function foldOp(op0: string, le: E, re: E): V {
  const op = op0.toUpperCase();
  if (sameCol(le, re) && (op === '=' || op === '>=' || op === '<=' || op === '<=>' || op === 'IS' || op === 'IS NOT DISTINCT FROM')) return true;
  const l = fold(le);
  const r = fold(re);
  if (op === 'IS' || op === 'IS NOT') {
    if (l === undefined || r === undefined) return undefined;
    const eq = l === r || truthy(l) === truthy(r);
    return op === 'IS' ? eq : !eq;
  }
  if (l === undefined || r === undefined) return undefined;
  if (op === 'AND' || op === '&&') return truthy(l) === true && truthy(r) === true;
  if (op === 'OR' || op === '||') {
    if (typeof l === 'string' && typeof r === 'string') return l + r; // PostgreSQL concatenation
    return truthy(l) === true || truthy(r) === true;
  }
  if (l === null || r === null) return op === '<=>' ? l === r : null;
  const num = (x: boolean | number | string) => (typeof x === 'boolean' ? Number(x) : typeof x === 'number' ? x : Number(x));
  const bothNum = !Number.isNaN(num(l)) && !Number.isNaN(num(r)) && !(typeof l === 'string' && typeof r === 'string');
  const a = bothNum ? num(l) : String(l);
  const b = bothNum ? num(r) : String(r);
  switch (op) {
    case '=':
    case '==':
    case '<=>':
      return a === b;
    case '<>':
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
    case '+':
      return bothNum ? (a as number) + (b as number) : undefined;
    case '-':
      return bothNum ? (a as number) - (b as number) : undefined;
    case '*':
      return bothNum ? (a as number) * (b as number) : undefined;
    case '/':
      return bothNum && b !== 0 ? (a as number) / (b as number) : undefined;
    case '%':
      return bothNum && b !== 0 ? (a as number) % (b as number) : undefined;
    default:
      return undefined;
  }
}

/** True when a WHERE clause cannot be false for a row (the statement touches every row). */
function alwaysTrue(e: E | undefined): boolean {
  return e === undefined || truthy(fold(e)) === true;
}

// ---------------------------------------------------------------- PostgreSQL trees

const obj = (x: unknown): N | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as N) : undefined);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

/** The node inside a one-key wrapper: `{A_Const: {...}}` → ['A_Const', {...}]. */
function unwrap(x: unknown): [string, N] | undefined {
  const o = obj(x);
  if (!o) return undefined;
  const keys = Object.keys(o);
  if (keys.length !== 1) return undefined;
  const inner = obj(o[keys[0]]);
  return inner ? [keys[0], inner] : undefined;
}

function strings(x: unknown, out: string[] = []): string[] {
  const o = obj(x);
  if (Array.isArray(x)) for (const y of x) strings(y, out);
  else if (o) {
    if (typeof o.sval === 'string') out.push(o.sval);
    else if (typeof o.relname === 'string') out.push([o.schemaname, o.relname].filter((s) => typeof s === 'string').join('.'));
    else if (typeof o.rolename === 'string') out.push(o.rolename);
    else if (typeof o.priv_name === 'string') out.push(o.priv_name);
    else for (const v of Object.values(o)) strings(v, out);
  }
  return out;
}

function pgConst(c: N): E {
  if (c.isnull) return { k: 'const', v: null };
  if (c.ival) return { k: 'const', v: Number(obj(c.ival)?.ival ?? 0) };
  if (c.fval) return { k: 'const', v: Number(obj(c.fval)?.fval ?? 0) };
  if (c.boolval) return { k: 'const', v: Boolean(obj(c.boolval)?.boolval) };
  if (c.sval) return { k: 'const', v: String(obj(c.sval)?.sval ?? '') };
  if (c.bsval) return { k: 'unknown' };
  return { k: 'unknown' };
}

function pgExpr(x: unknown): E {
  const u = unwrap(x);
  if (!u) return { k: 'unknown' };
  const [t, n] = u;
  switch (t) {
    case 'A_Const':
      return pgConst(n);
    case 'ColumnRef':
      return { k: 'col', key: strings(n.fields).join('.') };
    case 'TypeCast': {
      const inner = pgExpr(n.arg);
      const type = strings(obj(n.typeName)?.names).pop() ?? '';
      if (inner.k === 'const' && /^bool/.test(type)) return { k: 'const', v: truthy(inner.v) ?? null };
      if (inner.k === 'const' && /^(?:int|float|numeric|decimal)/.test(type) && inner.v !== null) return { k: 'const', v: Number(inner.v) };
      return inner;
    }
    case 'BoolExpr': {
      const args = arr(n.args).map(pgExpr);
      if (n.boolop === 'AND_EXPR') return { k: 'and', args };
      if (n.boolop === 'OR_EXPR') return { k: 'or', args };
      return { k: 'not', a: args[0] ?? { k: 'unknown' } };
    }
    case 'NullTest':
      return { k: 'isnull', a: pgExpr(n.arg), not: n.nulltesttype === 'IS_NOT_NULL' };
    case 'BooleanTest': {
      const a = pgExpr(n.arg);
      const bt = String(n.booltesttype);
      if (bt === 'IS_TRUE') return { k: 'op', op: '=', l: a, r: { k: 'const', v: true } };
      if (bt === 'IS_FALSE') return { k: 'op', op: '=', l: a, r: { k: 'const', v: false } };
      if (bt === 'IS_NOT_FALSE') return { k: 'not', a: { k: 'op', op: '=', l: a, r: { k: 'const', v: false } } };
      return { k: 'unknown' };
    }
    case 'A_Expr': {
      const op = strings(n.name).pop() ?? '';
      const l = n.lexpr ? pgExpr(n.lexpr) : undefined;
      const r = pgExpr(n.rexpr);
      switch (n.kind) {
        case 'AEXPR_OP':
          if (!l) return op === '-' ? { k: 'neg', a: r } : op === '+' ? r : { k: 'unknown' };
          return { k: 'op', op, l, r };
        case 'AEXPR_IN':
          return { k: 'in', a: l ?? { k: 'unknown' }, list: arr(obj(n.rexpr)?.List ? obj(obj(n.rexpr)!.List)!.items : n.rexpr).map(pgExpr), not: op === '<>' };
        case 'AEXPR_LIKE':
        case 'AEXPR_ILIKE':
          return { k: 'like', a: l ?? { k: 'unknown' }, pat: r, not: op.startsWith('!') };
        case 'AEXPR_NOT_DISTINCT':
          return l ? { k: 'op', op: '<=>', l, r } : { k: 'unknown' };
        default:
          return { k: 'unknown' };
      }
    }
    case 'SubLink': {
      // EXISTS (SELECT 1) with no FROM and no WHERE is true for every row.
      const sel = unwrap(n.subselect);
      if (n.subLinkType === 'EXISTS_SUBLINK' && sel && sel[0] === 'SelectStmt' && !sel[1].fromClause && !sel[1].whereClause) return { k: 'true-subquery' };
      return { k: 'unknown' };
    }
    case 'CoalesceExpr': {
      for (const a of arr(n.args)) {
        const v = fold(pgExpr(a));
        if (v === undefined) return { k: 'unknown' };
        if (v !== null) return { k: 'const', v };
      }
      return { k: 'const', v: null };
    }
    default:
      return { k: 'unknown' };
  }
}

const DROP_KIND: Record<string, string> = {
  OBJECT_TABLE: 'TABLE', OBJECT_SCHEMA: 'SCHEMA', OBJECT_VIEW: 'VIEW', OBJECT_MATVIEW: 'MATERIALIZED VIEW', OBJECT_INDEX: 'INDEX',
  OBJECT_SEQUENCE: 'SEQUENCE', OBJECT_FUNCTION: 'FUNCTION', OBJECT_PROCEDURE: 'PROCEDURE', OBJECT_ROUTINE: 'ROUTINE', OBJECT_TYPE: 'TYPE',
  OBJECT_DOMAIN: 'DOMAIN', OBJECT_EXTENSION: 'EXTENSION', OBJECT_TRIGGER: 'TRIGGER', OBJECT_FOREIGN_TABLE: 'FOREIGN TABLE',
  OBJECT_POLICY: 'POLICY', OBJECT_RULE: 'RULE', OBJECT_PUBLICATION: 'PUBLICATION', OBJECT_FOREIGN_SERVER: 'SERVER', OBJECT_COLLATION: 'COLLATION',
};

const POWERFUL_ROLE = /^(?:postgres|rds_superuser|cloudsqlsuperuser|azure_pg_admin|alloydbsuperuser|supabase_admin|pg_write_all_data|pg_read_all_data|pg_execute_server_program|pg_write_server_files|pg_read_server_files|pg_database_owner|pg_signal_backend|admin|root|superuser)$/i;

interface Walk {
  out: SqlAnalysis;
  depth: number;
  /** Prefix for findings inside a function body: "creates a function that …". */
  inside?: string;
}

function add(w: Walk, f: SqlFinding): void {
  const what = w.inside ? `${w.inside} ${f.what}` : f.what;
  if (!w.out.findings.some((x) => x.id === f.id && x.target === f.target && x.what === what)) w.out.findings.push({ ...f, what });
}

function walkPg(node: unknown, w: Walk): void {
  if (Array.isArray(node)) {
    for (const x of node) walkPg(x, w);
    return;
  }
  const o = obj(node);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    const n = obj(v);
    if (n && /^[A-Z]/.test(k)) classifyPgNode(k, n, w);
    // A function's body is judged once, by classifyPgNode, as what the function would do.
    if (v && typeof v === 'object' && k !== 'CreateFunctionStmt') walkPg(v, w);
  }
}

function rel(n: N): string {
  return strings(n.relation).join('.') || '?';
}

function classifyPgNode(t: string, n: N, w: Walk): void {
  switch (t) {
    case 'DropStmt': {
      const kind = DROP_KIND[String(n.removeType)] ?? String(n.removeType).replace(/^OBJECT_/, '').replace(/_/g, ' ');
      const names = arr(n.objects).map((o) => strings(o).join('.')).filter(Boolean);
      const critical = kind === 'SCHEMA';
      for (const name of names.length ? names : [undefined]) {
        add(w, { id: 'db.sql.drop', risk: critical ? 'critical' : 'high', what: `runs DROP ${kind}${name ? ' ' + name : ''}${n.behavior === 'DROP_CASCADE' ? ' CASCADE' : ''}, which deletes it and its data`, target: name });
      }
      return;
    }
    case 'DropdbStmt':
      add(w, { id: 'db.sql.drop', risk: 'critical', what: `runs DROP DATABASE ${String(n.dbname ?? '')}, which deletes the database`, target: String(n.dbname ?? '') || undefined });
      return;
    case 'DropRoleStmt':
      add(w, { id: 'db.sql.drop', risk: 'high', what: `runs DROP ROLE ${strings(n.roles).join(', ')}`, target: strings(n.roles)[0] });
      return;
    case 'DropTableSpaceStmt':
    case 'DropSubscriptionStmt':
      add(w, { id: 'db.sql.drop', risk: 'high', what: `runs ${t.replace(/^Drop|Stmt$/g, '').toUpperCase() === 'TABLESPACE' ? 'DROP TABLESPACE' : 'DROP ' + t.replace(/^Drop|Stmt$/g, '').toUpperCase()}` });
      return;
    case 'DropOwnedStmt':
      add(w, { id: 'db.sql.drop-owned', risk: 'critical', what: `runs DROP OWNED BY ${strings(n.roles).join(', ')}, which deletes every object those roles own`, target: strings(n.roles)[0] });
      return;
    case 'ReassignOwnedStmt':
      add(w, { id: 'db.sql.grant', risk: 'high', what: `runs REASSIGN OWNED BY ${strings(n.roles).join(', ')}, which hands every object they own to another role` });
      return;
    case 'TruncateStmt':
      for (const r of arr(n.relations).map((x) => strings(x).join('.'))) add(w, { id: 'db.sql.truncate', risk: 'high', what: `runs TRUNCATE ${r}, which deletes every row`, target: r });
      return;
    case 'DeleteStmt': {
      const r = rel(n);
      if (alwaysTrue(n.whereClause ? pgExpr(n.whereClause) : undefined)) {
        add(w, { id: 'db.sql.delete-all', risk: 'high', what: `runs DELETE FROM ${r} ${n.whereClause ? 'with a WHERE clause that is always true' : 'without a WHERE clause'}, which deletes every row`, target: r });
      } else add(w, { id: 'db.sql.delete', risk: 'low', what: `deletes rows from ${r}`, target: r });
      return;
    }
    case 'UpdateStmt': {
      const r = rel(n);
      if (alwaysTrue(n.whereClause ? pgExpr(n.whereClause) : undefined)) {
        add(w, { id: 'db.sql.update-all', risk: 'high', what: `runs UPDATE ${r} ${n.whereClause ? 'with a WHERE clause that is always true' : 'without a WHERE clause'}, which changes every row`, target: r });
      }
      return;
    }
    case 'AlterTableStmt': {
      const r = rel(n);
      for (const c of arr(n.cmds)) {
        const cmd = obj(obj(c)?.AlterTableCmd);
        const sub = String(cmd?.subtype ?? '');
        if (sub === 'AT_DropColumn' || sub === 'AT_DropConstraint') {
          add(w, { id: 'db.sql.alter-drop', risk: 'high', what: `runs ALTER TABLE ${r} DROP ${sub === 'AT_DropColumn' ? 'COLUMN' : 'CONSTRAINT'} ${String(cmd?.name ?? '')}, which deletes data`.trimEnd(), target: r });
        }
      }
      return;
    }
    case 'GrantStmt': {
      const verb = n.is_grant ? 'GRANT' : 'REVOKE';
      const all = !n.privileges;
      const everyTable = n.targtype === 'ACL_TARGET_ALL_IN_SCHEMA' || n.targtype === 'ACL_TARGET_DEFAULTS';
      const toPublic = arr(n.grantees).some((g) => obj(obj(g)?.RoleSpec)?.roletype === 'ROLESPEC_PUBLIC');
      const objtype = String(n.objtype ?? '').replace(/^OBJECT_/, '');
      const broad = all || everyTable || toPublic || n.grant_option === true || objtype === 'DATABASE' || objtype === 'SCHEMA';
      const privs = arr(n.privileges).map((p) => String(obj(obj(p)?.AccessPriv)?.priv_name ?? '').toUpperCase()).filter(Boolean);
      const what = `${all ? 'ALL PRIVILEGES' : privs.join(', ') || 'privileges'} ON ${everyTable ? 'ALL ' + objtype + 'S IN SCHEMA ' : objtype + ' '}${strings(n.objects).join(', ')} ${n.is_grant ? 'TO' : 'FROM'} ${toPublic ? 'PUBLIC' : strings(n.grantees).join(', ')}`;
      add(w, { id: 'db.sql.grant', risk: broad ? 'high' : 'low', what: `runs ${verb} ${what}${broad ? ', a broad change of who may read or change the data' : ''}` });
      return;
    }
    case 'GrantRoleStmt': {
      const roles = strings(n.granted_roles);
      const broad = roles.some((r) => POWERFUL_ROLE.test(r));
      add(w, { id: 'db.sql.grant', risk: broad ? 'high' : 'low', what: `runs ${n.is_grant ? 'GRANT' : 'REVOKE'} ${roles.join(', ')} ${n.is_grant ? 'TO' : 'FROM'} ${strings(n.grantee_roles).join(', ')}` });
      return;
    }
    case 'CreateRoleStmt':
    case 'AlterRoleStmt': {
      const opts = arr(n.options).map((o) => obj(obj(o)?.DefElem)).filter((d): d is N => !!d);
      const strong = opts.filter((d) => /^(?:superuser|createrole|bypassrls|replication)$/.test(String(d.defname)) && obj(obj(d.arg)?.Boolean)?.boolval !== false);
      if (strong.length) add(w, { id: 'db.sql.grant', risk: 'high', what: `gives ${strings(n.role ?? n.role).join('') || String(n.role ?? '')} ${strong.map((d) => String(d.defname).toUpperCase()).join(', ')}` });
      return;
    }
    case 'VacuumStmt': {
      const full = arr(n.options).some((o) => obj(obj(o)?.DefElem)?.defname === 'full');
      if (full && n.is_vacuumcmd) {
        const rels = strings(n.rels);
        add(w, { id: 'db.sql.vacuum-full', risk: 'high', what: `runs VACUUM FULL${rels.length ? ' ' + rels.join(', ') : ' on every table'}, which locks the tables while it rewrites them`, target: rels[0] });
      }
      return;
    }
    case 'CopyStmt': {
      const file = typeof n.filename === 'string' ? n.filename : undefined;
      if (n.is_program && file) {
        add(w, { id: 'db.sql.copy-program', risk: 'high', what: `runs COPY … ${n.is_from ? 'FROM' : 'TO'} PROGRAM, which runs \`${file}\` in a shell on the database server` });
        w.out.shell.push({ command: file, what: 'COPY … PROGRAM (on the database server)' });
      } else if (file && !n.is_from) {
        add(w, { id: 'db.sql.copy-file', risk: 'high', what: `runs COPY … TO '${file}', which overwrites that file on the database server`, target: file });
      }
      return;
    }
    case 'DoStmt': {
      const opts = arr(n.args).map((a) => obj(obj(a)?.DefElem)).filter((d): d is N => !!d);
      const body = opts.find((d) => d.defname === 'as');
      const lang = String(obj(obj(opts.find((d) => d.defname === 'language')?.arg)?.String)?.sval ?? 'plpgsql');
      const code = strings(body?.arg).join('');
      analyseBody(code, lang, w, 'a DO block that');
      return;
    }
    case 'CreateFunctionStmt': {
      const opts = arr(n.options).map((o) => obj(obj(o)?.DefElem)).filter((d): d is N => !!d);
      const body = opts.find((d) => d.defname === 'as');
      const lang = String(obj(obj(opts.find((d) => d.defname === 'language')?.arg)?.String)?.sval ?? 'sql');
      const name = strings(n.funcname).join('.');
      const code = strings(body?.arg)[0] ?? '';
      if (body) analyseBody(code, lang, w, `${n.is_procedure ? 'a procedure' : 'a function'} ${name} that`);
      else if (n.sql_body) {
        const inner: Walk = { ...w, inside: `creates ${n.is_procedure ? 'a procedure' : 'a function'} ${name} that` };
        walkPg(n.sql_body, inner);
      }
      return;
    }
    case 'FuncCall': {
      const name = (strings(n.funcname).pop() ?? '').toLowerCase();
      if (name === 'pg_terminate_backend') add(w, { id: 'db.sql.terminate', risk: 'high', what: 'runs pg_terminate_backend(), which kills database sessions' });
      else if (name === 'pg_drop_replication_slot') add(w, { id: 'db.sql.drop', risk: 'high', what: 'drops a replication slot' });
      else if (name === 'dblink_exec' || name === 'dblink' || name === 'query_to_xml' || name === 'query_to_json') {
        const args = arr(n.args);
        const last = args[name === 'query_to_xml' || name === 'query_to_json' ? 0 : args.length - 1];
        const e = pgExpr(last);
        if (e.k === 'const' && typeof e.v === 'string') nestedSql(e.v, w, `runs through ${name}()`);
        else add(w, { id: 'db.sql.dynamic', risk: 'high', what: `runs SQL built at run time through ${name}()` });
      }
      return;
    }
    default:
      return;
  }
}

function nestedSql(sql: string, w: Walk, how: string): void {
  if (w.depth > 6) {
    add(w, { id: 'db.sql.dynamic', risk: 'high', what: `nests SQL too deeply to read (${how})` });
    return;
  }
  const inner = analyseSql(sql, 'postgres', w.depth + 1);
  for (const f of inner.findings) add(w, { ...f, what: `${f.what} (${how})` });
  w.out.shell.push(...inner.shell);
}

/** A DO block's or function's body: PL/pgSQL through PostgreSQL's PL/pgSQL parser, SQL bodies as SQL. */
function analyseBody(code: string, lang0: string, w: Walk, who: string): void {
  const lang = lang0.toLowerCase();
  const inner: Walk = { out: w.out, depth: w.depth + 1, inside: `creates ${who}`.replace(/^creates a DO block that/, 'runs a DO block that') };
  if (lang === 'sql') {
    const a = analyseSql(code, 'postgres', w.depth + 1);
    for (const f of a.findings) add(inner, f);
    w.out.shell.push(...a.shell);
    return;
  }
  if (lang !== 'plpgsql') {
    add(w, { id: 'db.sql.untrusted-code', risk: 'high', what: `${inner.inside} runs ${lang0} code, which TwoKey cannot read` });
    return;
  }
  if (!pg) {
    add(w, { id: 'db.sql.unparseable', risk: 'high', what: `${inner.inside} runs PL/pgSQL that cannot be read: ${pgError ?? 'the parser is not loaded'}`, prodOnly: true });
    return;
  }
  let tag = 'twokey';
  while (code.includes(`$${tag}$`)) tag += 'x';
  let tree: { plpgsql_funcs?: N[] };
  try {
    tree = pg.parsePlPgSQLSync(`CREATE FUNCTION twokey_body() RETURNS void AS $${tag}$${code}$${tag}$ LANGUAGE plpgsql`);
  } catch (e) {
    add(w, { id: 'db.sql.unparseable', risk: 'high', what: `${inner.inside} runs PL/pgSQL that does not parse (${(e as Error).message})`, prodOnly: true });
    return;
  }
  walkPlpgsql(tree, inner, '');
}

function walkPlpgsql(node: unknown, w: Walk, parentKey: string): void {
  if (Array.isArray(node)) {
    for (const x of node) walkPlpgsql(x, w, parentKey);
    return;
  }
  const o = obj(node);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    const n = obj(v);
    if (k === 'PLpgSQL_stmt_dynexecute' || k === 'PLpgSQL_stmt_dynfors' || (k === 'PLpgSQL_stmt_open' && n?.dynquery)) {
      const q = String(obj(obj(n?.query ?? n?.dynquery)?.PLpgSQL_expr)?.query ?? '');
      const lit = literalString(q);
      if (lit !== undefined) {
        const a = analyseSql(lit, 'postgres', w.depth + 1);
        for (const f of a.findings) add(w, { ...f, what: `${f.what} through EXECUTE` });
        w.out.shell.push(...a.shell);
      } else {
        add(w, { id: 'db.sql.dynamic', risk: 'high', what: `EXECUTEs SQL built at run time (${q.slice(0, 80)})` });
      }
      continue;
    }
    if (k === 'PLpgSQL_expr' && n && typeof n.query === 'string') {
      const q = n.query;
      const a = analyseSql(n.parseMode === 0 || parentKey === 'sqlstmt' ? q : `SELECT ${q}`, 'postgres', w.depth + 1, true);
      for (const f of a.findings) add(w, f);
      w.out.shell.push(...a.shell);
      continue;
    }
    if (v && typeof v === 'object') walkPlpgsql(v, w, k);
  }
}

/** The value of a PL/pgSQL expression when it is one string literal (`'DROP TABLE t'`, `E'…'`, `$q$…$q$`). */
function literalString(expr: string): string | undefined {
  if (!pg) return undefined;
  try {
    const t = pg.parseSync(`SELECT ${expr}`);
    const stmt = obj(t.stmts?.[0]?.stmt);
    const sel = obj(stmt?.SelectStmt);
    const list = arr(sel?.targetList);
    if (list.length !== 1 || sel?.fromClause) return undefined;
    const e = pgExpr(obj(obj(list[0])?.ResTarget)?.val);
    const v = e.k === 'const' ? e.v : fold(e);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- node-sql-parser trees

function nspExpr(x: unknown): E {
  const n = obj(x);
  if (!n) return { k: 'unknown' };
  const t = String(n.type ?? '');
  switch (t) {
    case 'number':
      return { k: 'const', v: Number(n.value) };
    case 'bool':
    case 'boolean':
      return { k: 'const', v: Boolean(n.value) };
    case 'null':
      return { k: 'const', v: null };
    case 'single_quote_string':
    case 'double_quote_string':
    case 'string':
    case 'natural_string':
    case 'hex_string':
    case 'full_hex_string':
    case 'bit_string':
      return { k: 'const', v: String(n.value) };
    case 'column_ref': {
      const col = obj(n.column) ? JSON.stringify(n.column) : String(n.column);
      return { k: 'col', key: `${String(n.table ?? '')}.${col}` };
    }
    case 'unary_expr': {
      const op = String(n.operator).toUpperCase();
      const a = nspExpr(n.expr);
      if (op === 'NOT' || op === '!') return { k: 'not', a };
      if (op === '-') return { k: 'neg', a };
      return op === '+' ? a : { k: 'unknown' };
    }
    case 'expr_list': {
      const v = arr(n.value);
      return v.length === 1 ? nspExpr(v[0]) : { k: 'unknown' };
    }
    case 'binary_expr': {
      const op = String(n.operator).toUpperCase();
      const l = nspExpr(n.left);
      if (op === 'IN' || op === 'NOT IN') return { k: 'in', a: l, list: arr(obj(n.right)?.value).map(nspExpr), not: op === 'NOT IN' };
      if (op === 'LIKE' || op === 'NOT LIKE' || op === 'ILIKE') return { k: 'like', a: l, pat: nspExpr(n.right), not: op.startsWith('NOT') };
      if ((op === 'IS' || op === 'IS NOT') && obj(n.right)?.type === 'null') return { k: 'isnull', a: l, not: op === 'IS NOT' };
      if (op === 'AND' || op === '&&') return { k: 'and', args: [l, nspExpr(n.right)] };
      if (op === 'OR' || op === '||' || op === 'XOR') return op === 'XOR' ? { k: 'unknown' } : { k: 'or', args: [l, nspExpr(n.right)] };
      if (op === 'BETWEEN' || op === 'NOT BETWEEN') {
        const r = arr(obj(n.right)?.value).map(nspExpr);
        if (r.length !== 2) return { k: 'unknown' };
        const between: E = { k: 'and', args: [{ k: 'op', op: '>=', l, r: r[0] }, { k: 'op', op: '<=', l, r: r[1] }] };
        return op === 'BETWEEN' ? between : { k: 'not', a: between };
      }
      return { k: 'op', op, l, r: nspExpr(n.right) };
    }
    case 'function': {
      return { k: 'unknown' };
    }
    default:
      return { k: 'unknown' };
  }
}

function nspName(x: unknown): string {
  const n = obj(x);
  if (!n) return typeof x === 'string' ? x : '';
  return [n.db, n.schema, n.table ?? n.name].filter((s) => typeof s === 'string' && s).join('.');
}

function walkNsp(stmt: N, w: Walk): void {
  const t = String(stmt.type ?? '').toLowerCase();
  const tables = (x: unknown) => arr(x).map(nspName).filter(Boolean);
  switch (t) {
    case 'drop': {
      const kind = String(stmt.keyword ?? '').toUpperCase();
      const names = tables(stmt.name);
      const critical = kind === 'DATABASE' || kind === 'SCHEMA';
      for (const name of names.length ? names : [typeof stmt.name === 'string' ? stmt.name : undefined]) {
        add(w, { id: 'db.sql.drop', risk: critical ? 'critical' : 'high', what: `runs DROP ${kind}${name ? ' ' + name : ''}, which deletes it and its data`, target: name });
      }
      return;
    }
    case 'truncate':
      for (const r of tables(stmt.name)) add(w, { id: 'db.sql.truncate', risk: 'high', what: `runs TRUNCATE ${r}, which deletes every row`, target: r });
      return;
    case 'delete': {
      const r = tables(stmt.from).join(', ') || tables(stmt.table).join(', ');
      if (alwaysTrue(stmt.where ? nspExpr(stmt.where) : undefined)) {
        add(w, { id: 'db.sql.delete-all', risk: 'high', what: `runs DELETE FROM ${r} ${stmt.where ? 'with a WHERE clause that is always true' : 'without a WHERE clause'}, which deletes every row`, target: r });
      } else add(w, { id: 'db.sql.delete', risk: 'low', what: `deletes rows from ${r}`, target: r });
      return;
    }
    case 'update': {
      const r = tables(stmt.table).join(', ');
      if (alwaysTrue(stmt.where ? nspExpr(stmt.where) : undefined)) {
        add(w, { id: 'db.sql.update-all', risk: 'high', what: `runs UPDATE ${r} ${stmt.where ? 'with a WHERE clause that is always true' : 'without a WHERE clause'}, which changes every row`, target: r });
      }
      return;
    }
    case 'alter': {
      const r = tables(stmt.table).join(', ');
      for (const e of arr(stmt.expr)) {
        const x = obj(e);
        if (String(x?.action ?? '').toLowerCase() === 'drop') {
          const what = String(x?.resource ?? x?.keyword ?? 'column').toUpperCase();
          add(w, { id: 'db.sql.alter-drop', risk: 'high', what: `runs ALTER TABLE ${r} DROP ${what}, which deletes data`, target: r });
        }
      }
      return;
    }
    case 'grant':
    case 'revoke': {
      const privs = arr(stmt.objects).map((o) => String(obj(obj(o)?.priv)?.value ?? '')).join(', ');
      const on = obj(stmt.on);
      const levels = arr(on?.priv_level).map((p) => `${String(obj(p)?.prefix ?? '')}${String(obj(p)?.name ?? '')}`).join(', ');
      const broad = /\ball\b/i.test(privs) || /\*/.test(levels) || /\bsuper\b|\bgrant option\b|\bfile\b|\bshutdown\b|\bprocess\b/i.test(privs) || arr(on?.priv_level).length === 0;
      add(w, { id: 'db.sql.grant', risk: broad ? 'high' : 'low', what: `runs ${t.toUpperCase()} ${privs}${levels ? ' ON ' + levels : ''}${broad ? ', a broad change of who may read or change the data' : ''}` });
      return;
    }
    default:
      return;
  }
}

// ---------------------------------------------------------------- entry points

function parsePg(sql: string): { stmts: N[] } | { error: string } {
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
  const w: Walk = { out, depth };
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
