/**
 * MySQL, MariaDB and SQLite statements (and PostgreSQL before its own parser is loaded),
 * classified from node-sql-parser's trees.
 */
import { add, arr, obj, type N, type Walk } from './sqlTypes';
import { alwaysTrue, type E } from './sqlFold';

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

export function walkNsp(stmt: N, w: Walk): void {
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
