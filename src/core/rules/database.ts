/** Database pack: SQL given to clients by flag, file, heredoc or pipe; dropdb; Mongo; Redis; ORM resets. */
import type { Risk, RuleHit } from '../types';
import { analyseSql, type SqlAnalysis, type SqlDialect } from '../lang/sql';
import { splitClientInput, type SqlClient } from '../lang/sqlclient';
import { DYN, type SimpleCommand } from '../shell/model';
import { display, hit, maskUrl, optValue, positionals, type Rule, type RuleContext } from './util';
import { singleQuote } from '../shell/argv';

/**
 * SQL is read with real parsers (../lang/sql.ts): PostgreSQL's own parser for psql and
 * friends, node-sql-parser's grammars for MySQL, MariaDB and SQLite. Client
 * meta-commands (../lang/sqlclient.ts) are judged as what they do: shell commands go
 * back through the shell engine, included files are read, written files are redirects.
 */
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
      add('db.sql.drop', critical ? 'critical' : kind === 'INDEX' || kind === 'VIEW' || kind === 'FUNCTION' ? 'high' : 'high', `${where} runs DROP ${kind}${m[2] ? ' ' + m[2] : ''}, which deletes it and its data`, m[2]);
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

function connTargets(c: SimpleCommand, env?: Record<string, string | undefined>): string[] {
  const t: string[] = [];
  const host = optValue(c.args, ['-h', '--host', '-H', '--server', '-S', '--hostname']);
  if (host && !host.includes(DYN)) t.push(host);
  const db = optValue(c.args, ['-d', '--dbname', '--database', '-D']);
  for (const a of c.args) {
    if (/^(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|clickhouse|sqlserver|jdbc:[a-z]+):\/\//i.test(a.value)) t.push(maskUrl(a.value));
    else if (a.value.includes(DYN) && /\$\{?(\w+)/.test(a.raw)) {
      const name = /\$\{?(\w+)/.exec(a.raw)![1];
      const v = env?.[name];
      if (v && /:\/\//.test(v)) t.push(maskUrl(v));
      else if (/URL|URI|DSN|HOST/i.test(name)) t.push('$' + name);
    }
  }
  if (db && !db.includes(DYN)) t.push(db);
  return t;
}

interface SqlSource {
  text?: string;
  how: string;
  /** Why the SQL cannot be known: built at run time, an unreadable file, unknown standard input. */
  unknown?: string;
}

function sqlSources(c: SimpleCommand, ctx: RuleContext, flags: string[], fileFlags: string[]): SqlSource[] {
  const out: SqlSource[] = [];
  const a = c.args;
  const readSql = (file: string, how: string) => {
    if (file === '-') return;
    const text = file.includes(DYN) ? undefined : ctx.readFile?.(file);
    if (text !== undefined) out.push({ text, how: `the SQL file ${file}` });
    else out.push({ how, unknown: file.includes(DYN) ? `reads SQL from a file only known at run time (${display(file)})` : `reads SQL from ${file}, which TwoKey cannot read` });
  };
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    for (const f of flags) {
      if (v === f && a[i + 1]) out.push({ text: a[i + 1].value, how: `${c.name} ${f}` });
      else if (f.startsWith('--') && v.startsWith(f + '=')) out.push({ text: v.slice(f.length + 1), how: `${c.name} ${f}` });
      else if (!f.startsWith('--') && f.length === 2 && v.startsWith(f) && v.length > 2 && !v.startsWith('--')) out.push({ text: v.slice(2), how: `${c.name} ${f}` });
    }
    for (const f of fileFlags) {
      let file: string | undefined;
      if (v === f && a[i + 1]) file = a[i + 1].value;
      else if (f.startsWith('--') && v.startsWith(f + '=')) file = v.slice(f.length + 1);
      else if (!f.startsWith('--') && f.length === 2 && v.startsWith(f) && v.length > 2) file = v.slice(2);
      if (file) readSql(file, `${c.name} ${f}`);
    }
  }
  const given = out.length > 0;
  if (c.stdin?.kind === 'literal' && c.stdin.text) out.push({ text: c.stdin.text, how: `SQL sent to ${c.name} on standard input` });
  else if (c.stdin?.kind === 'file' && c.stdin.source) readSql(c.stdin.source, `${c.name} < ${c.stdin.source}`);
  else if (c.stdin && !given && (c.stdin.kind === 'unknown' || c.stdin.kind === 'remote' || c.stdin.kind === 'decoded')) {
    out.push({ how: `${c.name} standard input`, unknown: `reads SQL from ${c.stdin.kind === 'remote' ? 'the network' : c.stdin.kind === 'decoded' ? 'decoded data' : 'another command'}${c.stdin.source ? ` (${display(c.stdin.source)})` : ''}, which TwoKey cannot see` });
  }
  return out;
}

function sqlClient(client: SqlClient, dialect: SqlDialect, flags: string[], fileFlags: string[], positionalSql?: (c: SimpleCommand) => string | undefined): Rule {
  return (c, ctx) => {
    const targets = connTargets(c, ctx.env);
    const hits: RuleHit[] = [];
    const sources = sqlSources(c, ctx, flags, fileFlags);
    const pos = positionalSql?.(c);
    if (pos) sources.push({ text: pos, how: c.name });
    for (const s of sources) {
      if (s.text !== undefined) hits.push(...classifyClientInput(s.text, s.how, targets, client, dialect, ctx));
      else if (s.unknown) {
        const h = hit('db.sql.unreadable', 'database', 'high', `${s.how} ${s.unknown}`, targets);
        h.prodOnly = true;
        hits.push(h);
      }
    }
    return hits;
  };
}

const psql = sqlClient('psql', 'postgres', ['-c', '--command'], ['-f', '--file']);
const mysql = sqlClient('mysql', 'mysql', ['-e', '--execute', '--init-command'], []);
const mariadb = sqlClient('mysql', 'mariadb', ['-e', '--execute', '--init-command'], []);
const sqlite = sqlClient('sqlite3', 'sqlite', ['-cmd'], ['-init'], (c) => {
  const pos = positionals(c.args, new Set(['-cmd', '-separator', '-nullvalue', '-init']));
  // Each argument after the database is one command (SQL or a dot-command).
  return pos.length >= 2 ? pos.slice(1).map((p) => p.value).join('\n;\n') : undefined;
});
const sqlcmd = sqlClient('other', 'other', ['-Q', '-q', '--query'], ['-i', '--input-file']);
const clickhouse = sqlClient('other', 'other', ['-q', '--query', '-n'], ['--queries-file']);
const cockroach = sqlClient('other', 'postgres', ['-e', '--execute'], ['-f', '--file']);
const duckdb = sqlClient('sqlite3', 'other', ['-c', '-s', '-cmd'], [], (c) => {
  const pos = positionals(c.args, new Set(['-c', '-s', '-cmd']));
  return pos.length >= 2 ? pos.slice(1).map((p) => p.value).join(' ') : undefined;
});
const bq = sqlClient('other', 'other', [], [], (c) => (c.args[0]?.value === 'query' ? positionals(c.args.slice(1)).map((p) => p.value).join(' ') : c.args[0]?.value === 'rm' ? 'DROP TABLE ' + (positionals(c.args.slice(1))[0]?.value ?? 'x') : undefined));
const snowsql = sqlClient('other', 'other', ['-q', '--query'], ['-f', '--filename']);
const supabaseSql = sqlClient('psql', 'postgres', [], [], () => undefined);

const dropdb: Rule = (c, ctx) => {
  const pos = positionals(c.args, new Set(['-h', '--host', '-p', '--port', '-U', '--username', '--maintenance-db']));
  const db = pos[0]?.value;
  return hit('db.dropdb', 'database', 'critical', `dropdb deletes the database ${db ?? ''}`.trim(), [...connTargets(c, ctx.env), ...(db ? [db] : [])]);
};

const mysqladmin: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  const i = vs.findIndex((v) => v === 'drop' || v === 'DROP');
  if (i < 0) return;
  return hit('db.dropdb', 'database', 'critical', `mysqladmin drop deletes the database ${vs[i + 1] ?? ''}`.trim(), [...connTargets(c, ctx.env), ...(vs[i + 1] ? [vs[i + 1]] : [])]);
};

const mongosh: Rule = (c, ctx) => {
  const targets = connTargets(c, ctx.env);
  const code: string[] = [];
  const ev = optValue(c.args, ['--eval']);
  if (ev) code.push(ev);
  for (const a of c.args) if (/^mongodb(\+srv)?:\/\//.test(a.value) === false && /\.(?:drop|deleteMany|dropDatabase)\b/.test(a.value)) code.push(a.value);
  if (c.stdin?.kind === 'literal' && c.stdin.text) code.push(c.stdin.text);
  const file = positionals(c.args, new Set(['--eval', '-u', '--username', '-p', '--password', '--host', '--port', '--authenticationDatabase'])).find((p) => /\.js$/.test(p.value));
  if (file && ctx.readFile) {
    const t = ctx.readFile(file.value);
    if (t) code.push(t);
  }
  return classifyMongo(code.join('\n'), c.name, targets);
};

const REDIS_WITH_VALUE = new Set(['-h', '-p', '-a', '-n', '-u', '-s', '--user', '--pass', '--askpass', '-r', '-i', '-d', '--cacert', '--cert', '--key', '--sni', '--tls-ciphers', '--pattern', '--count', '--eval']);

const redisCli: Rule = (c, ctx) => {
  const targets = connTargets(c, ctx.env);
  const h = optValue(c.args, ['-h']);
  const u = optValue(c.args, ['-u']);
  if (u && !u.includes(DYN)) targets.push(maskUrl(u));
  else if (h && !targets.includes(h)) targets.push(h);
  const pos = positionals(c.args, REDIS_WITH_VALUE).map((p) => p.value);
  const cmds: string[] = [];
  if (pos.length) cmds.push(pos.join(' '));
  if (c.stdin?.kind === 'literal' && c.stdin.text) cmds.push(...c.stdin.text.split('\n'));
  const hits: RuleHit[] = [];
  for (const line of cmds) {
    const w = line.trim().split(/\s+/);
    const verb = (w[0] ?? '').toUpperCase();
    if (verb === 'FLUSHALL' || verb === 'FLUSHDB') {
      hits.push(hit('db.redis.flush', 'database', 'high', `redis-cli ${verb} deletes every key${verb === 'FLUSHALL' ? ' in every database' : ''}`, targets));
    } else if ((verb === 'DEL' || verb === 'UNLINK') && (c.dynamicArgs || line.includes(DYN) || line.includes('*'))) {
      hits.push(hit('db.redis.delete', 'database', 'high', `redis-cli ${verb} deletes keys chosen at run time`, targets));
    } else if (verb === 'CONFIG' && /^set$/i.test(w[1] ?? '') && /^(?:dir|dbfilename)$/i.test(w[2] ?? '')) {
      hits.push(hit('db.redis.config', 'database', 'high', 'redis-cli CONFIG SET changes where data is stored', targets));
    } else if (verb === 'SHUTDOWN' || verb === 'DEBUG') {
      hits.push(hit('db.redis.shutdown', 'database', 'high', `redis-cli ${verb} stops the server`, targets));
    }
  }
  return hits;
};

// ---------------------------------------------------------------- ORM and framework resets

function ormHit(tool: string, what: string, c: SimpleCommand, ctx: RuleContext, risk: Risk = 'high'): RuleHit {
  const t: string[] = [];
  const url = c.assignments.DATABASE_URL ?? ctx.env?.DATABASE_URL;
  if (url) t.push(maskUrl(url));
  return hit('db.orm.reset', 'database', risk, `${tool} ${what}, which deletes the data in the database`, t);
}

const prisma: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'migrate' && vs[1] === 'reset') return ormHit('prisma migrate reset', 'drops and recreates the database', c, ctx);
  if (vs[0] === 'db' && vs[1] === 'push' && vs.some((v) => v === '--force-reset' || v === '--accept-data-loss')) return ormHit(`prisma db push ${vs.find((v) => v.startsWith('--force') || v.startsWith('--accept'))}`, 'may drop tables and columns', c, ctx);
  if (vs[0] === 'db' && vs[1] === 'execute') {
    const sql = optValue(c.args, ['--stdin']) ?? (c.stdin?.kind === 'literal' ? c.stdin.text : undefined);
    const file = optValue(c.args, ['--file']);
    const text = sql ?? (file ? ctx.readFile?.(file) : undefined);
    if (text) return classifySql(text, 'prisma db execute', []);
  }
  if (vs[0] === 'migrate' && vs[1] === 'dev' && vs.includes('--force')) return ormHit('prisma migrate dev --force', 'may reset the database', c, ctx);
  return;
};

const drizzle: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if ((vs[0] === 'push' || vs[0].startsWith('push:')) && vs.some((v) => v === '--force' || v === '--strict=false')) return ormHit('drizzle-kit push --force', 'applies schema changes without asking, including drops', c, ctx);
  if (vs[0] === 'drop') return ormHit('drizzle-kit drop', 'deletes a migration', c, ctx, 'low');
  return;
};

