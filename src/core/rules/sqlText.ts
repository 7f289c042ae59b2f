/**
 * SQL and Mongo text judged as what it does. SQL is read with real parsers (../lang/sql.ts):
 * PostgreSQL's own parser for psql and friends, node-sql-parser's grammars for MySQL,
 * MariaDB and SQLite. Client meta-commands (../lang/sqlclient.ts) are judged as what they
 * do: shell commands go back through the shell engine, included files are read, written
 * files are redirects.
 */
import { singleQuote } from '../argv';
import type { Risk, RuleHit } from '../types';
import { analyseSql, type SqlAnalysis, type SqlDialect } from '../lang/sql';
import { splitClientInput, type SqlClient } from '../lang/sqlclient';
import { DYN } from '../shell/model';
import { hit, type RuleContext } from './util';

/** Removes comments and string literals so keywords inside them do not count. */
function stripSql(sql: string): string {
  return sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\$\$[\s\S]*?\$\$/g, "''");
}

/** Keyword patterns: a second opinion on text no parser accepts (never the only reading of parsed SQL). */
function classifySqlByPattern(sql: string, where: string, targets: string[]): RuleHit[] {
  const hits: RuleHit[] = [];
  const clean = stripSql(sql.split(DYN).join(' x '));
  const seen = new Set<string>();
  const add = (id: string, risk: Risk, reason: string, t?: string) => {
    if (seen.has(id + t)) return;
    seen.add(id + t);
    hits.push(hit(id, 'database', risk, reason, t ? [...targets, t] : targets));
  };
  for (const stmt0 of clean.split(';')) {
    const stmt = stmt0.trim().replace(/\s+/g, ' ');
    if (!stmt) continue;
    let m: RegExpExecArray | null;
    if ((m = /\bDROP\s+(DATABASE|SCHEMA|TABLE|VIEW|MATERIALIZED VIEW|INDEX|COLLECTION|USER|ROLE|FUNCTION|PROCEDURE|TRIGGER|SEQUENCE|TYPE|EXTENSION|OWNED|KEYSPACE|TABLESPACE)\b(?:\s+IF\s+EXISTS)?\s*([\w."`[\]-]+)?/i.exec(stmt))) {
      const kind = m[1].toUpperCase();
      const critical = kind === 'DATABASE' || kind === 'SCHEMA' || kind === 'KEYSPACE' || kind === 'OWNED';
      add('db.sql.drop', critical ? 'critical' : 'high', `${where} runs DROP ${kind}${m[2] ? ' ' + m[2] : ''}, which deletes it and its data`, m[2]);
      continue;
    }
    if ((m = /^(?:WITH\b.*\b)?TRUNCATE\b(?:\s+TABLE)?\s*([\w."`[\]-]+)?/i.exec(stmt))) {
      add('db.sql.truncate', 'high', `${where} runs TRUNCATE${m[1] ? ' ' + m[1] : ''}, which deletes every row`, m[1]);
      continue;
    }
    if ((m = /\bDELETE\s+FROM\s+([\w."`[\]-]+)(.*)$/i.exec(stmt)) || (m = /^DELETE\s+([\w."`[\]-]+)\s*$/i.exec(stmt))) {
      const rest = m[2] ?? '';
      const whereClause = /\bWHERE\b\s*(.*)$/i.exec(rest);
      if (!whereClause || /^(?:1\s*=\s*1|true|1)\b\s*$/i.test(whereClause[1].trim())) {
        add('db.sql.delete-all', 'high', `${where} runs DELETE FROM ${m[1]} without a WHERE clause, which deletes every row`, m[1]);
      } else {
        add('db.sql.delete', 'low', `${where} deletes rows from ${m[1]}`, m[1]);
      }
      continue;
    }
    if ((m = /^(?:WITH\b.*?\)\s*)?UPDATE\s+(?:ONLY\s+)?([\w."`[\]-]+)\s+(?:\w+\s+)?SET\b(.*)$/i.exec(stmt))) {
      const whereClause = /\bWHERE\b\s*(.*)$/i.exec(m[2]);
      if (!whereClause || /^(?:1\s*=\s*1|true|1)\b\s*$/i.test(whereClause[1].trim())) {
        add('db.sql.update-all', 'high', `${where} runs UPDATE ${m[1]} without a WHERE clause, which changes every row`, m[1]);
      }
      continue;
    }
    if ((m = /^ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?([\w."`[\]-]+).*\bDROP\b\s+(?!NOT\s+NULL|DEFAULT)(COLUMN|CONSTRAINT|PARTITION|INDEX|PRIMARY KEY|FOREIGN KEY)?/i.exec(stmt))) {
      add('db.sql.alter-drop', 'high', `${where} runs ALTER TABLE ${m[1]} … DROP ${m[2] ?? 'COLUMN'}, which deletes data`, m[1]);
      continue;
    }
    if (/^(?:FLUSHALL|FLUSHDB)\b/i.test(stmt)) {
      add('db.redis.flush', 'high', `${where} runs ${stmt.split(' ')[0].toUpperCase()}, which deletes every key`);
    }
  }
  return hits;
}

function findingHits(a: SqlAnalysis, where: string, targets: string[], ctx?: RuleContext): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const f of a.findings) {
    const h = hit(f.id, 'database', f.risk, `${where} ${f.what}`, f.target ? [...targets, f.target] : targets);
    if (f.prodOnly) h.prodOnly = true;
    hits.push(h);
  }
  for (const s of a.shell) hits.push(...shellHits(s.command, `${where}: ${s.what}`, targets, ctx));
  return hits;
}

/** A command the database client or server will run in a shell, judged by the shell engine. */
function shellHits(command: string, label: string, targets: string[], ctx?: RuleContext): RuleHit[] {
  if (ctx?.shell && command.trim()) {
    const inner = ctx.shell(command, label);
    if (inner.length) return inner;
    return [hit('db.client.shell', 'database', 'low', `${label} runs \`${command.slice(0, 120)}\` in a shell`, targets)];
  }
  return [hit('db.client.shell', 'database', 'high', `${label} runs \`${command.slice(0, 120)}\` in a shell`, targets)];
}

/**
 * Classifies SQL text from its syntax tree. `where` names the source (`psql -c`, `the SQL
 * file x.sql`); `dialect` picks the parser tried first. `sure` says the text is known to be
 * SQL (given to a database client): only then is text no parser reads a finding of its own.
 */
export function classifySql(sql: string, where: string, targets: string[], dialect: SqlDialect = 'postgres', ctx?: RuleContext, sure = false): RuleHit[] {
  const hasDyn = sql.includes(DYN);
  const onlyDyn = hasDyn && sql.split(DYN).join('').trim() === '';
  const hits: RuleHit[] = [];
  if (hasDyn && sure) {
    const h = hit('db.sql.dynamic', 'database', 'high', `${where} sends SQL that is only known at run time${onlyDyn ? '' : ' in part'}, so TwoKey cannot see what it does`, targets);
    h.prodOnly = true;
    hits.push(h);
    if (onlyDyn) return hits;
  }
  const text = hasDyn ? sql.split(DYN).join('twokey_dynamic') : sql;
  const a = analyseSql(text, dialect);
  const parsed = findingHits(a, where, targets, ctx);
  for (const h of parsed) if (h.id !== 'db.sql.unparseable' || (sure && !hasDyn)) hits.push(h);
  if (a.findings.some((f) => f.id === 'db.sql.unparseable')) {
    // No parser accepted some of it: keyword patterns still name an obvious DROP or TRUNCATE.
    for (const h of classifySqlByPattern(text, where, targets)) if (!hits.some((x) => x.id === h.id)) hits.push(h);
  }
  return hits;
}

/** Input for a database client: meta-commands first, then the SQL between them. */
export function classifyClientInput(text: string, where: string, targets: string[], client: SqlClient, dialect: SqlDialect, ctx: RuleContext, depth = 0): RuleHit[] {
  const input = splitClientInput(text, client);
  const hits = classifySql(input.sql, where, targets, dialect, ctx, true);
  for (const m of input.metas) {
    const label = `${where}: ${m.text.slice(0, 80)}`;
    switch (m.kind) {
      case 'shell':
        hits.push(...shellHits(m.command, label, targets, ctx));
        break;
      case 'include': {
        const body = m.file && !m.file.includes(DYN) && depth < 4 ? ctx.readFile?.(m.file) : undefined;
        if (body !== undefined) hits.push(...classifyClientInput(body, `the SQL file ${m.file} (included by ${where})`, targets, client, dialect, ctx, depth + 1));
        else {
          const h = hit('db.sql.unreadable', 'database', 'high', `${label} reads SQL from ${m.file || 'a file'}, which TwoKey cannot read`, targets);
          h.prodOnly = true;
          hits.push(h);
        }
        break;
      }
      case 'write':
        // Judged as the redirect it amounts to, so guard and credential files are protected.
        if (ctx.shell) hits.push(...ctx.shell(`: > ${singleQuote(m.file)}`, `${label} (writes the file ${m.file})`));
        else hits.push(hit('db.client.write', 'database', 'high', `${label} writes the file ${m.file}`, targets));
        break;
      case 'dynamic':
        hits.push(hit('db.sql.dynamic', 'database', 'high', `${label} ${m.why}, so TwoKey cannot see what it does`, targets));
        break;
      case 'restore':
        hits.push(hit('db.sqlite.restore', 'database', 'high', `${label} replaces the database with a backup`, targets));
        break;
    }
  }
  return hits;
}

/** Mongo shell code: dropDatabase, drop(), deleteMany({}), remove({}). */
export function classifyMongo(js: string, where: string, targets: string[]): RuleHit[] {
  const hits: RuleHit[] = [];
  if (/\bdropDatabase\s*\(/.test(js)) hits.push(hit('db.mongo.drop', 'database', 'critical', `${where} drops the whole database`, targets));
  const drop = /\b(?:db\.)?(?:getCollection\(\s*['"]([^'"]+)['"]\s*\)|([\w$]+))\.drop\s*\(\s*\)/.exec(js);
  if (drop) hits.push(hit('db.mongo.drop', 'database', 'high', `${where} drops the collection ${drop[1] ?? drop[2]}`, [...targets, drop[1] ?? drop[2]]));
  if (/\bdropAllUsers\s*\(|\bdropAllRoles\s*\(/.test(js)) hits.push(hit('db.mongo.drop', 'database', 'high', `${where} drops all users or roles`, targets));
  const del = /\.(deleteMany|remove|drop_collection)\s*\(\s*(\{\s*\})?\s*\)/.exec(js);
  if (del && (del[2] !== undefined || del[1] === 'deleteMany')) {
    hits.push(hit('db.mongo.delete-all', 'database', 'high', `${where} runs ${del[1]}() with an empty filter, which deletes every document`, targets));
  }
  const upd = /\.updateMany\s*\(\s*\{\s*\}/.exec(js);
  if (upd) hits.push(hit('db.mongo.update-all', 'database', 'high', `${where} runs updateMany({}) on every document`, targets));
  return hits;
}
