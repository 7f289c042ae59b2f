/** State changes to data: SQL, Mongo and Redis writes, migrations and schema pushes, package scripts that run them. */
import * as path from 'node:path';
import type { TargetRef } from '../../types';
import { DYN, type SimpleCommand } from '../../shell/model';
import { optValue, positionals, type Rule, type RuleContext } from '../util';
import { change, ENV_LABELS, known, labelRefs, migrationRefs, optRef, variableOf, words } from './kit';

// ---------------------------------------------------------------- SQL, Mongo, Redis

const READ_SQL = /^(?:SELECT|WITH\b(?![\s\S]*\b(?:INSERT|UPDATE|DELETE|MERGE)\b)|SHOW|EXPLAIN(?!\s+ANALY[SZ]E)|DESCRIBE|DESC|\\[a-z?]|BEGIN|COMMIT|ROLLBACK|SET\s+(?:search_path|statement_timeout|role|session)|VALUES|TABLE\s|USE\s|PRAGMA\s+(?:table_info|index_list))/i;

/** True when the SQL changes anything (a write, DDL, a grant, a copy in). */
export function sqlWrites(sql: string): boolean {
  const clean = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, "''")
    .split(DYN)
    .join(' x ');
  for (const stmt0 of clean.split(/;|\n(?=\s*\\)/)) {
    const stmt = stmt0.trim();
    if (!stmt) continue;
    if (/^(?:INSERT|UPDATE|DELETE|MERGE|UPSERT|REPLACE|ALTER|CREATE|DROP|TRUNCATE|GRANT|REVOKE|COPY\s+\S+\s+FROM|\\copy\s+\S+\s+from|VACUUM|REINDEX|CLUSTER|COMMENT|RENAME|LOAD|CALL|DO\b|REFRESH|SECURITY|LOCK|IMPORT)/i.test(stmt)) return true;
    // Reads that still write: a data-modifying CTE, EXPLAIN ANALYZE of a write, SELECT … INTO a table, admin functions.
    if (/^(?:WITH|EXPLAIN\s+(?:\([^)]*\)\s*)?ANALY[SZ]E)\b[\s\S]*\b(?:INSERT|UPDATE|DELETE|MERGE)\b/i.test(stmt)) return true;
    if (/^SELECT\b[\s\S]*\bINTO\s+(?!@|STRICT\b)(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+|TABLE\s+)?\w[\w.]*\s+FROM\b/i.test(stmt)) return true;
    if (/^SELECT\b[\s\S]*\b(?:pg_terminate_backend|pg_cancel_backend|setval|pg_reload_conf|pg_drop_replication_slot|lo_unlink|set_config)\s*\(/i.test(stmt)) return true;
    if (READ_SQL.test(stmt)) continue;
  }
  return false;
}

/** SQL the client is given: by flag, file or standard input. */
function sqlTexts(c: SimpleCommand, ctx: RuleContext, flags: string[], fileFlags: string[]): string[] {
  const out: string[] = [];
  const a = c.args;
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    for (const f of flags) {
      if (v === f && a[i + 1]) out.push(a[i + 1].value);
      else if (f.startsWith('--') && v.startsWith(f + '=')) out.push(v.slice(f.length + 1));
      else if (!f.startsWith('--') && v.startsWith(f) && v.length > f.length && !v.startsWith('--')) out.push(v.slice(f.length));
    }
    for (const f of fileFlags) {
      const file = v === f ? a[i + 1]?.value : f.startsWith('--') && v.startsWith(f + '=') ? v.slice(f.length + 1) : undefined;
      if (file && !file.includes(DYN)) {
        const text = ctx.readFile?.(path.resolve(c.cwd && !c.cwd.includes(DYN) ? c.cwd : (ctx.cwd ?? '.'), file));
        // A migration file nobody can read still changes the database.
        out.push(text ?? 'ALTER unknown');
      }
    }
  }
  if (c.stdin?.kind === 'literal' && c.stdin.text) out.push(c.stdin.text);
  else if (c.stdin?.kind === 'file') out.push(c.stdin.source ? (ctx.readFile?.(path.resolve(ctx.cwd ?? '.', c.stdin.source)) ?? 'ALTER unknown') : 'ALTER unknown');
  for (const r of c.redirects) {
    if (r.op === '<' && !r.target.value.includes(DYN)) out.push(ctx.readFile?.(path.resolve(ctx.cwd ?? '.', r.target.value)) ?? 'ALTER unknown');
  }
  return out;
}

