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

/** Each family, in several spellings: all must be stopped (not `allow`). */
const ATTACKS: Record<string, string[]> = {
  'gate variables (plain assignment, prefix, export and friends)': [
    'TWOKEY_NODE=true',
    'TWOKEY_GATE_JS=/tmp/x.js',
    'TWOKEY_SOCKET=/tmp/fake.sock psql',
    'export TWOKEY_SOCKET=/tmp/x',
    'declare TWOKEY_GATE_JS=/tmp/x',
    'declare -gx TWOKEY_NODE=true',
    'typeset -g TWOKEY_NODE=true',
    'local PROMPT_COMMAND=',
    'readonly BASH_ENV=/dev/null',
    'printf -v TWOKEY_NODE %s true',
    'printf -vTWOKEY_NODE %s true',
    'read TWOKEY_NODE <<< true',
    'read -r -p x TWOKEY_SOCKET',
    'mapfile -t TWOKEY_NODE < /dev/null',
    'getopts ab TWOKEY_NODE',
    'let __twokey_new_line=0',
    'for TWOKEY_NODE in true; do :; done',
    'declare -n r=TWOKEY_NODE',
    'env TWOKEY_NODE=true psql',
    'unset TWOKEY_SOCKET',
    'unset -v __twokey_vsc',
    '__twokey_new_line=0',
    'echo ok; __twokey_last_hist=x',
  ],
  'environment wiped or one gate variable removed for a child': [
    'env -u PROMPT_COMMAND bash',
    'env -u BASH_ENV bash x.sh',
    'env --unset=BASH_ENV bash x.sh',
    'env -i bash x.sh',
    'exec -c bash x.sh',
    'BASH_ENV= bash x.sh',
    'BASH_ENV=/dev/null bash -c "echo hi"',
    'ZDOTDIR=/tmp zsh',
    'ENV=/tmp/x sh -i',
  ],
  'bash hooks, traps and options': [
    'PROMPT_COMMAND=',
    "PROMPT_COMMAND='rm -rf ~/x'",
    'PROMPT_COMMAND+=(true)',
    "HISTTIMEFORMAT='x  '",
    "PS0='$(rm -rf ~/x)'",
    "PS1='$(touch /tmp/y) $ '",
    "trap '' INT",
    'trap INT',
    "trap 'rm -rf ~/x' EXIT",
    'trap - DEBUG',
    'shopt -u extdebug',
    'set +T',
    'set +o functrace',
    'enable -n kill',
    'enable -n builtin',
    'unset -f __twokey_trap',
    'kill() { :; }',
    'builtin() { :; }',
    'return() { :; }',
    '__vsc_preexec_all() { :; }',
  ],
  'zsh hooks, traps and options': [
    'preexec_functions=()',
    'preexec_functions[1]=true',
    'precmd_functions=()',
    'unfunction __twokey_preexec',
    'unfunction -m "__twokey*"',
    'disable -f __twokey_preexec',
    'disable kill',
    'functions[__twokey_preexec]=true',
    'functions[__twokey_check]="return 0"',
    'add-zsh-hook -d preexec __twokey_preexec',
    'add-zsh-hook -D precmd "__twokey*"',
    'unsetopt DEBUG_BEFORE_CMD',
    'unsetopt debugbeforecmd',
    'setopt no_debug_before_cmd',
    'set +o debug_before_cmd',
    'emulate sh',
    'TRAPDEBUG() { return 0; }',
    'TRAPINT() { :; }',
    'TRAPEXIT() { rm -rf ~/x; }',
  ],
  'shells started without a gate': [
    'bash --norc',
    'bash --rcfile /tmp/x',
    'bash --posix x.sh',
    'bash -o posix x.sh',
    'zsh -f',
    'zsh --no-rcs',
    'zsh -d -f x.zsh',
    'zsh +o rcs',
    'sh x.sh',
    'sh',
    'dash',
    'dash x.sh',
    'ksh x.sh',
    'busybox sh x.sh',
  ],
};

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
    'export PATH=$PATH:~/bin',
    'export PATH="$PATH:/opt/x/bin"',
    'PATH=${PATH}:/x',
    'myfn() { ls; }',
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
