/**
 * The guard path registry on real files: globs expanded as the shell would, `cd` into
 * `.twokey` earlier on the line, symlinks to `.twokey` and to the state folder, folders
 * that hold a guard folder; and the same answer from the engine's guard-file rule, the agent
 * hooks' classification and the credential watch.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { guardPathOf, GUARD_PATH_WORDS } from '../../src/core/guardPaths';
import { createEngine } from '../../src/core/engine';
import { classifyCall, guardFileKind, isCredentialFile } from '../../src/core/hooks/classify';
import { classifyWatchedFile, workspaceSpecs } from '../../src/core/credentials';
import type { AgentCall } from '../../src/core/hooks/types';

function world() {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-guard-')));
  const home = path.join(base, 'home');
  const ws = path.join(home, 'app');
  const state = path.join(home, '.local', 'state', 'twokey');
  fs.mkdirSync(path.join(ws, '.twokey'), { recursive: true });
  fs.mkdirSync(state, { recursive: true });
  fs.writeFileSync(path.join(ws, '.twokey', 'policy.json'), '{}');
  fs.writeFileSync(path.join(ws, '.twokey', 'audit.jsonl'), '');
  fs.writeFileSync(path.join(state, 'audit-key'), 'k', { mode: 0o600 });
  fs.writeFileSync(path.join(state, 'audit-head-0123.json'), '{}');
  fs.symlinkSync(path.join(ws, '.twokey'), path.join(ws, 'innocent'));
  fs.symlinkSync(state, path.join(ws, 'cache'));
  fs.symlinkSync(path.join(state, 'audit-key'), path.join(ws, 'notes.txt'));
  const env = { HOME: home };
  return { base, home, ws, state, env };
}

test('the registry: globs, symlinks, folders that hold a guard folder, the state folder and its key', () => {
  const { home, ws, state, env } = world();
  const ctx = { cwd: ws, roots: [ws], home, env };
  assert.equal(guardPathOf('.twokey/policy.json', ctx)?.kind, 'guard');
  assert.equal(guardPathOf('.twokey/audit.jsonl', ctx)?.kind, 'audit');
  assert.equal(guardPathOf('.tw*/audit.jsonl', ctx)?.kind, 'audit', 'glob');
  assert.equal(guardPathOf('.[t]wokey/policy.json', ctx)?.kind, 'guard', 'bracket glob');
  assert.equal(guardPathOf('.tw?key', ctx, { recursive: true })?.kind, 'audit', 'the folder holds the log');
  assert.equal(guardPathOf('innocent/audit.jsonl', ctx)?.kind, 'audit', 'symlink to .twokey');
  assert.equal(guardPathOf('cache/audit-head-0123.json', ctx)?.kind, 'state', 'symlink to the state folder');
  assert.equal(guardPathOf('notes.txt', ctx)?.kind, 'secret', 'symlink to the chain key');
  assert.equal(guardPathOf('~/.local/state/twokey', ctx)?.kind, 'state');
  assert.equal(guardPathOf(path.join(state, 'launcher', 'hook.sh'), ctx)?.kind, 'state', 'a file not there yet');
  assert.equal(guardPathOf('~/.local', ctx, { recursive: true })?.contains, true, 'a folder holding the state folder');
  assert.equal(guardPathOf('.', ctx, { recursive: true })?.kind, 'audit', 'the workspace holds .twokey');
  assert.equal(guardPathOf('~/.claude/settings.json', ctx)?.kind, 'guard');
  assert.equal(guardPathOf('.codex/config.toml', ctx)?.kind, 'guard');
  assert.equal(guardPathOf(path.join(ws, 'sub', '.twokey', 'policy.json'), ctx)?.kind, 'guard', 'a nested workspace');
  for (const plain of ['src/index.ts', 'build', 'README.md', '.tw', 'twokey-notes.md', '.env']) assert.equal(guardPathOf(plain, ctx), undefined, plain);
  assert.equal(guardPathOf('build', ctx, { recursive: true }), undefined);
  // The state folder follows TWOKEY_STATE_DIR as the CLI does.
  const other = path.join(home, 'elsewhere');
  fs.mkdirSync(other);
  assert.equal(guardPathOf(path.join(other, 'audit-key'), { ...ctx, env: { ...env, TWOKEY_STATE_DIR: other } })?.kind, 'secret');
  assert.ok(GUARD_PATH_WORDS.includes('.twokey'));
});