/** Where a SQL client connects: a URL argument, `-h`, `-d URL`, a `$VARIABLE`, else the PGHOST, MYSQL_HOST or DATABASE_URL. */
function dbRefs(c: SimpleCommand, tool: string, hostFlags: string[], dbFlags: string[], envHosts: string[]): TargetRef[] {
  const refs: TargetRef[] = [];
  for (const w of c.args) {
    const name = variableOf(w);
    if (name && /URL|URI|DSN|HOST|CONN|DATABASE/i.test(name)) refs.push({ tool, kind: 'db-var', value: name, via: `$${name}` });
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(w.value) && !w.value.includes(DYN)) refs.push({ tool, kind: 'db-url', value: w.value, via: 'the URL given' });
  }
  for (const f of [...hostFlags, ...dbFlags]) {
    const v = known(optValue(c.args, [f]));
    if (!v) continue;
    if (/:\/\//.test(v)) {
      if (!refs.some((r) => r.value === v)) refs.push({ tool, kind: 'db-url', value: v, via: f });
    } else if (hostFlags.includes(f)) refs.push({ tool, kind: 'db-host', value: v, via: f });
  }
  if (!refs.length) {
    for (const e of envHosts) {
      const v = known(c.assignments[e]);
      if (v) refs.push({ tool, kind: /URL|URI/.test(e) ? 'db-url' : 'db-host', value: v, via: e });
      else refs.push({ tool, kind: 'db-var', value: e, via: e });
    }
  }
  return refs;
}

const psql: Rule = (c, ctx) => {
  const sql = sqlTexts(c, ctx, ['-c', '--command'], ['-f', '--file']);
  if (!sql.some(sqlWrites)) return;
  const refs = dbRefs(c, c.name, ['-h', '--host'], ['-d', '--dbname'], ['PGHOST', 'DATABASE_URL']);
  return change('change.db.write', 'database', `${c.name} runs SQL that writes to the database`, refs);
};

const mysql: Rule = (c, ctx) => {
  const sql = sqlTexts(c, ctx, ['-e', '--execute'], []);
  if (!sql.some(sqlWrites)) return;
  const refs = dbRefs(c, c.name, ['-h', '--host'], [], ['MYSQL_HOST', 'DATABASE_URL']);
  return change('change.db.write', 'database', `${c.name} runs SQL that writes to the database`, refs);
};