const RAILS_DESTRUCTIVE = /^db:(?:drop|reset|purge|schema:load|structure:load|setup|truncate_all|migrate:reset|seed:replant)(?::all|\[.*\])?$/;

const railsRake: Rule = (c, ctx) => {
  const task = c.args.find((a) => RAILS_DESTRUCTIVE.test(a.value));
  if (!task) return;
  const env = c.assignments.RAILS_ENV ?? c.args.find((a) => a.value.startsWith('RAILS_ENV='))?.value.slice(10);
  return ormHit(`${c.name} ${task.value}${env ? ` (RAILS_ENV=${env})` : ''}`, task.value === 'db:setup' ? 'loads the schema over the database' : 'drops or wipes the database', c, ctx, /prod/.test(env ?? '') ? 'critical' : 'high');
};

const DJANGO = /^(?:flush|sqlflush|reset_db|reset|migrate)$/;

/** python manage.py flush, django-admin flush, migrate <app> zero. */
const django: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  const k = c.name === 'django-admin' ? 0 : vs.findIndex((v) => /(?:^|\/)manage\.py$/.test(v)) + 1;
  if (c.name !== 'django-admin' && k === 0) return;
  const sub = vs[k];
  if (!sub || !DJANGO.test(sub)) return;
  if (sub === 'migrate') {
    if (vs.slice(k + 1).includes('zero')) return ormHit(`manage.py migrate ${vs.slice(k + 1).join(' ')}`, 'unapplies every migration of the app', c, ctx);
    return;
  }
  return ormHit(`manage.py ${sub}`, 'removes all data', c, ctx);
};

