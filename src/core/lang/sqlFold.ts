/**
 * Constant folding of WHERE clauses: whether a condition is always true (`1=1`, `2>1`,
 * `true OR …`, `id = id`), over the expression shape both parsers' trees are mapped to.
 */
/** A small common expression shape both parsers' trees are mapped to. */
export type E =
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

export type V = boolean | number | string | null | undefined;

export function truthy(v: V): boolean | null | undefined {
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
export function fold(e: E): V {
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
export function alwaysTrue(e: E | undefined): boolean {
  return e === undefined || truthy(fold(e)) === true;
}
