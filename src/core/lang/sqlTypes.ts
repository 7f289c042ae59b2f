/**
 * The shapes SQL analysis works in: what a statement amounts to (findings, shell commands a
 * server runs), the trees both parsers produce, the walk's state, and the expression shape
 * both parsers' trees are mapped to for constant folding.
 */
import type { Risk } from '../types';

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

/** A parser's tree node. */
export type N = Record<string, unknown>;

export const obj = (x: unknown): N | undefined => (x && typeof x === 'object' && !Array.isArray(x) ? (x as N) : undefined);
export const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);

export interface Walk {
  out: SqlAnalysis;
  depth: number;
  /** Prefix for findings inside a function body: "creates a function that …". */
  inside?: string;
  /** Analyses nested SQL (a function body, EXECUTE 'text') at a given depth; handed in by sql.ts. */
  analyse(sql: string, depth: number, quietFailure?: boolean): SqlAnalysis;
}

export function add(w: Walk, f: SqlFinding): void {
  const what = w.inside ? `${w.inside} ${f.what}` : f.what;
  if (!w.out.findings.some((x) => x.id === f.id && x.target === f.target && x.what === what)) w.out.findings.push({ ...f, what });
}