const supabase: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  const hits: RuleHit[] = [];
  if (vs[0] === 'db' && vs[1] === 'reset') hits.push(ormHit('supabase db reset', vs.includes('--linked') || vs.includes('--db-url') ? 'resets the linked remote database' : 'resets the local database', c, ctx, vs.includes('--linked') || vs.includes('--db-url') ? 'critical' : 'high'));
  if (vs[0] === 'db' && vs[1] === 'push' && vs.includes('--include-all')) hits.push(hit('db.orm.push', 'database', 'low', 'supabase db push applies all migrations to the remote database'));
  if ((vs[0] === 'projects' || vs[0] === 'branches' || vs[0] === 'functions' || vs[0] === 'orgs') && vs[1] === 'delete') hits.push(hit('paas.supabase.delete', 'paas', 'critical', `supabase ${vs[0]} delete deletes ${vs[2] ?? 'a ' + vs[0].replace(/s$/, '')}`, vs[2] ? [vs[2]] : undefined));
  if (vs[0] === 'secrets' && vs[1] === 'unset') hits.push(hit('paas.supabase.delete', 'paas', 'high', `supabase secrets unset removes secrets ${vs.slice(2).join(' ')}`));
  if (vs[0] === 'storage' && vs[1] === 'rm') hits.push(hit('paas.supabase.delete', 'paas', vs.includes('-r') || vs.includes('--recursive') ? 'high' : 'low', `supabase storage rm deletes ${vs.slice(2).filter((v) => !v.startsWith('-')).join(' ')}`));
  void supabaseSql;
  return hits;
};