test('the engine: cd into .twokey, globs, symlinks and the state folder are guard edits', async () => {
  const { home, ws, env } = world();
  // A generous budget: under load the default 200 ms would turn a line into `ask` without its rules.
  const engine = await createEngine({ timeBudgetMs: 10_000 });
  const check = (command: string) => engine.check({ command, cwd: ws, workspaceRoot: ws, home, env });
  const guarded = [
    'cd .twokey && rm audit.jsonl',
    'cd .twokey; truncate -s0 audit.jsonl',
    'cd .twokey; : > audit.jsonl',
    'rm -rf .tw*',
    'rm .tw?key/audit.jsonl',
    'rm innocent/audit.jsonl',
    'echo {} > innocent/policy.json',
    'rm -rf cache/',
    'echo x > notes.txt',
    'rm -rf ~/.local/state/twokey',
    'rm -rf ~/.local',
    'mv ~/.local/state /tmp/x',
    'cp /dev/null ~/.local/state/twokey/audit-key',
    'cd ~/.local/state && rm -f twokey/audit-head-0123.json',
  ];
  for (const c of guarded) {
    const v = check(c);
    assert.ok(v.rules.includes('guard.policy-edit'), `${c}: ${v.decision} ${v.rules.join(',')}`);
    assert.notEqual(v.decision, 'allow', c);
  }
  for (const c of ['rm -rf build', 'echo hi > notes.md', 'cd src && rm old.ts', 'cat .twokey/policy.json']) {
    assert.ok(!check(c).rules.includes('guard.policy-edit'), c);
  }
  assert.equal(check('cd .twokey && rm audit.jsonl').risk, 'critical');
  // A folder known only when the line runs: a relative guard name may be in any guard folder.
  for (const c of ['cd "$X"; rm -f audit.jsonl', 'cd $(cat d) && echo {} > policy.json', 'cd .twokey; cd "$Y"; rm -f audit.jsonl']) {
    assert.ok(check(c).rules.includes('guard.policy-edit'), c);
  }
  for (const c of ['cd "$X"; rm -f readme.md', 'cd src && rm -f audit.jsonl']) assert.ok(!check(c).rules.includes('guard.policy-edit'), c);
});

test('the agent hooks: the same registry for edits, and reading the chain key is a credential read', () => {
  const { home, ws, state } = world();
  assert.equal(guardFileKind(path.join(ws, 'innocent', 'audit.jsonl'), [ws], home), 'audit');
  assert.equal(guardFileKind(path.join(ws, 'cache', 'audit-head-0123.json'), [ws], home), 'audit');
  assert.equal(guardFileKind(path.join(ws, '.codex', 'config.toml'), [ws], home), 'guard');
  assert.equal(guardFileKind(path.join(ws, 'src', 'a.ts'), [ws], home), undefined);
  assert.equal(isCredentialFile(path.join(state, 'audit-key'), home), true);
  assert.equal(isCredentialFile(path.join(ws, 'notes.txt'), home), true, 'through a symlink');
  const call = (kind: AgentCall['kind'], file: string): AgentCall =>
    ({ agent: 'claude-code', kind, tool: kind === 'read' ? 'Read' : 'Write', paths: [file], roots: [ws], cwd: ws, input: {} }) as unknown as AgentCall;
  const edit = classifyCall(call('edit', path.join(ws, 'innocent', 'policy.json')), { home });
  assert.ok(edit.rules.includes('guard.policy-edit'), edit.rules.join(','));
  const read = classifyCall(call('read', path.join(ws, 'notes.txt')), { home });
  assert.equal(read.decision, 'deny', read.rules.join(','));
});

test('the credential watch: every guard file of the registry is watched and classified, symlinked ones too', () => {
  const { ws } = world();
  const specs = workspaceSpecs(ws);
  assert.deepEqual(classifyWatchedFile(path.join(ws, '.codex', 'config.toml'), ws, specs), { kind: 'guard', guard: 'agent-settings', rel: '.codex/config.toml' });
  assert.equal(classifyWatchedFile(path.join(ws, '.twokey', 'policy.json'), ws, specs)?.kind, 'guard');
  assert.equal(classifyWatchedFile(path.join(ws, '.twokey', 'audit.jsonl'), ws, specs), undefined, "TwoKey's own appends are not a guard change");
  assert.ok(specs.some((s) => s.kind === 'guard' && s.pattern === '.gemini/settings.json'));
});
