/**
 * The state-change tier: commands that change something real without being destructive on
 * their own (deploys, migrations, applies, schema pushes, scoped writes and deletes, restarts
 * and scaling, secret and variable sets, cache deletes, uploads that overwrite). Each finding
 * is `change` with low risk and the references the environment resolver needs to name the
 * command's own target: asked when that target is production, unprompted in development.
 * Reads (SELECT, get, describe, logs, plan, status, GET) are not findings.
 */
import * as path from 'node:path';
import type { Category, RuleHit, TargetRef } from '../types';
import { DYN, type SimpleCommand, type Word } from '../shell/model';
import { optValue, positionals, type Rule, type RuleContext } from './util';
import { analyseGraphqlBody } from '../lang/graphql';

function change(id: string, category: Category, reason: string, refs: TargetRef[], targets: string[] = []): RuleHit {
  const h: RuleHit = { id, category, risk: 'low', reason, change: true, refs };
  const t = targets.filter((x) => x && !x.includes(DYN));
  if (t.length) h.targets = t;
  return h;
}

const words = (c: SimpleCommand): string[] => c.args.map((a) => a.value);
const known = (v: string | undefined): string | undefined => (v && !v.includes(DYN) ? v : undefined);

/**
 * A variable named by a word such as `"$DATABASE_URL"` or `${PROD_TOKEN}`, even when the
 * terminal's value was expanded into it: the resolver reads the variable from the terminal
 * and from the workspace's files, so a terminal's value cannot hide the workspace's.
 */