const sequelize: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'db:drop') return ormHit('sequelize db:drop', 'drops the database', c, ctx, 'critical');
  if (vs[0] === 'db:migrate:undo:all' || vs[0] === 'db:seed:undo:all') return ormHit(`sequelize ${vs[0]}`, 'reverts every migration', c, ctx);
  return;
};

const typeorm: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'schema:drop') return ormHit('typeorm schema:drop', 'drops every table', c, ctx, 'critical');
  if (vs[0] === 'schema:sync' || vs[0] === 'schema:log') return vs[0] === 'schema:sync' ? ormHit('typeorm schema:sync', 'may drop columns and tables', c, ctx) : undefined;
  return;
};

const knex: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'migrate:rollback' && (vs.includes('--all') || vs.includes('-a'))) return ormHit('knex migrate:rollback --all', 'reverts every migration', c, ctx);
  return;
};

const artisan: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  const i = vs.indexOf('artisan');
  const sub = c.name === 'artisan' ? vs[0] : i >= 0 ? vs[i + 1] : undefined;
  if (sub && /^(?:migrate:fresh|migrate:reset|migrate:refresh|db:wipe)$/.test(sub)) return ormHit(`artisan ${sub}`, 'drops all tables', c, ctx);
  return;
};

const mix: Rule = (c, ctx) => {
  const sub = c.args[0]?.value;
  if (sub && /^ecto\.(?:drop|reset)$/.test(sub)) return ormHit(`mix ${sub}`, 'drops the database', c, ctx);
  return;
};

