/**
 * PostgreSQL statements, classified from the server's own syntax tree (libpg-query): DROP,
 * TRUNCATE, DELETE/UPDATE without a WHERE that can be false, DO blocks and function bodies
 * (PL/pgSQL through its own parser), COPY … PROGRAM, VACUUM FULL, DROP OWNED, GRANT…
 */
import { add, arr, obj, type N, type Walk } from './sqlTypes';
import { alwaysTrue, fold, truthy, type E } from './sqlFold';
import { pgParser } from './sqlParsers';

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

export function walkPg(node: unknown, w: Walk): void {
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
  const inner = w.analyse(sql, w.depth + 1);
  for (const f of inner.findings) add(w, { ...f, what: `${f.what} (${how})` });
  w.out.shell.push(...inner.shell);
}

/** A DO block's or function's body: PL/pgSQL through PostgreSQL's PL/pgSQL parser, SQL bodies as SQL. */
function analyseBody(code: string, lang0: string, w: Walk, who: string): void {
  const lang = lang0.toLowerCase();
  const inner: Walk = { ...w, depth: w.depth + 1, inside: `creates ${who}`.replace(/^creates a DO block that/, 'runs a DO block that') };
  if (lang === 'sql') {
    const a = w.analyse(code, w.depth + 1);
    for (const f of a.findings) add(inner, f);
    w.out.shell.push(...a.shell);
    return;
  }
  if (lang !== 'plpgsql') {
    add(w, { id: 'db.sql.untrusted-code', risk: 'high', what: `${inner.inside} runs ${lang0} code, which TwoKey cannot read` });
    return;
  }
  const { pg, error: pgError } = pgParser();
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
        const a = w.analyse(lit, w.depth + 1);
        for (const f of a.findings) add(w, { ...f, what: `${f.what} through EXECUTE` });
        w.out.shell.push(...a.shell);
      } else {
        add(w, { id: 'db.sql.dynamic', risk: 'high', what: `EXECUTEs SQL built at run time (${q.slice(0, 80)})` });
      }
      continue;
    }
    if (k === 'PLpgSQL_expr' && n && typeof n.query === 'string') {
      const q = n.query;
      const a = w.analyse(n.parseMode === 0 || parentKey === 'sqlstmt' ? q : `SELECT ${q}`, w.depth + 1, true);
      for (const f of a.findings) add(w, f);
      w.out.shell.push(...a.shell);
      continue;
    }
    if (v && typeof v === 'object') walkPlpgsql(v, w, k);
  }
}

/** The value of a PL/pgSQL expression when it is one string literal (`'DROP TABLE t'`, `E'…'`, `$q$…$q$`). */
function literalString(expr: string): string | undefined {
  const { pg } = pgParser();
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