function variableOf(w: Word): string | undefined {
  return /\$\{?([A-Za-z_]\w*)/.exec(w.raw)?.[1];
}

/** An environment named by the command's own prefix assignments (`RAILS_ENV=production rails …`). */
function labelRefs(c: SimpleCommand, tool: string, names: string[]): TargetRef[] {
  const out: TargetRef[] = [];
  for (const n of names) {
    const v = known(c.assignments[n]);
    if (v) out.push({ tool, kind: 'label', value: v, via: `${n}=${v}` });
  }
  return out;
}

function optRef(c: SimpleCommand, tool: string, kind: string, names: string[], attached = false): TargetRef[] {
  for (const n of names) {
    const v = known(optValue(c.args, [n], attached));
    if (v) return [{ tool, kind, value: v, via: n }];
  }
  return [];
}

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

const ENV_LABELS = ['NODE_ENV', 'APP_ENV', 'RAILS_ENV', 'RACK_ENV', 'ENVIRONMENT', 'STAGE', 'DJANGO_SETTINGS_MODULE', 'MIX_ENV', 'FLASK_ENV'];

function migrationRefs(c: SimpleCommand, tool: string, variable: string): TargetRef[] {
  const refs: TargetRef[] = [];
  const assigned = known(c.assignments[variable]);
  if (assigned) refs.push({ tool, kind: 'db-url', value: assigned, via: `${variable} on the command line` });
  else refs.push({ tool, kind: 'db-var', value: variable, via: variable });
  const url = known(optValue(c.args, ['--url', '--database-url', '--db-url', '-database', '--database']));
  if (url && url.includes('://')) refs.push({ tool, kind: 'db-url', value: url, via: '--url' });
  const env = known(optValue(c.args, ['--env', '-e', '--environment', '--settings']));
  if (env) refs.push({ tool, kind: 'label', value: env, via: `--${/settings/.test(c.args.map((a) => a.value).join(' ')) ? 'settings' : 'env'} ${env}` });
  refs.push(...labelRefs(c, tool, ENV_LABELS));
  return refs;
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

// ---------------------------------------------------------------- Kubernetes

const K8S_VALUE = new Set(['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-l', '--selector', '-f', '--filename', '-o', '--output', '--grace-period', '--timeout', '--field-selector', '-c', '--container', '--user', '-k', '--kustomize', '--replicas', '--cascade', '--image', '--type', '--from-literal', '--from-file', '-p', '--patch', '--for', '--min', '--max', '--cpu-percent', '--port', '--target-port', '--overrides', '--to-revision', '--server', '-s', '--token', '--as', '--record']);

function kubeRefs(c: SimpleCommand, tool: string, contextFlag = '--context'): TargetRef[] {
  const refs: TargetRef[] = [];
  const kc = known(optValue(c.args, ['--kubeconfig'])) ?? known(c.assignments.KUBECONFIG);
  const context = known(optValue(c.args, [contextFlag]));
  if (context) refs.push({ tool, kind: 'kube-context', value: context, via: contextFlag });
  else if (kc) refs.push({ tool, kind: 'kubeconfig', value: kc, via: optValue(c.args, ['--kubeconfig']) ? '--kubeconfig' : 'KUBECONFIG' });
  else refs.push({ tool, kind: 'kube-context' });
  if (context && kc) refs.push({ tool, kind: 'kubeconfig', value: kc, via: '--kubeconfig' });
  const ns = known(optValue(c.args, ['-n', '--namespace'], true));
  if (ns) refs.push({ tool, kind: 'label', value: ns, via: `namespace ${ns}` });
  return refs;
}

const KUBE_CHANGE = new Set(['apply', 'create', 'replace', 'patch', 'edit', 'set', 'scale', 'autoscale', 'annotate', 'label', 'expose', 'run', 'taint', 'cordon', 'uncordon', 'delete', 'drain', 'cp']);

const kubectl: Rule = (c) => {
  const pos = positionals(c.args, K8S_VALUE).map((p) => p.value);
  let sub = pos[0];
  if (!sub) return;
  const vs = words(c);
  if (vs.some((v) => /^--dry-run(?:=(?:client|server))?$/.test(v))) return;
  if (sub === 'rollout') {
    if (!/^(?:restart|undo|pause|resume)$/.test(pos[1] ?? '')) return;
    sub = `rollout ${pos[1]}`;
  } else if (sub === 'cp') {
    // only copying into a pod changes it
    if (!/^[\w.-]+(?:\/[\w.-]+)?:/.test(pos[2] ?? '')) return;
  } else if (!KUBE_CHANGE.has(sub)) return;
  const what = /^(?:scale|autoscale|rollout)/.test(sub) ? 'restarts or scales workloads' : sub === 'create' && pos[1] === 'secret' ? 'sets a secret' : sub === 'delete' ? 'deletes cluster resources' : 'changes cluster resources';
  return change('change.k8s', 'kubernetes', `${c.name} ${sub} ${what}`, kubeRefs(c, c.name));
};

const helm: Rule = (c) => {
  const pos = positionals(c.args, new Set(['-n', '--namespace', '--kube-context', '--kubeconfig', '-f', '--values', '--set', '--set-string', '--version', '--timeout', '-o', '--output', '--repo'])).map((p) => p.value);
  if (!/^(?:install|upgrade|rollback|uninstall|delete|del|un)$/.test(pos[0] ?? '')) return;
  if (words(c).includes('--dry-run')) return;
  const refs = kubeRefs(c, 'helm', '--kube-context');
  for (const f of c.args.filter((_, i) => c.args[i - 1]?.value === '-f' || c.args[i - 1]?.value === '--values')) {
    if (!f.value.includes(DYN)) refs.push({ tool: 'helm', kind: 'label', value: path.basename(f.value).replace(/\.ya?ml$/, '').replace(/^values[-.]?/, '') || f.value, via: `-f ${f.value}` });
  }
  return change('change.k8s', 'kubernetes', `helm ${pos[0]} ${pos[1] ?? ''} changes a release in the cluster`.replace(/\s+/g, ' '), refs);
};

// ---------------------------------------------------------------- Terraform / OpenTofu / Pulumi / CDK / serverless

const terraform: Rule = (c) => {
  let chdir: string | undefined;
  const rest: Word[] = [];
  for (const a of c.args) {
    if (a.value.startsWith('-chdir=')) chdir = known(a.value.slice(7));
    else rest.push(a);
  }
  const vs = rest.map((a) => a.value);
  const i = vs.findIndex((v) => !v.startsWith('-'));
  let sub = vs[i];
  if (sub === 'run-all') sub = vs[i + 1];
  const tail = vs.slice(i + 1);
  const isChange = sub === 'apply' || sub === 'import' || sub === 'taint' || sub === 'untaint' || sub === 'refresh' || (sub === 'state' && /^(?:mv|rm|push|replace-provider)$/.test(tail[0] ?? '')) || (sub === 'workspace' && /^(?:new|delete)$/.test(tail[0] ?? ''));
  if (!isChange) return;
  const tool = c.name;
  const refs: TargetRef[] = [];
  const ws = known(c.assignments.TF_WORKSPACE);
  refs.push(ws ? { tool, kind: 'tf-workspace', value: ws, via: `TF_WORKSPACE=${ws}` } : { tool, kind: 'tf-workspace', via: chdir ? `-chdir=${chdir}` : undefined });
  if (chdir) refs.push({ tool, kind: 'tf-dir', value: chdir, via: `-chdir=${chdir}` });
  for (const v of vs) {
    const m = /^-{1,2}var-file=(.+)$/.exec(v);
    if (m && known(m[1])) refs.push({ tool, kind: 'tf-var-file', value: m[1] });
  }
  for (let k = 0; k < vs.length - 1; k++) if (vs[k] === '-var-file' && known(vs[k + 1])) refs.push({ tool, kind: 'tf-var-file', value: vs[k + 1] });
  for (const v of vs) {
    const m = /^-var=(?:env|environment|stage)=(.+)$/.exec(v);
    if (m && known(m[1])) refs.push({ tool, kind: 'label', value: m[1], via: v });
  }
  const targets = vs.filter((v) => v.startsWith('-target=')).map((v) => v.slice(8));
  return change('change.iac.apply', 'iac', `${tool} ${sub}${targets.length ? ' -target=' + targets.join(',') : ''} changes real infrastructure`, refs);
};

const pulumi: Rule = (c) => {
  const w = positionals(c.args, new Set(['--stack', '-s', '--cwd', '-C', '--config-file', '--target'])).map((p) => p.value);
  if (!/^(?:up|update|refresh|import|cancel)$/.test(w[0] ?? '') && !(w[0] === 'config' && w[1] === 'set') && !(w[0] === 'state' && /^(?:delete|unprotect|rename)$/.test(w[1] ?? ''))) return;
  const stack = known(optValue(c.args, ['--stack', '-s'])) ?? known(c.assignments.PULUMI_STACK);
  return change('change.iac.apply', 'iac', `pulumi ${w.slice(0, 2).join(' ')} changes real infrastructure`, stack ? [{ tool: 'pulumi', kind: 'label', value: stack, via: '--stack' }] : []);
};

const stagedDeploy: Rule = (c) => {
  const w = positionals(c.args, new Set(['--stage', '-s', '--region', '-r', '--profile', '--aws-profile', '--config', '-c', '--stack-name', '--parameter-overrides', '--context', '-d', '--destination', '--env', '-e'])).map((p) => p.value);
  const verb = w[0];
  const isDeploy = /^(?:deploy|sync|rollback|publish)$/.test(verb ?? '') || (c.name === 'cap' && w[1] === 'deploy') || (c.name === 'kamal' && /^(?:deploy|redeploy|rollback|env|app)$/.test(verb ?? ''));
  if (!isDeploy) return;
  const refs: TargetRef[] = [];
  const stage = known(optValue(c.args, ['--stage', '-s', '-d', '--destination', '--env', '-e']));
  if (stage) refs.push({ tool: c.name, kind: 'label', value: stage, via: `--stage ${stage}` });
  if (c.name === 'cap' && verb) refs.push({ tool: 'cap', kind: 'label', value: verb, via: `stage ${verb}` });
  const stack = known(optValue(c.args, ['--stack-name']));
  if (stack) refs.push({ tool: c.name, kind: 'label', value: stack, via: '--stack-name' });
  refs.push(...optRef(c, c.name, 'aws-profile', ['--profile', '--aws-profile']));
  for (const s of c.name === 'cdk' ? w.slice(1) : []) if (!s.includes(DYN)) refs.push({ tool: 'cdk', kind: 'label', value: s, via: 'stack' });
  return change('change.deploy', 'iac', `${c.name} ${c.name === 'cap' ? w.slice(0, 2).join(' ') : verb} deploys`, refs);
};

// ---------------------------------------------------------------- clouds

const AWS_READ = /^(?:describe|list|get|head|show|lookup|search|check|validate|estimate|filter|query|scan|select|batch-get|test|simulate|preview|download|export|wait|help|tail|generate)/;
const AWS_WRITE = /^(?:create|put|update|modify|run|start|stop|reboot|restart|attach|associate|invoke|publish|send|set|tag|untag|deploy|register|enable|disable|restore|copy|upload|import|apply|execute|reset|replace|rotate|promote|failover|change|add|authorize|revoke|detach|disassociate|deregister|delete|remove|terminate|purge|cancel|increase|decrease|scale|sync|mv|cp|rm|rb|mb|schedule|submit|force|batch-write|batch-put|batch-delete|transact-write|write|swap|adjust)(?:-|$)/;

const aws: Rule = (c) => {
  const pos = positionals(c.args, new Set(['--profile', '--region', '--output', '--query', '--endpoint-url', '--cli-input-json', '--color', '--bucket', '--key', '--body', '--function-name', '--cluster', '--service', '--name', '--value', '--type']));
  const service = pos[0]?.value;
  const op = pos[1]?.value;
  if (!service || !op) return;
  const vs = words(c);
  if (vs.includes('--dryrun') || vs.includes('--dry-run')) return;
  if (service === 's3') {
    const dest = pos[pos.length - 1]?.value ?? '';
    if (op === 'ls' || op === 'presign' || op === 'website') return;
    if ((op === 'cp' || op === 'sync' || op === 'mv') && !dest.startsWith('s3://')) return; // a download
  } else if (AWS_READ.test(op) || !AWS_WRITE.test(op)) return;
  if (service === 'configure' || service === 'sso' || service === 'sts' || service === 'logs' && op === 'tail') return;
  const refs: TargetRef[] = [];
  const profile = known(optValue(c.args, ['--profile']));
  const assigned = known(c.assignments.AWS_PROFILE);
  refs.push(profile ? { tool: 'aws', kind: 'aws-profile', value: profile, via: '--profile' } : assigned ? { tool: 'aws', kind: 'aws-profile', value: assigned, via: `AWS_PROFILE=${assigned}` } : { tool: 'aws', kind: 'aws-profile' });
  const buckets = vs.filter((v) => v.startsWith('s3://')).map((v) => v.slice(5).split('/')[0]);
  for (const b of buckets) refs.push({ tool: 'aws', kind: 'label', value: b, via: `bucket ${b}` });
  const what = service === 's3' ? (op === 'rm' || op === 'rb' ? 'deletes objects' : 'uploads over objects') : /^(?:restart|reboot|stop|start|scale|update-service)/.test(op) ? 'restarts, scales or updates a service' : /secret|parameter|put-/.test(op) ? 'writes a value' : 'changes a resource';
  return change('change.cloud.aws', 'cloud', `aws ${service} ${op} ${what}`, refs, buckets.map((b) => `s3://${b}`));
};

const GCLOUD_READ = /^(?:list|describe|get-\S+|get|read|tail|print-\S+|export|ssh|scp|browse|logs|versions|show)$/;
const GCLOUD_WRITE = /^(?:create|deploy|update|set|add-\S+|remove-\S+|patch|import|start|stop|restart|resize|scale|apply|submit|promote|rollback|reset|delete|set-\S+|enable|disable|cp|mv|rm|rsync|rb|mb|execute|run|call|publish|upload|migrate|failover|restore|clone|attach-\S+|detach-\S+)$/;

const gcloud: Rule = (c) => {
  const w = positionals(c.args, new Set(['--project', '--region', '--zone', '--format', '--account', '--configuration', '--filter', '--location', '--image', '--source', '--platform', '--service-account', '--member', '--role', '--data-file', '--set-env-vars', '--update-env-vars', '--tag', '--memory', '--cpu'])).map((p) => p.value);
  if (w[0] === 'config' || w[0] === 'auth' || w[0] === 'components' || w[0] === 'init' || w[0] === 'help') return;
  // gcloud GROUP [SUBGROUP…] COMMAND: the first word after the group that is a verb is the command.
  const verb = w.slice(1).find((x) => GCLOUD_READ.test(x) || GCLOUD_WRITE.test(x));
  if (!verb || GCLOUD_READ.test(verb)) return;
  if ((verb === 'cp' || verb === 'rsync' || verb === 'mv') && !String(w[w.length - 1]).startsWith('gs://')) return;
  const refs: TargetRef[] = [];
  const project = known(optValue(c.args, ['--project'])) ?? known(c.assignments.CLOUDSDK_CORE_PROJECT);
  refs.push(project ? { tool: 'gcloud', kind: 'gcp-project', value: project, via: optValue(c.args, ['--project']) ? '--project' : 'CLOUDSDK_CORE_PROJECT' } : { tool: 'gcloud', kind: 'gcp-project' });
  const buckets = w.filter((x) => x.startsWith('gs://')).map((x) => x.slice(5).split('/')[0]);
  for (const b of buckets) refs.push({ tool: 'gcloud', kind: 'label', value: b, via: `bucket ${b}` });
  return change('change.cloud.gcloud', 'cloud', `gcloud ${w.slice(0, w.indexOf(verb) + 1).join(' ')} changes a resource`, refs);
};

const gsutil: Rule = (c) => {
  const vs = words(c).filter((v) => !v.startsWith('-'));
  if (!/^(?:cp|mv|rsync|rm|setmeta|acl|iam)$/.test(vs[0] ?? '') || !String(vs[vs.length - 1]).startsWith('gs://')) return;
  if (vs[0] === 'acl' || vs[0] === 'iam') {
    if (vs[1] !== 'set' && vs[1] !== 'ch') return;
  }
  const buckets = vs.filter((x) => x.startsWith('gs://')).map((x) => x.slice(5).split('/')[0]);
  return change('change.cloud.gcloud', 'cloud', `gsutil ${vs[0]} writes to ${buckets.map((b) => 'gs://' + b).join(', ')}`, [{ tool: 'gsutil', kind: 'gcp-project' }, ...buckets.map((b) => ({ tool: 'gsutil', kind: 'label', value: b, via: `bucket ${b}` }))]);
};

const az: Rule = (c) => {
  const w = positionals(c.args, new Set(['--subscription', '--resource-group', '-g', '--name', '-n', '--output', '-o', '--query', '--location', '-l', '--ids', '--account-name', '--container-name', '-c', '--source', '-s', '--pattern', '--value', '--file', '-f', '--image', '--settings', '--template-file', '--parameters'])).map((p) => p.value);
  if (w[0] === 'login' || w[0] === 'logout' || w[0] === 'account' || w[0] === 'config' || w[0] === 'extension') return;
  const verb = w.find((x) => /^(?:create|update|set|deploy|start|stop|restart|scale|upload|upload-batch|apply|import|invoke|delete|remove|purge|swap|sync|add|assign|config-zip|up)$/.test(x));
  if (!verb) return;
  if (verb === 'upload' && !c.args.some((a) => a.value === '--overwrite' || a.value === '--overwrite=true')) {
    /* an upload that would not overwrite fails on an existing blob; still a write */
  }
  const sub = known(optValue(c.args, ['--subscription']));
  const refs: TargetRef[] = [sub ? { tool: 'az', kind: 'azure-subscription', value: sub, via: '--subscription' } : { tool: 'az', kind: 'azure-subscription' }];
  const rg = known(optValue(c.args, ['--resource-group', '-g']));
  if (rg) refs.push({ tool: 'az', kind: 'label', value: rg, via: `resource group ${rg}` });
  const name = known(optValue(c.args, ['--name', '-n']));
  if (name) refs.push({ tool: 'az', kind: 'label', value: name, via: `--name ${name}` });
  return change('change.cloud.azure', 'cloud', `az ${w.slice(0, w.indexOf(verb) + 1).join(' ')} changes a resource`, refs);
};

// ---------------------------------------------------------------- PaaS

const PAAS_VALUE = new Set(['-e', '--environment', '--env', '-s', '--service', '-a', '--app', '-p', '--project', '--project-id', '--project-ref', '--scope', '--token', '-t', '--org', '-o', '--region', '-r', '--config', '-c', '--team', '--branch', '--site', '--database', '-d', '--remote', '--context', '--output', '--db-url', '--target', '--image', '--dockerfile', '--name']);
const paasWords = (c: SimpleCommand): string[] => positionals(c.args, PAAS_VALUE).map((p) => p.value);

/** `railway run <cmd>`, `heroku run <cmd>`: the inner command runs against the platform's environment. */
function inner(c: SimpleCommand, from: number): SimpleCommand | undefined {
  const args = c.args.slice(from);
  const k = args.findIndex((a) => !a.value.startsWith('-') || a.value === '--');
  const start = args[k]?.value === '--' ? k + 1 : k;
  if (start < 0 || !args[start]) return undefined;
  let rest = args.slice(start);
  // npx prisma …, bundle exec rake …, pnpm exec knex …, poetry run python …
  for (let n = 0; n < 3 && rest.length > 1; n++) {
    const w0 = path.basename(rest[0].value);
    if (w0 === 'npx' || w0 === 'bunx') rest = rest.slice(1);
    else if (/^(?:bundle|pnpm|yarn|poetry|uv|pipenv)$/.test(w0) && /^(?:exec|run|dlx)$/.test(rest[1].value)) rest = rest.slice(2);
    else break;
    while (rest.length > 1 && rest[0].value.startsWith('-')) rest = rest.slice(1);
  }
  return { ...c, name: path.basename(rest[0].value), args: rest.slice(1), via: [...c.via, c.name] };
}

function innerChange(c: SimpleCommand, ctx: RuleContext, from: number, refs: TargetRef[], label: string): RuleHit[] {
  const sub = inner(c, from);
  if (!sub) return [];
  return changeRules(sub, ctx).map((h) => ({ ...h, reason: `${h.reason} (through ${label})`, refs: [...refs, ...(h.refs ?? []).filter((r) => r.kind !== 'db-var' && r.kind !== 'kube-context')] }));
}

function railwayRefs(c: SimpleCommand): TargetRef[] {
  const env = known(optValue(c.args, ['--environment', '-e']));
  return [env ? { tool: 'railway', kind: 'railway-env', value: env, via: '--environment' } : { tool: 'railway', kind: 'railway-env' }];
}

const railway: Rule = (c, ctx) => {
  const w = paasWords(c);
  const refs = railwayRefs(c);
  if (w[0] === 'run') return innerChange(c, ctx, c.args.findIndex((a) => a.value === 'run') + 1, refs, 'railway run');
  if (/^(?:up|deploy|redeploy|restart|scale)$/.test(w[0] ?? '')) return change('change.paas.deploy', 'paas', `railway ${w[0]} deploys or restarts the service`, refs);
  if (/^(?:variables|variable|vars)$/.test(w[0] ?? '') && (w[1] === 'set' || c.args.some((a) => a.value === '--set' || a.value.startsWith('--set=')))) return change('change.paas.variables', 'paas', 'railway variables --set changes service variables and redeploys', refs);
  return;
};

function flyRefs(c: SimpleCommand): TargetRef[] {
  const app = known(optValue(c.args, ['--app', '-a']));
  if (app) return [{ tool: c.name, kind: 'fly-app', value: app, via: '--app' }];
  const cfg = known(optValue(c.args, ['--config', '-c']));
  if (cfg) return [{ tool: c.name, kind: 'fly-app', value: cfg, via: '--config' }];
  return [{ tool: c.name, kind: 'fly-app' }];
}

const fly: Rule = (c) => {
  const w = paasWords(c);
  const two = `${w[0] ?? ''} ${w[1] ?? ''}`;
  if (!(/^(?:deploy|scale|restart)$/.test(w[0] ?? '') || /^(?:secrets (?:set|unset|import|deploy)|apps restart|machines? (?:restart|update|stop|start|run|clone|destroy|remove|rm)|m (?:restart|update|stop|start|run)|postgres (?:restart|failover|import)|pg (?:restart|failover|import)|volumes (?:extend|create|fork)|releases rollback|deploy rollback|ips (?:allocate\S*|release)|certs (?:add|remove))/.test(two))) return;
  return change('change.paas.deploy', 'paas', `${c.name} ${/^(?:deploy|scale|restart)$/.test(w[0]) ? w[0] : two} changes the running app`, flyRefs(c));
};

function herokuRefs(c: SimpleCommand): TargetRef[] {
  const app = known(optValue(c.args, ['--app', '-a']));
  if (app) return [{ tool: 'heroku', kind: 'heroku-app', value: app, via: '--app' }];
  const remote = known(optValue(c.args, ['--remote', '-r']));
  if (remote) return [{ tool: 'heroku', kind: 'heroku-remote', value: remote, via: '--remote' }];
  return [{ tool: 'heroku', kind: 'heroku-remote' }];
}

const heroku: Rule = (c, ctx) => {
  const w = paasWords(c);
  const sub = w[0] ?? '';
  const refs = herokuRefs(c);
  if (sub === 'run' || sub === 'run:detached') return innerChange(c, ctx, c.args.findIndex((a) => a.value === sub) + 1, refs, `heroku ${sub}`);
  if (!/^(?:config:set|config:add|config:unset|ps:scale|ps:restart|ps:stop|restart|releases:rollback|rollback|maintenance:on|maintenance:off|pg:promote|pg:push|pg:copy|pg:backups:restore|features:enable|features:disable|stack:set|buildpacks:set|domains:add|container:release|apps:rename|redis:(?:maxmemory|timeout))$/.test(sub)) return;
  return change('change.paas.deploy', 'paas', `heroku ${sub} changes the running app`, refs);
};

const gitPush: Rule = (c) => {
  const pos = positionals(c.args, new Set(['-C', '-c', '--repo', '-o', '--push-option'])).map((p) => p.value);
  if (pos[0] !== 'push' || !pos[1]) return;
  const remote = pos[1];
  if (!/heroku|dokku|production|prod|live/i.test(remote)) return;
  return change('change.paas.deploy', 'paas', `git push ${remote} deploys the app`, [{ tool: 'git push', kind: 'heroku-remote', value: remote, via: 'git remote' }, { tool: 'git push', kind: 'label', value: remote, via: `remote ${remote}` }]);
};

const vercel: Rule = (c) => {
  const w = paasWords(c);
  const vs = words(c);
  const prod = vs.includes('--prod') || vs.includes('--production') || known(optValue(c.args, ['--target'])) === 'production' || vs.includes('--target=production');
  const target = prod ? 'production' : (known(optValue(c.args, ['--target'])) ?? 'preview');
  const via = prod ? (vs.includes('--prod') ? '--prod' : '--target production') : 'a preview deployment';
  const sub = w[0];
  if (sub === undefined || sub === 'deploy' || (sub && !/^(?:dev|env|link|login|logout|whoami|ls|list|inspect|logs|pull|build|switch|teams|projects?|domains?|dns|certs|alias|remove|rm|promote|rollback|redeploy|bisect|help|init|git|integration|secrets|blob|open|telemetry|target|install)$/.test(sub) && w.length === 1 && !vs.some((v) => v === '--help'))) {
    if (sub && sub !== 'deploy' && !/^[./~]/.test(sub)) return;
    return change('change.paas.deploy', 'paas', `vercel ${prod ? '--prod ' : ''}deploys the project${prod ? ' to production' : ''}`, [{ tool: 'vercel', kind: 'vercel-target', value: target, via }]);
  }
  if (sub === 'promote' || sub === 'rollback' || sub === 'redeploy') return change('change.paas.deploy', 'paas', `vercel ${sub} changes what production serves`, [{ tool: 'vercel', kind: 'vercel-target', value: sub === 'redeploy' && !prod ? 'preview' : 'production', via: sub }]);
  if (sub === 'env' && /^(?:add|rm|remove|update)$/.test(w[1] ?? '')) {
    const envName = w[3] ?? 'production';
    return change('change.paas.variables', 'paas', `vercel env ${w[1]} ${w[2] ?? ''} changes a variable`.replace(/\s+/g, ' '), [{ tool: 'vercel', kind: 'vercel-target', value: /^(?:production|preview|development)$/.test(envName) ? envName : 'production', via: `env ${w[1]} … ${envName}` }]);
  }
  if (sub === 'alias' && /^(?:set|add)$/.test(w[1] ?? '')) return change('change.paas.deploy', 'paas', 'vercel alias set points a domain at a deployment', [{ tool: 'vercel', kind: 'vercel-target', value: 'production', via: 'alias' }]);
  return;
};

const supabase: Rule = (c, ctx) => {
  const w = paasWords(c);
  const two = `${w[0] ?? ''} ${w[1] ?? ''}`;
  if (!/^(?:db (?:push|reset|execute)|migration (?:up|repair|squash)|functions deploy|secrets (?:set|unset)|storage (?:cp|mv|rm)|config push|branches (?:create|delete|update)|seed buckets)/.test(two)) return;
  void ctx;
  const vs = words(c);
  const url = known(optValue(c.args, ['--db-url']));
  const ref = known(optValue(c.args, ['--project-ref']));
  const refs: TargetRef[] = url ? [{ tool: 'supabase', kind: 'supabase-project', value: url, via: '--db-url' }] : ref ? [{ tool: 'supabase', kind: 'label', value: ref, via: '--project-ref' }] : vs.includes('--local') ? [{ tool: 'supabase', kind: 'supabase-project', value: 'local', via: '--local' }] : [{ tool: 'supabase', kind: 'supabase-project', value: 'linked', via: vs.includes('--linked') ? '--linked' : 'the linked project' }];
  // `supabase db reset` without --linked resets the local database only.
  if (two === 'db reset' && !vs.includes('--linked') && !url) return;
  return change('change.paas.deploy', 'paas', `supabase ${two} changes the project`, refs);
};

const branchTool = (id: string, verbs: RegExp, branchFlags: string[]): Rule => (c) => {
  const w = paasWords(c);
  const joined = w.join(' ');
  if (!verbs.test(joined)) return;
  const refs: TargetRef[] = [];
  const b = known(optValue(c.args, branchFlags));
  if (b) refs.push({ tool: c.name, kind: 'branch', value: b, via: branchFlags[0] });
  else {
    // pscale deploy-request deploy <db> <n>; pscale branch promote <db> <branch>; neonctl branches reset <branch>
    const m = /(?:branch(?:es)? (?:promote|reset|restore|set-default|delete)|shell|connect) \S+ (\S+)/.exec(joined) ?? /branch(?:es)? (?:reset|restore|set-default|delete) (\S+)/.exec(joined);
    if (m && known(m[1])) refs.push({ tool: c.name, kind: 'branch', value: m[1], via: 'branch' });
    else if (/deploy-request deploy/.test(joined)) refs.push({ tool: c.name, kind: 'branch', value: 'main', via: 'deploy request into' });
  }
  return change(id, 'paas', `${c.name} ${w.slice(0, 2).join(' ')} changes a hosted database`, refs);
};

const render: Rule = (c) => {
  const w = paasWords(c);
  if (!/^(?:deploys? create|services? (?:restart|suspend|resume|update|scale)|restart|deploy|jobs create)/.test(w.join(' '))) return;
  const service = w[2] ?? known(optValue(c.args, ['--service', '-s']));
  return change('change.paas.deploy', 'paas', `render ${w.slice(0, 2).join(' ')} changes a service`, service ? [{ tool: 'render', kind: 'label', value: service, via: 'service' }] : []);
};

const netlify: Rule = (c) => {
  const w = paasWords(c);
  const vs = words(c);
  if (w[0] === 'deploy' && (vs.includes('--prod') || vs.includes('--production'))) return change('change.paas.deploy', 'paas', 'netlify deploy --prod deploys to production', [{ tool: 'netlify', kind: 'label', value: 'production', via: '--prod' }]);
  if (/^(?:env:set|env:import|env:unset)$/.test(w[0] ?? '')) {
    const ctxName = known(optValue(c.args, ['--context'])) ?? 'production';
    return change('change.paas.variables', 'paas', `netlify ${w[0]} changes a variable`, [{ tool: 'netlify', kind: 'label', value: ctxName, via: `--context ${ctxName}` }]);
  }
  return;
};

const wrangler: Rule = (c) => {
  const w = paasWords(c);
  const two = `${w[0] ?? ''} ${w[1] ?? ''}`;
  if (!(/^(?:deploy|publish|rollback)$/.test(w[0] ?? '') || /^(?:secret (?:put|delete|bulk)|versions deploy|kv:key (?:put|delete)|kv key (?:put|delete)|kv:bulk (?:put|delete)|r2 object (?:put|delete)|d1 (?:execute|migrations))/.test(two + (w[2] ? ' ' + w[2] : '')))) return;
  if (w[0] === 'd1' && w[1] === 'execute' && !c.args.some((a) => a.value === '--remote')) return;
  const env = known(optValue(c.args, ['--env', '-e']));
  const refs: TargetRef[] = env ? [{ tool: 'wrangler', kind: 'label', value: env, via: `--env ${env}` }] : [{ tool: 'wrangler', kind: 'label', value: 'production', via: 'no --env: the production Worker' }];
  return change('change.paas.deploy', 'paas', `wrangler ${two.trim()} changes a deployed Worker`, refs);
};

const firebase: Rule = (c) => {
  const w = paasWords(c);
  if (!/^(?:deploy|hosting:channel:deploy|functions:config:set|database:update|database:push|firestore:indexes|remoteconfig:rollback|apphosting:rollouts:create)$/.test(w[0] ?? '')) return;
  const project = known(optValue(c.args, ['--project', '-P']));
  return change('change.paas.deploy', 'paas', `firebase ${w[0]} changes the project`, project ? [{ tool: 'firebase', kind: 'gcp-project', value: project, via: '--project' }] : []);
};

// ---------------------------------------------------------------- HTTP

const CURL_VALUE = new Set(['-X', '--request', '-H', '--header', '-d', '--data', '--data-raw', '--data-binary', '--data-urlencode', '-F', '--form', '--json', '-T', '--upload-file', '-u', '--user', '-o', '--output', '-A', '--user-agent', '-e', '--referer', '-b', '--cookie', '-c', '--cookie-jar', '-m', '--max-time', '--connect-timeout', '-w', '--write-out', '--retry', '-x', '--proxy', '--cacert', '--cert', '--key', '-K', '--config', '--resolve']);

const curl: Rule = (c) => {
  const vs = words(c);
  const method = (known(optValue(c.args, ['-X', '--request'], true)) ?? '').toUpperCase();
  const hasBody = vs.some((v) => /^(?:-d|--data(?:-raw|-binary|-urlencode)?|-F|--form|--json|-T|--upload-file)(?:=|$)/.test(v) || /^-d./.test(v));
  const writes = /^(?:POST|PUT|PATCH|DELETE)$/.test(method) || (!method && hasBody);
  if (!writes) return;
  if ((!method || method === 'POST') && onlyGraphqlReads(c)) return;
  const refs: TargetRef[] = [];
  const urls = [...c.args.filter((w) => /^https?:\/\//i.test(w.value)), ...positionals(c.args, CURL_VALUE).filter((w) => /^(?:localhost|[\w-]+(?:\.[\w-]+)+|\[[\da-f:]+\])(?::\d+)?(?:\/|$)/i.test(w.value))];
  for (const w of urls) {
    const host = /^(?:https?:\/\/)?([^/?#]+)/i.exec(w.value)?.[1];
    if (host && !host.includes(DYN) && !refs.some((r) => r.value === host)) refs.push({ tool: c.name, kind: 'http-host', value: host, via: 'URL' });
  }
  // A server on this machine (a dev server) is development wherever the workspace is.
  if (refs.length && refs.every((r) => LOOPBACK.test(r.value ?? ''))) return;
  for (const w of c.args) {
    const tokenVar = /(?:authorization|x-api-key|api-key|token)[^$]*\$\{?([A-Za-z_]\w*)/i.exec(w.raw)?.[1];
    if (tokenVar) refs.push({ tool: c.name, kind: 'token', value: tokenVar, via: `token $${tokenVar}` });
    const literal = /\b((?:sk|rk)_(?:live|test)_\w+)/.exec(w.value)?.[1];
    if (literal) refs.push({ tool: c.name, kind: 'token', value: literal, via: 'the key given' });
  }
  return change('change.http.write', 'http-api', `${c.name} ${method || 'POST'} writes to ${refs.find((r) => r.kind === 'http-host')?.value ?? 'a remote API'}`, refs);
};

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]|0\.0\.0\.0)(?::\d+)?$/i;

/** A POST whose every body is written out and is a GraphQL query (no mutation, nothing unreadable): a read. */
function onlyGraphqlReads(c: SimpleCommand): boolean {
  const bodies: string[] = [];
  const a = c.args;
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    let m: RegExpExecArray | null;
    if (/^(?:-d|--data|--data-raw|--data-binary|--json)$/.test(v)) bodies.push(a[++i]?.value ?? DYN);
    else if ((m = /^(?:--data|--data-raw|--data-binary|--json)=(.*)$/s.exec(v)) || (m = /^-d(.+)$/s.exec(v))) bodies.push(m[1]);
    else if (/^(?:-F|--form|-T|--upload-file|--data-urlencode|-K|--config)(?:=|$)/.test(v)) return false;
  }
  if (!bodies.length) return false;
  return bodies.every((b) => {
    if (b.includes(DYN) || b.startsWith('@')) return false;
    const g = analyseGraphqlBody(b);
    return !!g && !g.mutation && !g.unknown && g.findings.length === 0;
  });
}

const httpie: Rule = (c) => {
  const vs = words(c).filter((v) => !v.startsWith('-'));
  const method = /^(?:POST|PUT|PATCH|DELETE)$/i.test(vs[0] ?? '') ? vs[0].toUpperCase() : vs.slice(1).some((v) => /^[\w.-]+:?=/.test(v)) ? 'POST' : undefined;
  if (!method) return;
  const url = vs.find((v) => /^(?:https?:\/\/)?[\w.-]+\.[a-z]{2,}|^:\d+|^localhost/i.test(v) && !/^(?:POST|PUT|PATCH|DELETE)$/i.test(v));
  const refs: TargetRef[] = [];
  if (url) refs.push({ tool: c.name, kind: 'http-host', value: url.replace(/^https?:\/\//, '').split('/')[0], via: 'URL' });
  for (const w of c.args) {
    const tokenVar = /(?:authorization|token|api-key)[^$]*\$\{?([A-Za-z_]\w*)/i.exec(w.raw)?.[1];
    if (tokenVar) refs.push({ tool: c.name, kind: 'token', value: tokenVar, via: `token $${tokenVar}` });
  }
  return change('change.http.write', 'http-api', `${c.name} ${method} writes to ${url ?? 'a remote API'}`, refs);
};

// ---------------------------------------------------------------- index

const PACK: Record<string, Rule[]> = {
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
  kubectl: [kubectl],
  oc: [kubectl],
  k: [kubectl],
  helm: [helm],
  terraform: [terraform],
  tofu: [terraform],
  terragrunt: [terraform],
  pulumi: [pulumi],
  serverless: [stagedDeploy],
  sls: [stagedDeploy],
  sam: [stagedDeploy],
  cdk: [stagedDeploy],
  cap: [stagedDeploy],
  kamal: [stagedDeploy],
  aws: [aws],
  gcloud: [gcloud],
  gsutil: [gsutil],
  az: [az],
  railway: [railway],
  fly: [fly],
  flyctl: [fly],
  heroku: [heroku],
  git: [gitPush],
  vercel: [vercel],
  supabase: [supabase],
  neonctl: [branchTool('change.paas.database', /^(?:branch(?:es)? (?:reset|restore|set-default|delete|create)|connection-string|databases? (?:create|delete)|roles? (?:create|delete))/, ['--branch'])],
  neon: [branchTool('change.paas.database', /^(?:branch(?:es)? (?:reset|restore|set-default|delete|create)|databases? (?:create|delete)|roles? (?:create|delete))/, ['--branch'])],
  pscale: [branchTool('change.paas.database', /^(?:deploy-request (?:deploy|apply|revert)|branch (?:promote|delete|safe-migrations)|database (?:restore|delete)|shell \S+ \S+)/, ['--branch'])],
  render: [render],
  netlify: [netlify],
  ntl: [netlify],
  wrangler: [wrangler],
  firebase: [firebase],
  curl: [curl],
  http: [httpie],
  https: [httpie],
  xh: [httpie],
};

/** Options that choose a tool's target: given a value known only at run time, the target is unknown. */
const TARGET_OPTIONS: Record<string, string[]> = {
  kubectl: ['--context', '--kubeconfig', '--cluster', '--server', '-s'],
  helm: ['--kube-context', '--kubeconfig'],
  aws: ['--profile', '--endpoint-url'],
  gcloud: ['--project', '--configuration'],
  az: ['--subscription'],
  fly: ['-a', '--app', '-c', '--config'],
  heroku: ['-a', '--app', '-r', '--remote'],
  railway: ['-e', '--environment'],
  terraform: ['-var-file', '-chdir'],
  psql: ['-h', '--host', '-d', '--dbname'],
  mysql: ['-h', '--host'],
  'redis-cli': ['-h', '-u'],
  supabase: ['--db-url', '--project-ref'],
  pulumi: ['--stack', '-s'],
  serverless: ['--stage', '-s'],
  wrangler: ['--env', '-e'],
  vercel: ['--target', '--scope'],
};
const OPTION_ALIASES: Record<string, string> = { flyctl: 'fly', tofu: 'terraform', terragrunt: 'terraform', oc: 'kubectl', k: 'kubectl', sls: 'serverless', mariadb: 'mysql', 'valkey-cli': 'redis-cli' };

const DB_TOOLS = new Set(['psql', 'mysql', 'mariadb', 'redis-cli', 'valkey-cli', 'supabase']);

function dynamicRefs(c: SimpleCommand): TargetRef[] {
  const names = TARGET_OPTIONS[OPTION_ALIASES[c.name] ?? c.name];
  if (!names) return [];
  const out: TargetRef[] = [];
  const a = c.args;
  for (let i = 0; i < a.length; i++) {
    for (const n of names) {
      const w = a[i].value === n ? a[i + 1] : a[i].value.startsWith(n + '=') ? a[i] : undefined;
      // A database tool's `$VARIABLE` is read from the terminal and the .env files (a db-var reference) instead.
      if (w && w.value.includes(DYN) && !(DB_TOOLS.has(c.name) && /^"?\$\{?\w+\}?"?$/.test(w.raw))) out.push({ tool: c.name, kind: 'dynamic', value: w.raw.replace(new RegExp(`^${n}=`), ''), via: n });
    }
  }
  return out;
}

/** The state-change findings for one command. */
export function changeRules(c: SimpleCommand, ctx: RuleContext): RuleHit[] {
  const out: RuleHit[] = [];
  let name = c.name;
  if (!PACK[name] && /^python\d/.test(name)) name = 'python';
  for (const r of PACK[name] ?? []) {
    const h = r(c, ctx);
    if (!h) continue;
    if (Array.isArray(h)) out.push(...h);
    else out.push(h);
  }
  if (out.length) {
    const dyn = dynamicRefs(c);
    if (dyn.length) return out.map((h) => ({ ...h, refs: [...(h.refs ?? []), ...dyn] }));
  }
  return out;
}
