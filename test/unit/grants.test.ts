/**
 * An approval covers what the approved line itself runs (src/core/grants.ts): the child
 * bash of `bash -c …` and a PATH shim started by the line are not asked a second time, but
 * only from below the approving shell, within the window, for the same commands, as often as
 * the line has them. Words come from the real engine; the process tree from real processes.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApprovalGrants, GRANT_WINDOW_MS, commandWords } from '../../src/core/grants';
import { createEngine } from '../../src/core/engine';
import { argvToLine } from '../../src/core/argv';
import { DecisionService } from '../../src/core/decisions';
import { AuditLog, MemoryHeadStore } from '../../src/core/audit';
import { ancestorPids } from '../../src/intercept/coverage';

const SHELL = 4242;
const CWD = '/work/app';

test("a child's commands are covered by the approved line that runs them, once each", async () => {
  const engine = await createEngine();
  const words = (command: string) => commandWords(engine, { command, cwd: CWD, env: {}, home: '/home/u', source: 'terminal' });
  const g = new ApprovalGrants();
  g.note(SHELL, 'bash -c "rm -rf build" && terraform destroy', words('bash -c "rm -rf build" && terraform destroy'), 1000);
  // The child bash (BASH_ENV gate) asks about its command string; the shim sends its argv.
  assert.equal(g.take([777, SHELL], words('rm -rf build'), 1500), 'bash -c "rm -rf build" && terraform destroy');
  assert.equal(g.take([778, SHELL], words(argvToLine(['terraform', 'destroy'])), 1600), 'bash -c "rm -rf build" && terraform destroy');
  assert.equal(g.take([779, SHELL], words('terraform destroy'), 1700), undefined, 'used up: the line ran it once');
});

test('quoting does not matter, the words do: psql -c "…" and the shim\'s argv agree', async () => {
  const engine = await createEngine();
  const words = (command: string) => commandWords(engine, { command, cwd: CWD, env: {}, home: '/home/u', source: 'terminal' });
  const g = new ApprovalGrants();
  g.note(SHELL, 'psql -c "DROP TABLE users"', words('psql -c "DROP TABLE users"'), 0);
  assert.equal(g.take([SHELL], words(argvToLine(['psql', '-c', 'DROP TABLE users'])), 10), 'psql -c "DROP TABLE users"');
});

test('nothing else is covered: another shell, the same shell again, other commands, too late', async () => {
  const engine = await createEngine();
  const words = (command: string) => commandWords(engine, { command, cwd: CWD, env: {}, home: '/home/u', source: 'terminal' });
  const g = new ApprovalGrants();
  g.note(SHELL, 'bash -c "rm -rf build"', words('bash -c "rm -rf build"'), 0);
  assert.equal(g.take([5, 6], words('rm -rf build'), 10), undefined, 'not below the approving shell');
  assert.equal(g.take([], words('rm -rf build'), 10), undefined, 'the approving shell itself (its next line) is asked again');
  assert.equal(g.take([SHELL], words('rm -rf build dist'), 10), undefined, 'more than was approved');
  assert.equal(g.take([SHELL], words('rm -rf build; rm -rf /'), 10), undefined, 'one approved command does not carry another');
  assert.equal(g.take([SHELL], [], 10), undefined);
  assert.equal(g.take([SHELL], words('rm -rf build'), GRANT_WINDOW_MS + 1), undefined, 'the window has passed');
  assert.equal(g.active(GRANT_WINDOW_MS + 1), false);
});

test('a covered request is allowed on the earlier approval, recorded as decided by a human', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-grant-'));
  const engine = await createEngine();
  const audit = new AuditLog({ dir: path.join(dir, '.twokey'), headStore: new MemoryHeadStore(), fsync: false });
  const asked: string[] = [];
  const svc = new DecisionService(() => engine, { ask: async (r) => (asked.push(r.command), 'deny') }, () => audit);
  const base = { cwd: dir, workspaceRoot: dir, home: '/home/nobody', source: 'task' as const, origin: 'test' };
  const r = await svc.decide({ ...base, command: 'rm -rf src', coveredBy: 'bash -c "rm -rf src"' });
  assert.equal(r.decision, 'allow');
  assert.deepEqual(asked, [], 'nobody asked twice');
  const [rec] = [...audit.read({})];
  assert.equal(rec.decision, 'allowed');
  assert.equal(rec.decidedBy, 'human');
  assert.match(String(rec.reason), /Part of `bash -c "rm -rf src"`, which a person allowed once/);
  // A policy deny is never covered.
  const denyEngine = { check: (q: Parameters<typeof engine.check>[0]) => ({ ...engine.check(q), decision: 'deny' as const }) };
  const strict = new DecisionService(() => denyEngine, { ask: async () => 'allow' }, () => audit);
  assert.equal((await strict.decide({ ...base, command: 'rm -rf src', coveredBy: 'rm -rf src' })).decision, 'deny');
});

const kids: ChildProcess[] = [];
after(() => kids.forEach((k) => k.kill('SIGKILL')));

for (const platform of ['linux', 'darwin'] as const) {
  test(`${platform} reading: the process tree above a shell's grandchild`, async () => {
    // bash (outer) → sh (inner) → sleep: the sleep's ancestors start with sh, then bash.
    const outer = spawn('bash', ['-c', 'sh -c "sleep 30; :"; :'], { stdio: 'ignore' });
    kids.push(outer);
    await new Promise((r) => setTimeout(r, 300));
    const children = (p: number) => fs.readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    const inner = children(outer.pid!)[0];
    const sleeper = children(inner)[0];
    assert.ok(inner && sleeper, 'the tree is up');
    const chain = await ancestorPids(sleeper, 8, platform);
    assert.deepEqual(chain.slice(0, 3), [inner, outer.pid, process.pid]);
  });
}
