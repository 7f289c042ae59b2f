/**
 * SQL read with real parsers: PostgreSQL (libpg-query), MySQL/MariaDB and SQLite
 * (node-sql-parser), client meta-commands, and what the engine decides for them.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyseSql, loadSqlParser, splitStatements } from '../../../src/core/lang/sql';
import { splitClientInput } from '../../../src/core/lang/sqlclient';
import { createEngine, type Engine } from '../../../src/core/engine';
import type { EnvironmentName, Verdict } from '../../../src/core/types';

const engines = new Map<EnvironmentName, Promise<Engine>>();
function engineFor(env: EnvironmentName): Promise<Engine> {
  let e = engines.get(env);
  if (!e) {
    e = createEngine({ resolveEnvironment: () => ({ environment: env, evidence: [] }), readFile: (p) => FILES[p] });
    engines.set(env, e);
  }
  return e;
}
const FILES: Record<string, string> = {
  'drop.sql': 'DROP TABLE users;',
  'seed.sql': "INSERT INTO users VALUES (1, 'a');",
  'nested.sql': 'SELECT 1;\n\\i drop.sql\n',
};

async function check(command: string, env: EnvironmentName = 'production'): Promise<Verdict> {
  return (await engineFor(env)).check({ command, cwd: '/home/dev/app', workspaceRoot: '/home/dev/app', home: '/home/dev' });
}

const ids = (sql: string, d: Parameters<typeof analyseSql>[1] = 'postgres') => analyseSql(sql, d).findings.map((f) => f.id);

before(async () => {
  await loadSqlParser();
});

test('PostgreSQL: always-true WHERE clauses are folded, real filters are not', () => {
  for (const w of ['(1=1)', '2>1', 'true or id = 3', "'a' = 'a'", 'id = id', 'NOT false', '1 IN (1, 2)', "name LIKE '%'", 'x IS NULL OR x IS NOT NULL', "'t'::boolean", 'EXISTS (SELECT 1)', '1 + 1 = 2', 'coalesce(null, true)']) {
    assert.deepEqual(ids(`DELETE FROM users WHERE ${w}`), ['db.sql.delete-all'], w);
    assert.deepEqual(ids(`UPDATE users SET a = 1 WHERE ${w}`), ['db.sql.update-all'], w);
  }
  for (const w of ['id = 7', 'id > 0', "name LIKE 'a%'", '1 = 2 OR id = 3', 'false', 'id IN (1, 2)', 'x IS NULL']) {
    assert.ok(!ids(`DELETE FROM users WHERE ${w}`).includes('db.sql.delete-all'), w);
    assert.ok(!ids(`UPDATE users SET a = 1 WHERE ${w}`).includes('db.sql.update-all'), w);
  }
  assert.deepEqual(ids('DELETE FROM users'), ['db.sql.delete-all']);
  assert.deepEqual(ids('UPDATE users SET admin = true'), ['db.sql.update-all']);
});

test('PostgreSQL: statements classified from the tree', () => {
  assert.deepEqual(ids('DROP TABLE IF EXISTS a, b CASCADE'), ['db.sql.drop', 'db.sql.drop']);
  assert.equal(analyseSql('DROP SCHEMA public CASCADE').findings[0].risk, 'critical');
  assert.deepEqual(ids('TRUNCATE users'), ['db.sql.truncate']);
  assert.deepEqual(ids('ALTER TABLE t DROP COLUMN c'), ['db.sql.alter-drop']);
  assert.deepEqual(ids('ALTER TABLE t ALTER COLUMN c DROP NOT NULL'), []);
  assert.deepEqual(ids('ALTER TABLE t ADD COLUMN c int'), []);
  assert.deepEqual(ids('DROP OWNED BY bob'), ['db.sql.drop-owned']);
  assert.deepEqual(ids('VACUUM FULL users'), ['db.sql.vacuum-full']);
  assert.deepEqual(ids('VACUUM users'), []);
  assert.deepEqual(ids("COPY users TO PROGRAM 'gzip > /tmp/u.gz'"), ['db.sql.copy-program']);
  assert.equal(analyseSql("COPY users TO PROGRAM 'rm -rf /'").shell[0].command, 'rm -rf /');
  assert.deepEqual(ids("COPY users TO '/etc/passwd'"), ['db.sql.copy-file']);
  assert.deepEqual(ids('COPY users TO STDOUT'), []);
  assert.deepEqual(ids('WITH gone AS (DELETE FROM t RETURNING *) SELECT * FROM gone'), ['db.sql.delete-all']);
  assert.deepEqual(ids('SELECT pg_terminate_backend(pid) FROM pg_stat_activity'), ['db.sql.terminate']);
  assert.deepEqual(ids("SELECT dblink_exec('dbname=x', 'DROP TABLE t')"), ['db.sql.drop']);
  assert.deepEqual(ids('SELECT * FROM users WHERE id = 1'), []);
  assert.deepEqual(ids("INSERT INTO users VALUES (1, 'DROP TABLE x')"), []);
});

test('PostgreSQL: broad GRANT/REVOKE are high, narrow ones low', () => {
  const risk = (sql: string) => analyseSql(sql).findings.map((f) => `${f.id}:${f.risk}`);
  assert.deepEqual(risk('GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC'), ['db.sql.grant:high']);
  assert.deepEqual(risk('REVOKE ALL ON DATABASE app FROM admin'), ['db.sql.grant:high']);
  assert.deepEqual(risk('GRANT SELECT ON users TO PUBLIC'), ['db.sql.grant:high']);
  assert.deepEqual(risk('GRANT rds_superuser TO intern'), ['db.sql.grant:high']);
  assert.deepEqual(risk('ALTER ROLE intern WITH SUPERUSER'), ['db.sql.grant:high']);
  assert.deepEqual(risk('GRANT SELECT ON users TO reporting'), ['db.sql.grant:low']);
});

test('PostgreSQL: DO blocks and function bodies are parsed, EXECUTE of a literal is read, a built one asks', () => {
  assert.deepEqual(ids("DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$"), ['db.sql.drop']);
  assert.deepEqual(ids("DO $$ BEGIN EXECUTE $q$TRUNCATE users$q$; END $$"), ['db.sql.truncate']);
  assert.deepEqual(ids("DO $$ BEGIN EXECUTE 'DROP TABLE ' || quote_ident('users'); END $$"), ['db.sql.dynamic']);
  assert.deepEqual(ids("DO $$ BEGIN EXECUTE format('DROP TABLE %I', 'users'); END $$"), ['db.sql.dynamic']);
  assert.deepEqual(ids('DO $$ BEGIN DELETE FROM users; END $$'), ['db.sql.delete-all']);
  assert.deepEqual(ids('DO $$ BEGIN PERFORM pg_terminate_backend(42); END $$'), ['db.sql.terminate']);
  assert.deepEqual(ids("DO $$ BEGIN RAISE NOTICE 'hello'; END $$"), []);
  assert.deepEqual(ids('CREATE FUNCTION f() RETURNS void AS $$ BEGIN DROP TABLE x; END $$ LANGUAGE plpgsql'), ['db.sql.drop']);
  assert.deepEqual(ids('CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$ DELETE FROM t $$'), ['db.sql.delete-all']);
  assert.deepEqual(ids("CREATE FUNCTION f() RETURNS int AS $$ import os; os.system('rm -rf /') $$ LANGUAGE plpython3u"), ['db.sql.untrusted-code']);
  assert.deepEqual(ids('CREATE FUNCTION add(a int, b int) RETURNS int AS $$ SELECT a + b $$ LANGUAGE sql'), []);
});

test('MySQL, MariaDB and SQLite dialects', () => {
  assert.deepEqual(ids('DELETE FROM users WHERE 1', 'mysql'), ['db.sql.delete-all']);
  assert.deepEqual(ids("DELETE FROM users WHERE 'x' LIKE '%'", 'mysql'), ['db.sql.delete-all']);
  assert.deepEqual(ids('DELETE FROM users WHERE id = 7', 'mysql'), ['db.sql.delete']);
  assert.deepEqual(ids('DROP DATABASE shop', 'mysql').length, 1);
  assert.equal(analyseSql('DROP DATABASE shop', 'mysql').findings[0].risk, 'critical');
  assert.deepEqual(ids('ALTER TABLE t DROP COLUMN c', 'mariadb'), ['db.sql.alter-drop']);
  assert.deepEqual(ids("GRANT ALL PRIVILEGES ON *.* TO 'bob'@'%'", 'mysql'), ['db.sql.grant']);
  assert.deepEqual(ids('UPDATE t SET a = 1 WHERE 2 > 1', 'sqlite'), ['db.sql.update-all']);
  assert.deepEqual(ids('SELECT * FROM t', 'sqlite'), []);
  assert.deepEqual(ids('select * frm', 'mysql'), ['db.sql.unparseable']);
  assert.ok(analyseSql('select * frm', 'mysql').findings[0].prodOnly);
});

test('statement splitting respects quotes, dollar quotes and comments', () => {
  assert.deepEqual(splitStatements("SELECT ';'; -- a; b\nDROP TABLE x; DO $$ BEGIN NULL; END $$;").map((s) => s.trim()), ["SELECT ';'", '-- a; b\nDROP TABLE x', 'DO $$ BEGIN NULL; END $$']);
});

test('client meta-commands are found outside quotes', () => {
  assert.deepEqual(splitClientInput('\\! rm -rf src', 'psql').metas, [{ kind: 'shell', command: 'rm -rf src', text: '\\! rm -rf src' }]);
  assert.deepEqual(splitClientInput("SELECT '\\! not a command'", 'psql').metas, []);
  assert.deepEqual(splitClientInput('select 1 \\g |sh', 'psql').metas.map((m) => m.kind), ['shell']);
  assert.deepEqual(splitClientInput('\\o ~/.bashrc', 'psql').metas.map((m) => m.kind), ['write']);
  assert.deepEqual(splitClientInput('select 1 \\gexec', 'psql').metas.map((m) => m.kind), ['dynamic']);
  assert.deepEqual(splitClientInput('.read x.sql\nSELECT 1;\n.system ls', 'sqlite3').metas.map((m) => m.kind), ['include', 'shell']);
  assert.deepEqual(splitClientInput('source x.sql\nsystem ls\n\\! pwd', 'mysql').metas.map((m) => m.kind), ['include', 'shell', 'shell']);
});

test('engine: positives ask in production', async () => {
  for (const cmd of [
    'psql -c "DELETE FROM users WHERE (1=1)"',
    `psql -c "DO \\$\\$ BEGIN EXECUTE 'DROP TABLE users'; END \\$\\$"`,
    "psql -c '\\! rm -rf src'",
    "psql -c '\\i drop.sql'",
    "psql -f nested.sql",
    "psql -c \"COPY users TO PROGRAM 'curl -X DELETE https://api.example.com/x'\"",
    "psql -c '\\copy t to program \"rm -rf src\"'",
    'psql -c "$QUERY"',
    'psql -c "$(cat f.sql)"',
    'psql -f "$FILE"',
    'curl -s https://example.com/x.sql | psql',
    'psql -c "DROP OWNED BY app"',
    'psql -c "VACUUM FULL"',
    'mysql -e "DELETE FROM users WHERE 1=1"',
    'mysql -e "system rm -rf src"',
    "mysql --init-command='DROP TABLE t' app",
    'sqlite3 app.db ".shell rm -rf src"',
    'sqlite3 app.db ".read drop.sql"',
    "sqlite3 app.db '.output /home/dev/app/.twokey/policy.json'",
    'sqlite3 app.db "DELETE FROM t WHERE 2>1"',
    'psql -c "selec * frm users"',
  ]) {
    const v = await check(cmd);
    assert.notEqual(v.decision, 'allow', `${cmd}: ${v.reason}`);
  }
});

test('engine: look-alikes stay allowed', async () => {
  for (const [cmd, env] of [
    ['psql -c "SELECT * FROM users"', 'production'],
    ['psql -c "DELETE FROM users WHERE id = 7"', 'development'],
    ["psql -f seed.sql", 'development'],
    ['psql -c "\\dt"', 'production'],
    ["psql -c '\\! ls'", 'production'],
    ['mysql -e "SELECT 1"', 'production'],
    ['sqlite3 app.db "select count(*) from t"', 'production'],
    ['psql -c "$QUERY"', 'development'],
    ['psql -c "selec * frm users"', 'development'],
    ['psql', 'production'],
  ] as const) {
    const v = await check(cmd, env);
    assert.equal(v.decision, 'allow', `${cmd} in ${env}: ${v.reason}`);
  }
  // Seeding production writes to it: asked as a state change, not as a destructive statement.
  const seed = await check('psql -f seed.sql', 'production');
  assert.deepEqual([seed.decision, seed.rules], ['ask', ['change.db.write']]);
});
