/**
 * The engine's side of "the guard guards itself": every way a line can change what the shell
 * gates rely on (protected variables, the gates' hooks, traps and options, shells started
 * without a gate) is asked, whatever the spelling; ordinary look-alikes are not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { check } from '../engine/helpers';
import { createWorkspaceEngine } from '../../../src/core/workspaceEngine';

import { ATTACKS } from './attacks';

for (const [family, lines] of Object.entries(ATTACKS)) {
  test(`stopped: ${family}`, async () => {
    const let_through: string[] = [];
    for (const l of lines) {
      const v = await check(l);
      if (v.decision === 'allow') let_through.push(`${l} (${v.rules.join(',')})`);
    }
    assert.deepEqual(let_through, []);
  });
}

test('look-alikes stay quiet', async () => {
  const quiet = [
    'export FOO=1',
    'FOO=bar make',
    'unset FOO',
    'read -r line < /dev/null',
    'printf -v out %s hi',
    'for f in *.txt; do echo "$f"; done',
    'declare -a xs=(1 2)',
    'declare -F __twokey_trap',
    'typeset -f __twokey_preexec',
    'declare -p TWOKEY_SOCKET',
    'echo "$TWOKEY_SOCKET"',
    'export PATH=$PATH:~/bin',
    'export PATH="$PATH:/opt/x/bin"',
    'PATH=${PATH}:/x',
    'myfn() { ls; }',
    'hash',
    'hash -r',
    'hash -d proj=~/src/proj',
    'commands=(build test)',
    'echo "${commands[@]}"',
    "trap 'rm -f /tmp/lock' EXIT",
    'trap - INT',
    'setopt extended_glob',
    'unsetopt beep',
    'set -euo pipefail',
    'emulate -L zsh',
    'shopt -s globstar',
    'bash x.sh',
    'bash -c "echo hi"',
    'sh -c "echo hi"',
    'zsh x.zsh',
    'curl -s https://example.com/x | sh',
    "PS1='\\u@\\h \\w $ '",
  ];
  const prompted: string[] = [];
  for (const l of quiet) {
    const v = await check(l);
    if (v.decision !== 'allow' && !v.rules.includes('shell.unanalysable')) prompted.push(`${l} → ${v.rules.join(',')}`);
  }
  assert.deepEqual(prompted, []);
});

test('the reason names the protected variable and the rule', async () => {
  const v = await check('TWOKEY_NODE=true psql');
  assert.equal(v.decision, 'ask');
  assert.ok(v.rules.includes('guard.protected-variable'));
  assert.match(v.reason, /TWOKEY_NODE/);
});

test("the workspace policy's protectedVariables are enforced, read again after a reload", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-guard-'));
  fs.mkdirSync(path.join(root, '.twokey'));
  const file = path.join(root, '.twokey', 'policy.json');
  fs.writeFileSync(file, JSON.stringify({ version: 1, protectedVariables: ['MY_DEPLOY_TARGET'] }));
  const ws = await createWorkspaceEngine({ workspaceRoot: root, trusted: true, homeDir: root, hostEnv: {} });
  const judge = (command: string) => ws.engine.check({ command, cwd: root, workspaceRoot: root, home: root, env: {} });
  for (const l of ['MY_DEPLOY_TARGET=prod', 'export MY_DEPLOY_TARGET=prod', 'env MY_DEPLOY_TARGET=x make', 'unset MY_DEPLOY_TARGET']) {
    const v = judge(l);
    assert.equal(v.decision, 'ask', l);
    assert.ok(v.rules.includes('guard.protected-variable'), l);
  }
  assert.equal(judge('OTHER_TARGET=prod').decision, 'allow');
  // The defaults stay protected beside the workspace's own names.
  assert.equal(judge('export KUBECONFIG=/tmp/k').decision, 'ask');
  fs.writeFileSync(file, JSON.stringify({ version: 1, protectedVariables: ['MY_DEPLOY_TARGET', 'OTHER_TARGET'] }));
  ws.reload();
  assert.equal(judge('OTHER_TARGET=prod').decision, 'ask');
});
