/**
 * Loosening detection for each guard and agent control file: positives with a reason a
 * person can read, and negatives (tightening, reformatting, unrelated edits).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoosening } from '../../../src/core/credentials';

const j = (v: unknown) => JSON.stringify(v, null, 2);

describe('.twokey/policy.json', () => {
  const base = {
    environments: { production: { patterns: ['live'], hosts: ['*.prod.example.com'], resources: ['vol-1'] } },
    overrides: [
      { rule: 'db.*', decision: 'confirm' },
      { rule: 'fs.*', paths: ['build/**'], decision: 'allow' },
    ],
    shims: ['pscale'],
    watch: ['~/.pgpass'],
    protectedVariables: ['DATABASE_URL'],
    maskedVariables: ['PROD_*'],
  };
  const with_ = (patch: object) => j({ ...base, ...patch });

  const positives: Array<[string, string, RegExp]> = [
    ['an override loosened', with_({ overrides: [{ rule: 'db.*', decision: 'ask' }, base.overrides[1]] }), /"db\.\*" went from "confirm" to "ask"/],
    ['an ask/confirm override removed', with_({ overrides: [base.overrides[1]] }), /"db\.\*" with decision "confirm" was removed/],
    ['a new allow', with_({ overrides: [...base.overrides, { rule: 'paas.*', decision: 'allow' }] }), /new override "paas\.\*" allows/],
    ['an allow broadened', with_({ overrides: [base.overrides[0], { rule: 'fs.*', paths: ['**'], decision: 'allow' }] }), /new override "fs\.\*" \(paths \*\*\) allows/],
    ['a production host removed', with_({ environments: { production: { patterns: ['live'], hosts: [], resources: ['vol-1'] } } }), /production hosts removed: \*\.prod\.example\.com/],
    ['something placed in development', with_({ environments: { ...base.environments, development: { resources: ['*'] } } }), /development resources added/],
    ['a shim removed', with_({ shims: [] }), /shims removed: pscale/],
    ['a shim turned off', with_({ shims: ['pscale', '!railway'] }), /shims turned off: railway/],
    ['a watched file removed', with_({ watch: [] }), /watched files removed: ~\/\.pgpass/],
    ['a protected variable removed', with_({ protectedVariables: [] }), /protected variables removed/],
    ['a masked variable removed', with_({ maskedVariables: [] }), /no longer kept out of terminals: PROD_\*/],
    ['a signal added', with_({ signals: { variables: ['MY_ENV'] } }), /signals added/],
    ['the file broken', '{ "overrides": [', /no longer parses/],
  ];
  for (const [what, after, reason] of positives) {
    test(`loosening: ${what}`, () => {
      const r = isLoosening('policy', j(base), after);
      assert.ok(r.loosening, what);
      assert.ok(r.reasons.some((x) => reason.test(x)), `${reason} in ${JSON.stringify(r.reasons)}`);
    });
  }

  test('loosening: the file deleted', () => {
    assert.ok(isLoosening('policy', j(base), undefined).loosening);
  });

  const negatives: Array<[string, string]> = [
    ['the same text', j(base)],
    ['reformatted with comments', '// tightened\n' + JSON.stringify(base)],
    ['an override tightened', with_({ overrides: [{ rule: 'db.*', decision: 'deny' }, base.overrides[1]] })],
    ['an allow removed', with_({ overrides: [base.overrides[0]] })],
    ['a new deny', with_({ overrides: [...base.overrides, { rule: '*', decision: 'deny' }] })],
    ['a production pattern added', with_({ environments: { production: { ...base.environments.production, patterns: ['live', 'main'] } } })],
    ['a shim, a watched file and a masked variable added', with_({ shims: ['pscale', 'supabase'], watch: ['~/.pgpass', '~/.my.cnf'], maskedVariables: ['PROD_*', 'STRIPE_*'] })],
  ];
  for (const [what, after] of negatives) {
    test(`not loosening: ${what}`, () => {
      const r = isLoosening('policy', j(base), after);
      assert.deepEqual(r, { loosening: false, reasons: [] }, what);
    });
  }

  test('a new permissive file where there was none is loosening; a strict one is not', () => {
    assert.ok(isLoosening('policy', undefined, j({ overrides: [{ rule: '*', decision: 'allow' }] })).loosening);
    assert.ok(!isLoosening('policy', undefined, j({ overrides: [{ rule: '*', decision: 'confirm' }] })).loosening);
  });
});

