/** Lines that would switch a shell gate off are stopped like any destructive command. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { check } from './helpers';

test('switching the gate off is asked', async () => {
  for (const c of [
    '__twokey_check_line() { return 0; }',
    'trap "" DEBUG',
    'trap - DEBUG',
    "trap 'echo hi' DEBUG",
    'shopt -u extdebug',
    'unset -f __twokey_trap',
    'unset PROMPT_COMMAND',
    'export BASH_ENV=/dev/null',
    '__twokey_new_line=0',
    '__twokey_last_hist="$(history 1)"; rm -rf src',
  ]) {
    const v = await check(c);
    assert.notEqual(v.decision, 'allow', c);
  }
});

test('ordinary functions, traps and shell options are not', async () => {
  for (const c of ['myfn() { ls; }', "trap 'rm -f /tmp/lock' EXIT", 'shopt -s globstar', 'set -euo pipefail', 'unset FOO']) {
    const v = await check(c);
    assert.equal(v.decision, 'allow', c);
  }
});
