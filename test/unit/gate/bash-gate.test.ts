/**
 * The interactive bash gate (media/gate/bash-gate.sh) in a real bash: a refused line runs
 * nothing at all and reports exit 130; harmless lines never call the helper; lines that
 * history does not keep (leading space with ignorespace) are still checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { bakedGate, ROOT } from './baked';

// The gate files as the extension writes them, with the fake helper (run by bash) baked in.
const GATE = bakedGate().bashGate;

function runBash(lines: string[], histcontrol = 'ignoreboth'): { dir: string; calls: string[]; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-gate-'));
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(log, '');
  const r = spawnSync('bash', ['--norc', '--noprofile', '-i'], {
    cwd: dir,
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      HISTCONTROL: histcontrol,
      HISTFILE: path.join(dir, '.hist'),
      PROMPT_COMMAND: `source '${GATE}'`,
      FAKE_GATE_LOG: log,
    },
  });
  return { dir, calls: fs.readFileSync(log, 'utf8').split('\n').filter(Boolean), out: r.stdout + r.stderr };
}

test('a refused line runs nothing, not even the commands before the refused one', () => {
  const { dir, out } = runBash(['echo a > a.txt && rm -rf /tmp/twokey-none; echo b > b.txt', 'echo "rc=$?" > rc.txt']);
  assert.ok(!fs.existsSync(path.join(dir, 'a.txt')), 'echo before rm did not run');
  assert.ok(!fs.existsSync(path.join(dir, 'b.txt')), 'echo after rm did not run');
  assert.equal(fs.readFileSync(path.join(dir, 'rc.txt'), 'utf8').trim(), 'rc=130');
  assert.match(out, /TwoKey refused/);
});

test('harmless lines run and never call the helper', () => {
  const { dir, calls } = runBash(['ls > /dev/null', 'echo hi > hi.txt', 'grep -r delete . > /dev/null', 'echo "rm -rf /" > s.txt']);
  assert.deepEqual(calls, []);
  assert.equal(fs.readFileSync(path.join(dir, 'hi.txt'), 'utf8').trim(), 'hi');
  assert.equal(fs.readFileSync(path.join(dir, 's.txt'), 'utf8').trim(), 'rm -rf /');
});

test('a risky line is sent whole, once, and runs when the helper allows it', () => {
  const { dir, calls } = runBash(['git --version > v.txt && echo done > d.txt']);
  assert.deepEqual(calls, ['git --version > v.txt && echo done > d.txt']);
  assert.ok(fs.existsSync(path.join(dir, 'd.txt')));
});

test('a line hidden from history (leading space) is still checked per command', () => {
  const { dir, calls } = runBash([' rm -rf /tmp/twokey-none; echo after > after.txt', 'echo "rc=$?" > rc.txt']);
  assert.ok(calls.includes('rm -rf /tmp/twokey-none'));
  assert.ok(!fs.existsSync(path.join(dir, 'after.txt')));
  assert.equal(fs.readFileSync(path.join(dir, 'rc.txt'), 'utf8').trim(), 'rc=130');
});

test('the same refused line is checked again when repeated (ignoredups)', () => {
  const { calls } = runBash(['rm -rf /tmp/twokey-none', 'rm -rf /tmp/twokey-none']);
  assert.equal(calls.filter((c) => c === 'rm -rf /tmp/twokey-none').length, 2);
});

test('variables assigned on the line and paths as command words are sent', () => {
  const { calls } = runBash(['D=/tmp/twokey-none; /bin/rm -rf $D']);
  assert.equal(calls.length, 1);
});

test('variables the policy keeps out of terminals are unset, not just empty', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-gate-'));
  const r = spawnSync('bash', ['--norc', '--noprofile', '-i'], {
    cwd: dir,
    input: 'echo "${PROD_DB_PASSWORD+set}|${KEEP+set}" > out.txt\n',
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      PROMPT_COMMAND: `source '${GATE}'`,
      FAKE_GATE_LOG: path.join(dir, 'calls.log'),
      TWOKEY_MASKED_VARS: 'PROD_DB_PASSWORD KEEP',
      PROD_DB_PASSWORD: '',
      KEEP: 'elevated-value',
    },
  });
  assert.equal(r.status, 0);
  assert.equal(fs.readFileSync(path.join(dir, 'out.txt'), 'utf8').trim(), '|set', 'the masked one is gone; a real value stays');
});

test("the gate's functions cannot be redefined to switch it off", () => {
  const { dir, out } = runBash(['__twokey_check_line() { return 0; }', 'rm -rf /tmp/twokey-none; echo ran > ran.txt', 'echo "rc=$?" > rc.txt']);
  assert.match(out, /readonly function/);
  assert.ok(!fs.existsSync(path.join(dir, 'ran.txt')), 'the gate still refused the next line');
  assert.equal(fs.readFileSync(path.join(dir, 'rc.txt'), 'utf8').trim(), 'rc=130');
});

test('with the real helper and engine, the gate never refuses its own statements and still refuses rm -rf', () => {
  // No VS Code shell integration here: PROMPT_COMMAND sources the gate at top level.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-gate-real-'));
  fs.mkdirSync(path.join(dir, 'victim'));
  // A workspace TwoKey has kept a log in: the gate records its own refusal there.
  fs.mkdirSync(path.join(dir, '.twokey'));
  fs.writeFileSync(path.join(dir, '.twokey', 'audit.jsonl'), '');
  const gateJs = path.join(ROOT, 'dist', 'gate.js');
  const real = bakedGate({ node: process.execPath, gateJs, socket: path.join(dir, 'no-broker.sock') }).bashGate;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-i'], {
    cwd: dir,
    input: [' echo hidden > hidden.txt', 'echo after > after.txt', 'rm -rf victim', 'echo "rc=$?" > rc.txt'].join('\n') + '\n',
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      HISTCONTROL: 'ignoreboth',
      PROMPT_COMMAND: `source '${real}'`,
      TWOKEY_STATE_DIR: path.join(dir, 'state'),
    },
  });
  assert.ok(fs.existsSync(path.join(dir, 'hidden.txt')) && fs.existsSync(path.join(dir, 'after.txt')), r.stderr);
  assert.ok(fs.existsSync(path.join(dir, 'victim')), 'refused with no broker to ask');
  assert.equal(fs.readFileSync(path.join(dir, 'rc.txt'), 'utf8').trim(), 'rc=130');
  assert.match(r.stderr, /TwoKey: refused/);
  const recs = fs.readFileSync(path.join(dir, '.twokey', 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
  assert.equal(recs.length, 1, 'one record: the refusal, and nothing for the harmless lines');
  assert.equal(recs[0].command, 'rm -rf victim');
  assert.equal(recs[0].decision, 'denied');
  assert.equal(recs[0].decidedBy, 'policy');
  assert.match(recs[0].reason, /could not be reached/);
  assert.match(recs[0].hash, /^[0-9a-f]{64}$/);
});