describe('agent hook files', () => {
  const cmd = '/usr/bin/node /home/u/.vscode/extensions/twokey/dist/cli.js hook cursor';
  const cursor = (entries: object[], extra: object = {}) => j({ version: 1, hooks: { beforeShellExecution: entries, beforeReadFile: [{ command: cmd, timeout: 130, failClosed: true }], ...extra } });
  const ours = { command: cmd, timeout: 130, failClosed: true };

  test('cursor: our hook removed, failClosed turned off, or the file deleted', () => {
    assert.match(isLoosening('cursor-hooks', cursor([ours]), cursor([])).reasons.join(), /TwoKey hook on beforeShellExecution was removed/);
    assert.match(isLoosening('cursor-hooks', cursor([ours]), cursor([{ ...ours, failClosed: false }])).reasons.join(), /failClosed was turned off/);
    assert.match(isLoosening('cursor-hooks', cursor([ours]), cursor([{ ...ours, command: 'true' }])).reasons.join(), /removed/);
    assert.ok(isLoosening('cursor-hooks', cursor([ours]), undefined).loosening);
  });

  test('cursor: another hook added, or a timeout reformatted, is not loosening', () => {
    assert.ok(!isLoosening('cursor-hooks', cursor([ours]), cursor([ours, { command: './audit.sh' }])).loosening);
    assert.ok(!isLoosening('cursor-hooks', cursor([ours]), JSON.stringify(JSON.parse(cursor([ours])))).loosening);
    assert.ok(!isLoosening('cursor-hooks', undefined, cursor([ours])).loosening, 'installing is not loosening');
  });

  test('claude code: hook removed, permissions widened, hooks disabled, bypass mode', () => {
    const hook = { matcher: 'Bash', hooks: [{ type: 'command', command: '/usr/bin/node /x/dist/cli.js hook claude-code', timeout: 130 }] };
    const base = { hooks: { PreToolUse: [hook] }, permissions: { allow: ['Read'], deny: ['Bash(rm -rf:*)'] } };
    const L = (after: object) => isLoosening('claude-settings', j(base), j(after));
    assert.match(L({ ...base, hooks: {} }).reasons.join(), /TwoKey hook on PreToolUse was removed/);
    assert.match(L({ ...base, permissions: { allow: ['Read', 'Bash(*)'], deny: base.permissions.deny } }).reasons.join(), /without asking: Bash\(\*\)/);
    assert.match(L({ ...base, permissions: { allow: ['Read'], deny: [] } }).reasons.join(), /deny rules removed/);
    assert.match(L({ ...base, disableAllHooks: true }).reasons.join(), /disableAllHooks/);
    assert.match(L({ ...base, permissions: { ...base.permissions, defaultMode: 'bypassPermissions' } }).reasons.join(), /bypassPermissions/);
    assert.ok(!L({ ...base, permissions: { allow: [], deny: ['Bash(rm -rf:*)', 'Bash(git push:*)'] } }).loosening);
  });

  test('copilot: our PreToolUse entry removed', () => {
    const base = { hooks: { PreToolUse: [{ type: 'command', command: 'node /x/dist/cli.js hook copilot', timeout: 130 }] } };
    assert.ok(isLoosening('copilot-hooks', j(base), j({ hooks: { PreToolUse: [] } })).loosening);
    assert.ok(!isLoosening('copilot-hooks', j(base), j({ hooks: { PreToolUse: [...base.hooks.PreToolUse, { type: 'command', command: 'echo' }] } })).loosening);
  });
});

describe('VS Code settings that let agents act without approval', () => {
  const L = (before: object, after: object) => isLoosening('vscode-settings', j(before), j(after));

  test('terminal auto-approve entries set to true, or broadened', () => {
    const base = { 'chat.tools.terminal.autoApprove': { '/^git status$/': true, rm: false } };
    assert.match(L(base, { 'chat.tools.terminal.autoApprove': { ...base['chat.tools.terminal.autoApprove'], rm: true } }).reasons.join(), /"rm" now runs without approval/);
    assert.match(L(base, { 'chat.tools.terminal.autoApprove': { '/^git .*$/': true, rm: false } }).reasons.join(), /"\/\^git \.\*\$\/" now runs without approval/);
    assert.match(L(base, { 'chat.tools.terminal.autoApprove': { '/^git status$/': true } }).reasons.join(), /never-approve entry "rm" was removed/);
    assert.match(L({}, { 'chat.tools.terminal.autoApprove': { '/.*/': { approve: true, matchCommandLine: true } } }).reasons.join(), /now runs without approval/);
  });

  test('global, edits and legacy auto-approve turned on (flat or nested keys)', () => {
    assert.ok(L({}, { 'chat.tools.global.autoApprove': true }).loosening);
    assert.ok(L({}, { 'chat.tools.autoApprove': true }).loosening);
    assert.ok(L({}, { chat: { tools: { edits: { autoApprove: { '**/.env': true } } } } }).loosening);
    assert.ok(L({ 'chat.agent.terminal.denyList': { rm: true } }, {}).loosening);
  });

  test('unrelated settings and tightening are not loosening', () => {
    assert.ok(!L({ 'editor.tabSize': 2 }, { 'editor.tabSize': 4 }).loosening);
    assert.ok(!L({ 'chat.tools.global.autoApprove': true }, { 'chat.tools.global.autoApprove': false }).loosening);
    assert.ok(!L({ 'chat.tools.terminal.autoApprove': { rm: true } }, { 'chat.tools.terminal.autoApprove': { rm: false } }).loosening);
  });
});