const alembic: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs.includes('downgrade') && vs.includes('base')) return ormHit('alembic downgrade base', 'reverts every migration', c, ctx);
  return;
};

const flyway: Rule = (c, ctx) => {
  if (c.args.some((a) => a.value === 'clean')) return ormHit(`${c.name} clean`, 'drops every object in the schema', c, ctx, 'critical');
  return;
};

const liquibase: Rule = (c, ctx) => {
  if (c.args.some((a) => a.value === 'drop-all' || a.value === 'dropAll')) return ormHit('liquibase drop-all', 'drops every object', c, ctx, 'critical');
  return;
};

export const databaseRules: Record<string, Rule[]> = {
  psql: [psql],
  pgcli: [psql],
  mysql: [mysql],
  mariadb: [mariadb],
  mycli: [mysql],
  sqlite3: [sqlite],
  sqlite: [sqlite],
  sqlcmd: [sqlcmd],
  'clickhouse-client': [clickhouse],
  clickhouse: [(c, ctx) => clickhouse({ ...c, args: c.args[0]?.value === 'client' ? c.args.slice(1) : c.args }, ctx)],
  cockroach: [cockroach],
  duckdb: [duckdb],
  bq: [bq],
  snowsql: [snowsql],
  dropdb: [dropdb],
  mysqladmin: [mysqladmin],
  mongosh: [mongosh],
  mongo: [mongosh],
  'redis-cli': [redisCli],
  'valkey-cli': [redisCli],
  'keydb-cli': [redisCli],
  prisma: [prisma],
  'drizzle-kit': [drizzle],
  rails: [railsRake],
  rake: [railsRake],
  'bin/rails': [railsRake],
  python: [django],
  python3: [django],
  'django-admin': [django],
  supabase: [supabase],
  sequelize: [sequelize],
  'sequelize-cli': [sequelize],
  typeorm: [typeorm],
  knex: [knex],
  php: [artisan],
  artisan: [artisan],
  mix: [mix],
  alembic: [alembic],
  flyway: [flyway],
  liquibase: [liquibase],
};