const MONGO_WRITE = /\.(?:insert(?:One|Many)?|update(?:One|Many)?|replaceOne|delete(?:One|Many)|remove|findOneAnd(?:Update|Replace|Delete)|findAndModify|bulkWrite|createIndex(?:es)?|dropIndex(?:es)?|drop|renameCollection|createCollection|save)\s*\(|\bdb\.(?:createUser|updateUser|grantRolesToUser|runCommand|adminCommand)\s*\(/;

const mongosh: Rule = (c) => {
  const js = [optValue(c.args, ['--eval']), c.stdin?.kind === 'literal' ? c.stdin.text : undefined].filter((x): x is string => !!x).join('\n');
  if (!MONGO_WRITE.test(js)) return;
  return change('change.db.write', 'database', `${c.name} runs code that writes to the database`, dbRefs(c, c.name, ['--host'], [], ['MONGODB_URI', 'MONGO_URL']));
};

const REDIS_WRITE = new Set(
  'set setex psetex setnx mset msetnx getset getdel getex append incr incrby incrbyfloat decr decrby del unlink expire pexpire expireat pexpireat persist rename renamenx move copy restore hset hsetnx hmset hdel hincrby hincrbyfloat lpush rpush lpushx rpushx lpop rpop lset lrem ltrim linsert rpoplpush lmove sadd srem spop smove sinterstore sunionstore sdiffstore zadd zrem zincrby zremrangebyscore zremrangebyrank zremrangebylex zpopmin zpopmax xadd xdel xtrim xgroup setrange setbit pfadd geoadd publish eval evalsha fcall config script function json.set json.del'.split(' '),
);

const redisCli: Rule = (c) => {
  const pos = positionals(c.args, new Set(['-h', '-p', '-a', '-u', '-n', '--user', '--pass', '-c', '--tls', '-r', '-i', '--cacert', '--cert', '--key', '--sni']));
  const cmd = pos[0]?.value.toLowerCase();
  const fromStdin = c.stdin?.kind === 'literal' && c.stdin.text ? c.stdin.text.split('\n').some((l) => REDIS_WRITE.has(l.trim().split(/\s+/)[0]?.toLowerCase() ?? '')) : false;
  if (!(cmd && REDIS_WRITE.has(cmd)) && !fromStdin) return;
  if (cmd === 'config' && !/^set|rewrite|resetstat$/i.test(pos[1]?.value ?? '')) return;
  const refs: TargetRef[] = [...optRef(c, c.name, 'db-url', ['-u']), ...optRef(c, c.name, 'db-host', ['-h'])];
  const uvar = c.args.findIndex((a) => a.value === '-u');
  if (uvar >= 0 && c.args[uvar + 1]) {
    const n = variableOf(c.args[uvar + 1]);
    if (n) refs.push({ tool: c.name, kind: 'db-var', value: n, via: `$${n}` });
  }
  if (!refs.length) refs.push({ tool: c.name, kind: 'db-var', value: 'REDIS_URL', via: 'REDIS_URL' });
  const what = cmd === 'del' || cmd === 'unlink' || cmd === 'expire' ? 'deletes cache keys' : 'writes to the cache';
  return change('change.cache.write', 'database', `${c.name} ${cmd ?? 'input'} ${what}`, refs);
};

// ---------------------------------------------------------------- migrations and schema pushes (ORMs)

/** The variable a Prisma schema reads its URL from (`url = env("DATABASE_URL")`). */
function prismaVariable(c: SimpleCommand, ctx: RuleContext): string {
  const schema = known(optValue(c.args, ['--schema']));
  const base = ctx.cwd ?? ctx.workspaceRoot ?? '.';
  for (const f of schema ? [schema] : ['prisma/schema.prisma', 'schema.prisma']) {
    const text = ctx.readFile?.(path.resolve(base, f));
    const m = text && /datasource\s+\w+\s*\{[^}]*?\burl\s*=\s*env\(\s*"(\w+)"\s*\)/s.exec(text);
    if (m) return m[1];
  }
  return 'DATABASE_URL';
}

/** The variable a drizzle config reads (`url: process.env.X`), else DATABASE_URL. */
function drizzleVariable(c: SimpleCommand, ctx: RuleContext): string {
  const cfg = known(optValue(c.args, ['--config']));
  const base = ctx.cwd ?? ctx.workspaceRoot ?? '.';
  for (const f of cfg ? [cfg] : ['drizzle.config.ts', 'drizzle.config.js', 'drizzle.config.mjs', 'drizzle.config.json']) {
    const text = ctx.readFile?.(path.resolve(base, f));
    const m = text && /(?:url|connectionString|uri)\s*:\s*process\.env\.(\w+)|(?:url|connectionString|uri)\s*:\s*process\.env\[\s*['"](\w+)['"]\s*\]/.exec(text);
    if (m) return m[1] ?? m[2];
  }
  return 'DATABASE_URL';
}


const prisma: Rule = (c, ctx) => {
  const w = positionals(c.args, new Set(['--schema', '--name', '-n', '--file', '--url'])).map((p) => p.value);
  const op = `${w[0] ?? ''} ${w[1] ?? ''}`.trim();
  if (!/^(?:migrate (?:deploy|dev|resolve)|db (?:push|execute|seed))$/.test(op)) return;
  return change('change.db.migrate', 'database', `prisma ${op} changes the database schema or data`, migrationRefs(c, 'prisma', prismaVariable(c, ctx)));
};

const drizzle: Rule = (c, ctx) => {
  const w = positionals(c.args, new Set(['--config'])).map((p) => p.value);
  if (!/^(?:push|migrate|drop|up)(?::\w+)?$/.test(w[0] ?? '')) return;
  return change('change.db.migrate', 'database', `${c.name} ${w[0]} changes the database schema`, migrationRefs(c, c.name, drizzleVariable(c, ctx)));
};

/** knex, sequelize, typeorm, mikro-orm, db-migrate, node-pg-migrate, dbmate, goose, migrate, alembic, flyway, liquibase, atlas, sqitch. */
const MIGRATE_VERB = /^(?:migrate(?::(?:latest|up|down|rollback|run|fresh|reset|refresh))?|db:(?:migrate|seed|seed:all|schema:load|push)(?::\w+)?|seed(?::run)?|migration:(?:run|revert)|schema:(?:sync|drop)|up|down|upgrade|downgrade|update|deploy|apply|rollback|redo|reset|push)$/;

const genericMigrator: Rule = (c) => {
  const w = positionals(c.args, new Set(['--env', '-e', '--config', '-c', '--url', '-database', '--database-url', '--dir', '-d', '--knexfile', '--migrations-path', '--settings'])).map((p) => p.value);
  const verb = c.name === 'migrate' || c.name === 'atlas' ? w.find((x) => /^(?:up|down|goto|force|drop|apply)$/.test(x)) : c.name === 'dbmate' || c.name === 'goose' ? w.find((x) => /^(?:up|down|migrate|rollback|drop|reset|redo|up-to|down-to)$/.test(x)) : w[0];
  if (!verb || !MIGRATE_VERB.test(verb) && !(c.name === 'migrate' && /^(?:goto|force|drop)$/.test(verb)) && !(c.name === 'atlas' && verb === 'apply')) return;
  if (c.name === 'alembic' && !/^(?:upgrade|downgrade|stamp)$/.test(verb)) return;
  if ((c.name === 'flyway' || c.name === 'liquibase') && !/^(?:migrate|update|rollback|repair|clean|baseline|undo)/.test(verb)) return;
  const variable = c.name === 'dbmate' ? 'DATABASE_URL' : c.name === 'goose' ? 'GOOSE_DBSTRING' : 'DATABASE_URL';
  return change('change.db.migrate', 'database', `${c.name} ${verb} changes the database schema`, migrationRefs(c, c.name, variable));
};

const rails: Rule = (c) => {
  const w = positionals(c.args, new Set(['-e', '--environment'])).map((p) => p.value);
  const task = w.find((x) => /^db:(?:migrate|rollback|schema:load|structure:load|seed|setup|prepare|migrate:\w+|reset|drop|create)/.test(x));
  if (!task) return;
  const refs = [...migrationRefs(c, c.name, 'DATABASE_URL'), ...optRef(c, c.name, 'label', ['-e', '--environment'])];
  return change('change.db.migrate', 'database', `${c.name} ${task} changes the database`, refs);
};

const django: Rule = (c) => {
  // python manage.py migrate | django-admin migrate
  const w = positionals(c.args, new Set(['--settings', '--database', '-m'])).map((p) => p.value);
  const i = c.name === 'django-admin' ? 0 : w.findIndex((x) => /(?:^|\/)manage\.py$/.test(x)) + 1;
  if (i <= 0 && c.name !== 'django-admin') return;
  const cmd = w[i];
  if (!/^(?:migrate|flush|loaddata|createsuperuser|changepassword|sqlflush|remove_stale_contenttypes|clearsessions)$/.test(cmd ?? '')) return;
  const refs = migrationRefs(c, 'manage.py', 'DATABASE_URL');
  const settings = known(optValue(c.args, ['--settings']));
  if (settings) refs.push({ tool: 'manage.py', kind: 'label', value: settings, via: `--settings=${settings}` });
  return change('change.db.migrate', 'database', `manage.py ${cmd} changes the database`, refs);
};

// ---------------------------------------------------------------- package scripts

/** `npm run db:push` whose script runs a migration, a deploy or a schema push. */
const SCRIPT_CHANGE = /\b(?:prisma\s+(?:migrate\s+(?:deploy|dev)|db\s+(?:push|execute|seed))|drizzle-kit\s+(?:push|migrate)|knex\s+(?:migrate|seed)|sequelize(?:-cli)?\s+db:(?:migrate|seed)|typeorm\s+(?:migration:run|schema:sync)|supabase\s+db\s+push|wrangler\s+(?:deploy|publish)|vercel\s+(?:--prod|deploy)|netlify\s+deploy|firebase\s+deploy|fly(?:ctl)?\s+deploy|railway\s+up|serverless\s+deploy|sls\s+deploy|cdk\s+deploy|terraform\s+apply|tofu\s+apply|kubectl\s+apply|helm\s+upgrade|rails\s+db:migrate|manage\.py\s+migrate|alembic\s+upgrade|dbmate\s+up|node-pg-migrate\s+up|db-migrate\s+up|mikro-orm\s+migration:up)/;

const packageScript: Rule = (c, ctx) => {
  const w = words(c);
  const run = c.name === 'npm' || c.name === 'pnpm' || c.name === 'bun' ? (w[0] === 'run' || w[0] === 'run-script' ? w[1] : c.name !== 'npm' && w[0] && !/^(?:install|i|add|remove|test|build|dev|start|ci|exec|dlx|x)$/.test(w[0]) ? w[0] : undefined) : c.name === 'yarn' ? (w[0] === 'run' ? w[1] : w[0]) : undefined;
  if (!run || run.startsWith('-') || run.includes(DYN)) return;
  const text = ctx.readFile?.(path.resolve(c.cwd && !c.cwd.includes(DYN) ? c.cwd : (ctx.cwd ?? ctx.workspaceRoot ?? '.'), 'package.json'));
  if (!text) return;
  let script: string | undefined;
  try {
    script = (JSON.parse(text) as { scripts?: Record<string, string> }).scripts?.[run];
  } catch {
    return;
  }
  if (typeof script !== 'string') return;
  const m = SCRIPT_CHANGE.exec(script);
  if (!m) return;
  const tool = m[0].split(/\s+/)[0];
  const refs: TargetRef[] = [];
  if (/prisma|drizzle|knex|sequelize|typeorm|rails|manage|alembic|dbmate|migrate|mikro/.test(tool)) refs.push({ tool: `${c.name} run ${run}`, kind: 'db-var', value: 'DATABASE_URL', via: 'DATABASE_URL' });
  if (/kubectl|helm/.test(tool)) refs.push({ tool: `${c.name} run ${run}`, kind: 'kube-context' });
  if (/vercel/.test(tool) && /--prod\b/.test(script)) refs.push({ tool: `${c.name} run ${run}`, kind: 'vercel-target', value: 'production', via: '--prod in the script' });
  const env = /(?:^|\s)(?:NODE_ENV|RAILS_ENV|APP_ENV|STAGE)=(\w+)/.exec(script)?.[1] ?? /--(?:env|stage)[= ](\w+)/.exec(script)?.[1];
  if (env) refs.push({ tool: `${c.name} run ${run}`, kind: 'label', value: env, via: `${env} in the script` });
  refs.push(...labelRefs(c, `${c.name} run ${run}`, ENV_LABELS));
  return change('change.script', 'database', `${c.name} run ${run} runs \`${m[0]}\`, which changes a live system`, refs);
};

export const dataPack: Record<string, Rule[]> = {
  psql: [psql],
  mysql: [mysql],
  mariadb: [mysql],
  mongosh: [mongosh],
  mongo: [mongosh],
  'redis-cli': [redisCli],
  'valkey-cli': [redisCli],
  prisma: [prisma],
  'drizzle-kit': [drizzle],
  knex: [genericMigrator],
  sequelize: [genericMigrator],
  'sequelize-cli': [genericMigrator],
  typeorm: [genericMigrator],
  'mikro-orm': [genericMigrator],
  'db-migrate': [genericMigrator],
  'node-pg-migrate': [genericMigrator],
  dbmate: [genericMigrator],
  goose: [genericMigrator],
  migrate: [genericMigrator],
  alembic: [genericMigrator],
  flyway: [genericMigrator],
  liquibase: [genericMigrator],
  atlas: [genericMigrator],
  rails: [rails],
  rake: [rails],
  python: [django],
  'django-admin': [django],
  npm: [packageScript],
  pnpm: [packageScript],
  yarn: [packageScript],
  bun: [packageScript],
};
