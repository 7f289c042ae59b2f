/** ORM and framework resets: migrate reset, db push --force-reset, db:drop, flush, migrate:fresh, clean. */
import type { Risk, RuleHit } from '../types';
import type { SimpleCommand } from '../shell/model';
import { classifySql } from './sqlText';
import { hit, maskUrl, optValue, type Rule, type RuleContext } from './util';

function ormHit(tool: string, what: string, c: SimpleCommand, ctx: RuleContext, risk: Risk = 'high'): RuleHit {
  const t: string[] = [];
  const url = c.assignments.DATABASE_URL ?? ctx.env?.DATABASE_URL;
  if (url) t.push(maskUrl(url));
  return hit('db.orm.reset', 'database', risk, `${tool} ${what}, which deletes the data in the database`, t);
}

export const prisma: Rule = (c, ctx) => {
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

export const drizzle: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if ((vs[0] === 'push' || vs[0].startsWith('push:')) && vs.some((v) => v === '--force' || v === '--strict=false')) return ormHit('drizzle-kit push --force', 'applies schema changes without asking, including drops', c, ctx);
  if (vs[0] === 'drop') return ormHit('drizzle-kit drop', 'deletes a migration', c, ctx, 'low');
  return;
};

const RAILS_DESTRUCTIVE = /^db:(?:drop|reset|purge|schema:load|structure:load|setup|truncate_all|migrate:reset|seed:replant)(?::all|\[.*\])?$/;

export const railsRake: Rule = (c, ctx) => {
  const task = c.args.find((a) => RAILS_DESTRUCTIVE.test(a.value));
  if (!task) return;
  const env = c.assignments.RAILS_ENV ?? c.args.find((a) => a.value.startsWith('RAILS_ENV='))?.value.slice(10);
  return ormHit(`${c.name} ${task.value}${env ? ` (RAILS_ENV=${env})` : ''}`, task.value === 'db:setup' ? 'loads the schema over the database' : 'drops or wipes the database', c, ctx, /prod/.test(env ?? '') ? 'critical' : 'high');
};

const DJANGO = /^(?:flush|sqlflush|reset_db|reset|migrate)$/;

/** python manage.py flush, django-admin flush, migrate <app> zero. */
export const django: Rule = (c, ctx) => {
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

export const supabase: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  const hits: RuleHit[] = [];
  if (vs[0] === 'db' && vs[1] === 'reset') hits.push(ormHit('supabase db reset', vs.includes('--linked') || vs.includes('--db-url') ? 'resets the linked remote database' : 'resets the local database', c, ctx, vs.includes('--linked') || vs.includes('--db-url') ? 'critical' : 'high'));
  if (vs[0] === 'db' && vs[1] === 'push' && vs.includes('--include-all')) hits.push(hit('db.orm.push', 'database', 'low', 'supabase db push applies all migrations to the remote database'));
  if ((vs[0] === 'projects' || vs[0] === 'branches' || vs[0] === 'functions' || vs[0] === 'orgs') && vs[1] === 'delete') hits.push(hit('paas.supabase.delete', 'paas', 'critical', `supabase ${vs[0]} delete deletes ${vs[2] ?? 'a ' + vs[0].replace(/s$/, '')}`, vs[2] ? [vs[2]] : undefined));
  if (vs[0] === 'secrets' && vs[1] === 'unset') hits.push(hit('paas.supabase.delete', 'paas', 'high', `supabase secrets unset removes secrets ${vs.slice(2).join(' ')}`));
  if (vs[0] === 'storage' && vs[1] === 'rm') hits.push(hit('paas.supabase.delete', 'paas', vs.includes('-r') || vs.includes('--recursive') ? 'high' : 'low', `supabase storage rm deletes ${vs.slice(2).filter((v) => !v.startsWith('-')).join(' ')}`));
  return hits;
};

export const sequelize: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'db:drop') return ormHit('sequelize db:drop', 'drops the database', c, ctx, 'critical');
  if (vs[0] === 'db:migrate:undo:all' || vs[0] === 'db:seed:undo:all') return ormHit(`sequelize ${vs[0]}`, 'reverts every migration', c, ctx);
  return;
};

export const typeorm: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'schema:drop') return ormHit('typeorm schema:drop', 'drops every table', c, ctx, 'critical');
  if (vs[0] === 'schema:sync' || vs[0] === 'schema:log') return vs[0] === 'schema:sync' ? ormHit('typeorm schema:sync', 'may drop columns and tables', c, ctx) : undefined;
  return;
};

export const knex: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs[0] === 'migrate:rollback' && (vs.includes('--all') || vs.includes('-a'))) return ormHit('knex migrate:rollback --all', 'reverts every migration', c, ctx);
  return;
};

export const artisan: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  const i = vs.indexOf('artisan');
  const sub = c.name === 'artisan' ? vs[0] : i >= 0 ? vs[i + 1] : undefined;
  if (sub && /^(?:migrate:fresh|migrate:reset|migrate:refresh|db:wipe)$/.test(sub)) return ormHit(`artisan ${sub}`, 'drops all tables', c, ctx);
  return;
};

export const mix: Rule = (c, ctx) => {
  const sub = c.args[0]?.value;
  if (sub && /^ecto\.(?:drop|reset)$/.test(sub)) return ormHit(`mix ${sub}`, 'drops the database', c, ctx);
  return;
};

export const alembic: Rule = (c, ctx) => {
  const vs = c.args.map((a) => a.value);
  if (vs.includes('downgrade') && vs.includes('base')) return ormHit('alembic downgrade base', 'reverts every migration', c, ctx);
  return;
};

export const flyway: Rule = (c, ctx) => {
  if (c.args.some((a) => a.value === 'clean')) return ormHit(`${c.name} clean`, 'drops every object in the schema', c, ctx, 'critical');
  return;
};

export const liquibase: Rule = (c, ctx) => {
  if (c.args.some((a) => a.value === 'drop-all' || a.value === 'dropAll')) return ormHit('liquibase drop-all', 'drops every object', c, ctx, 'critical');
  return;
};
