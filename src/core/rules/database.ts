/** Database pack: SQL given to clients by flag, file, heredoc or pipe; dropdb; Mongo; Redis; ORM resets (orm.ts). */
import type { RuleHit } from '../types';
import type { SqlDialect } from '../lang/sql';
import type { SqlClient } from '../lang/sqlclient';
import { DYN, type SimpleCommand } from '../shell/model';
import { classifyClientInput, classifyMongo } from './sqlText';
import { alembic, artisan, django, drizzle, flyway, knex, liquibase, mix, prisma, railsRake, sequelize, supabase, typeorm } from './orm';
import { display, hit, maskUrl, optValue, positionals, type Rule, type RuleContext } from './util';

export { classifyClientInput, classifyMongo, classifySql } from './sqlText';

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
