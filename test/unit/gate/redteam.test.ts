/**
 * Red team: each family of attacks on the gate itself, typed into a real bash and a real zsh
 * with the gate files as the extension writes them. After each attack line comes a
 * destructive one (`rm -rf victim`), and the test checks that the protected folder is intact,
 * or that the tampering was detected and reported before anything destructive ran.
 *
 * Three settings:
 *  - the fake helper (it allows everything but `rm -rf`): the engine is assumed to have let
 *    the attack line through, so what holds here is the gate's own defence (baked
 *    configuration, read-only state, integrity at every prompt, refusals that survive traps);
 *  - the real helper and engine with no broker: the attack line itself is stopped, or made
 *    harmless, and what slipped through is recorded as `tamper` in the audit log;
 *  - the real helper against a fake broker that answers `allow` for another request or
 *    without the window's signature.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { bakedGate, builtGateJs } from './baked';

const hasZsh = (() => {
  try {
    require('node:child_process').execFileSync('zsh', ['-fc', 'true']);
    return true;
  } catch {
    return false;
  }
})();

type Shell = 'bash' | 'zsh';

interface Box {
  dir: string;
  work: string;
  victim: string;
  calls: () => string[];
  tampers: () => string[];
  audit: () => Array<Record<string, unknown>>;
}

function box(): Box & { log: string; tamperLog: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-redteam-'));
  const work = path.join(dir, 'work');
  const victim = path.join(work, 'victim');
  fs.mkdirSync(victim, { recursive: true });
  fs.writeFileSync(path.join(victim, 'precious.txt'), 'keep me\n');
  fs.mkdirSync(path.join(dir, 'user'));
  fs.mkdirSync(path.join(work, '.twokey'));
  fs.writeFileSync(path.join(work, '.twokey', 'audit.jsonl'), '');
  const log = path.join(dir, 'calls.log');
  const tamperLog = path.join(dir, 'tamper.log');
  fs.writeFileSync(log, '');
  fs.writeFileSync(tamperLog, '');
  const lines = (f: string) => fs.readFileSync(f, 'utf8').split('\n').filter(Boolean);
  return {
    dir,
    work,
    victim,
    log,
    tamperLog,
    calls: () => lines(log),
    tampers: () => lines(tamperLog),
    audit: () => lines(path.join(work, '.twokey', 'audit.jsonl')).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** Types `lines` into an interactive shell with the gate; resolves when the shell exits. */
function typeInto(shell: Shell, b: ReturnType<typeof box>, lines: string[], gate: { node?: string; gateJs?: string; socket?: string; keyFile?: string } = {}): Promise<string> {
  const files = bakedGate({ ...gate, dir: path.join(b.dir, 'gate'), userZdotdir: path.join(b.dir, 'user') });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: b.dir,
    FAKE_GATE_LOG: b.log,
    FAKE_GATE_TAMPER_LOG: b.tamperLog,
    TWOKEY_STATE_DIR: path.join(b.dir, 'state'),
  };
  let args: string[];
  if (shell === 'bash') {
    Object.assign(env, { HISTFILE: path.join(b.dir, '.hist'), HISTCONTROL: 'ignoreboth', PROMPT_COMMAND: `source '${files.bashGate}'`, BASH_ENV: files.bashEnv, ZDOTDIR: files.zshDir });
    args = ['--norc', '--noprofile', '-i'];
  } else {
    Object.assign(env, { ZDOTDIR: files.zshDir, BASH_ENV: files.bashEnv });
    args = ['-i'];
  }
  return new Promise((resolve, reject) => {
    const p = spawn(shell, args, { cwd: b.work, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('error', reject);
    p.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    p.stdin.end(lines.join('\n') + '\n');
  });
}

/** Tamper reports go out in the background: wait a moment for them. */
async function reports(b: Box, atLeast = 1): Promise<string[]> {
  for (let i = 0; i < 50 && b.tampers().length < atLeast; i++) await new Promise((r) => setTimeout(r, 100));
  return b.tampers();
}

const intact = (b: Box) => fs.existsSync(path.join(b.victim, 'precious.txt'));
const exists = (b: Box, f: string) => fs.existsSync(path.join(b.work, f));

/**
 * Attack lines that the fake helper lets through (as if the engine had missed them), each
 * followed by a destructive line. Either the destructive line is still refused, or the
 * tampering was reported before it.
 */
const SLIPPED: Record<Shell, Record<string, string[]>> = {
  bash: {
    'gate variables': ['TWOKEY_NODE=true; TWOKEY_GATE_JS=/bin/true; TWOKEY_SOCKET=/tmp/fake.sock; export TWOKEY_NODE TWOKEY_GATE_JS TWOKEY_SOCKET'],
    "the gate's own state (plain, printf -v, declare)": ['__twokey_node=true', 'printf -v __twokey_js %s /bin/true', 'declare -g __twokey_sock=/tmp/x', 'unset __twokey_key __twokey_installed'],
    'the prompt hook': ['PROMPT_COMMAND='],
    'a prompt hook that runs something': ["PROMPT_COMMAND='rm -rf victim'"],
    'the DEBUG trap': ['trap - DEBUG'],
    'extdebug': ['shopt -u extdebug'],
    'HISTTIMEFORMAT that shifts what the gate reads': ["HISTTIMEFORMAT='echo  '"],
    'the functions of the gate': ['unset -f __twokey_trap __twokey_check_line', '__twokey_check_line() { return 0; }'],
    'builtins the gate runs, replaced by functions': ['kill() { :; }; trap() { :; }'],
    'an INT trap that ignores the refusal': ["trap '' INT"],
    'an INT trap that turns the refusal into a run': ["trap 'touch trapped.txt' INT"],
    'a trap removed from inside a sourced file': ['printf "trap - DEBUG\\nshopt -u extdebug\\n" > innocent.sh', 'source ./innocent.sh'],
  },
  zsh: {
    'gate variables': ['TWOKEY_NODE=true; TWOKEY_GATE_JS=/bin/true; TWOKEY_SOCKET=/tmp/fake.sock; export TWOKEY_NODE TWOKEY_GATE_JS TWOKEY_SOCKET'],
    "the gate's own state (plain, typeset, unset)": ['__twokey_node=true', 'typeset -g __twokey_js=/bin/true', 'unset __twokey_sock __twokey_key'],
    'preexec_functions=()': ['preexec_functions=()'],
    'precmd and preexec both emptied': ['preexec_functions=(); precmd_functions=()'],
    unfunction: ['unfunction __twokey_preexec'],
    'disable -f': ['disable -f __twokey_preexec'],
    'functions[…]=': ["functions[__twokey_check]='return 0'"],
    'add-zsh-hook -d': ['autoload -Uz add-zsh-hook; add-zsh-hook -d preexec __twokey_preexec'],
    'unsetopt DEBUG_BEFORE_CMD': ['unsetopt DEBUG_BEFORE_CMD'],
    'an INT trap': ["trap 'touch trapped.txt' INT", 'TRAPINT() { touch trapped.txt; }'],
    'the debug trap itself': ['unfunction TRAPDEBUG'],
  },
};

for (const shell of ['bash', 'zsh'] as Shell[]) {
  for (const [family, attack] of Object.entries(SLIPPED[shell])) {
    test(`${shell}, attack slipped past the engine: ${family}`, { skip: shell === 'zsh' && !hasZsh && 'no zsh' }, async () => {
      const b = box();
      const out = await typeInto(shell, b, [...attack, 'rm -rf victim; echo after > after.txt', 'echo "rc=$?" > rc.txt']);
      const reported = b.calls().some((c) => c.includes('rm -rf victim')) ? b.tampers() : await reports(b);
      const destructiveIndex = b.calls().findIndex((c) => c.includes('rm -rf victim'));
      assert.ok(intact(b), `the protected folder survived (${family})\n${out}`);
      assert.ok(!exists(b, 'after.txt'), `nothing else on the refused line ran\n${out}`);
      assert.ok(!exists(b, 'trapped.txt'), `no trap turned the refusal into a run\n${out}`);
      // Either the destructive line reached the (fake) engine and was refused, or the gate
      // reported the tampering first and refused everything after it.
      assert.ok(destructiveIndex >= 0 || reported.length > 0, `the destructive line was checked, or the tampering reported\n${out}`);
    });
  }
}

test('bash: tampering is detected, reported before the next command, and that command is asked about', async () => {
  const b = box();
  const out = await typeInto('bash', b, ['trap - DEBUG', 'echo harmless > h.txt', 'rm -rf victim']);
  assert.deepEqual(await reports(b), ['TAMPER: the DEBUG trap was removed']);
  assert.match(out, /TwoKey: this terminal's gate was tampered with/);
  // The harmless line after the tampering went to the helper (flagged), which refused it.
  assert.ok(b.calls().includes('echo harmless > h.txt'), b.calls().join('|'));
  assert.ok(!exists(b, 'h.txt'));
  assert.ok(intact(b));
});

test('zsh: tampering is detected before the next line runs, reported, and that line is asked about', { skip: !hasZsh && 'no zsh' }, async () => {
  const b = box();
  const out = await typeInto('zsh', b, ['unsetopt DEBUG_BEFORE_CMD; preexec_functions=()', 'echo harmless > h.txt', 'rm -rf victim']);
  assert.ok((await reports(b, 2)).length >= 1, out);
  assert.match(b.tampers().join('\n'), /preexec hook/);
  assert.match(b.tampers().join('\n'), /debug_before_cmd/);
  assert.match(out, /TwoKey refused `echo harmless > h.txt`/);
  assert.ok(!exists(b, 'h.txt'));
  assert.ok(intact(b));
});

for (const shell of ['bash', 'zsh'] as Shell[]) {
  test(`${shell} script: an EXIT trap does not turn the refusal into a run`, { skip: shell === 'zsh' && !hasZsh && 'no zsh' }, async () => {
    const b = box();
    fs.writeFileSync(path.join(b.work, 's.sh'), ["trap 'touch trapped.txt' EXIT", shell === 'zsh' ? 'TRAPEXIT() { touch trapped2.txt; }' : 'true', 'rm -rf victim', 'echo after > after.txt', ''].join('\n'));
    const out = await typeInto('bash', b, [`${shell} ./s.sh; echo "rc=$?" > rc.txt`]);
    assert.ok(intact(b), out);
    assert.ok(!exists(b, 'after.txt') && !exists(b, 'trapped.txt') && !exists(b, 'trapped2.txt'), out);
    assert.equal(fs.readFileSync(path.join(b.work, 'rc.txt'), 'utf8').trim(), 'rc=126');
  });
}

test('bash: a refused line leaves nothing behind, not even a function it defined', async () => {
  const b = box();
  await typeInto('bash', b, ['mine() { echo mine > mine.txt; }; rm -rf victim', 'mine; type mine > type.txt 2>&1', 'echo "rc=$?" > rc.txt']);
  assert.ok(intact(b));
  assert.ok(!exists(b, 'mine.txt'), 'the function defined on the refused line is gone');
  assert.match(fs.readFileSync(path.join(b.work, 'type.txt'), 'utf8'), /not found/);
});

test('zsh: a refused line leaves nothing behind, not even a function it defined', { skip: !hasZsh && 'no zsh' }, async () => {
  const b = box();
  await typeInto('zsh', b, ['mine() { echo mine > mine.txt; }; rm -rf victim', 'mine; whence -w mine > type.txt 2>&1']);
  assert.ok(intact(b));
  assert.ok(!exists(b, 'mine.txt'));
  assert.match(fs.readFileSync(path.join(b.work, 'type.txt'), 'utf8'), /none/);
});

/** Real helper and engine, no broker: the attack line itself is refused (or harmless). */
const WITH_ENGINE: Record<Shell, string[][]> = {
  bash: [
    ['TWOKEY_NODE=true rm -rf victim'],
    ['env -u PROMPT_COMMAND bash', 'rm -rf victim'],
    ['bash --norc', 'rm -rf victim'],
    ['env -u BASH_ENV bash -c "rm -rf victim"'],
    ['BASH_ENV= bash ./x.sh'],
    ['sh ./x.sh'],
    ['zsh -f', 'rm -rf victim'],
    ['ZDOTDIR=/tmp zsh', 'rm -rf victim'],
    ["trap 'rm -rf victim' EXIT", 'exit'],
    ['printf -v TWOKEY_SOCKET %s /tmp/x; rm -rf victim'],
  ],
  zsh: [
    ['zsh -f', 'rm -rf victim'],
    ['ZDOTDIR=/tmp zsh', 'rm -rf victim'],
    ['env -u BASH_ENV bash ./x.sh'],
    ['bash --norc', 'rm -rf victim'],
    ['sh ./x.sh'],
    ['preexec_functions=()', 'rm -rf victim'],
    ['unfunction __twokey_preexec', 'rm -rf victim'],
  ],
};

for (const shell of ['bash', 'zsh'] as Shell[]) {
  test(`${shell}, real engine, no broker: shells without a gate, variables and traps are refused`, { skip: shell === 'zsh' && !hasZsh && 'no zsh' }, async () => {
    for (const lines of WITH_ENGINE[shell]) {
      const b = box();
      fs.writeFileSync(path.join(b.work, 'x.sh'), 'rm -rf victim\n');
      const out = await typeInto(shell, b, lines, { node: process.execPath, gateJs: builtGateJs() });
      assert.ok(intact(b), `${lines.join(' ⏎ ')}\n${out}`);
      assert.match(out, /TwoKey: refused/, lines.join(' ⏎ '));
    }
  });
}

test('bash, real engine, no broker: what slipped through is recorded as tamper, and the next command is refused', async () => {
  const b = box();
  // The engine reads a sourced file when the line is checked; one rewritten between the check
  // and the moment it runs (a background job) slips through: the integrity check catches it.
  fs.writeFileSync(path.join(b.work, 'innocent.sh'), 'true\n');
  const out = await typeInto(
    'bash',
    b,
    ["(sleep 1; echo 'trap - DEBUG' > innocent.sh) &", 'sleep 2.5; source ./innocent.sh', 'echo next > next.txt', 'rm -rf victim'],
    { node: process.execPath, gateJs: builtGateJs() },
  );
  assert.ok(intact(b), out);
  assert.ok(!exists(b, 'next.txt'), 'after tampering, with nobody to ask, the next command is refused');
  // The report runs in the background; give it a moment to land.
  for (let i = 0; i < 50 && !b.audit().some((r) => r.decision === 'tamper'); i++) await new Promise((r) => setTimeout(r, 100));
  const recs = b.audit();
  const t = recs.find((r) => r.decision === 'tamper');
  assert.ok(t, JSON.stringify(recs));
  assert.match(String(t.command), /DEBUG trap was removed/);
  assert.deepEqual(t.rules, ['guard.tamper']);
  assert.ok(recs.some((r) => r.decision === 'denied' && /tampered/.test(String(r.reason))), 'the refused next command is on record too');
});

/** A broker stand-in that answers every request with `answer(request)`. */
async function fakeBroker(sock: string, answer: (req: Record<string, unknown>) => Record<string, unknown>): Promise<{ close(): void; seen: Array<Record<string, unknown>> }> {
  const seen: Array<Record<string, unknown>> = [];
  const server = net.createServer((s) => {
    let buf = '';
    s.on('data', (d) => {
      buf += d;
      const i = buf.indexOf('\n');
      if (i < 0) return;
      const req = JSON.parse(buf.slice(0, i)) as Record<string, unknown>;
      seen.push(req);
      s.end(JSON.stringify(answer(req)) + '\n');
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  return { close: () => server.close(), seen };
}

const mac = (key: string, id: unknown, decision: string) => crypto.createHmac('sha256', key).update(`${String(id)}\n${decision}`).digest('hex');

for (const shell of ['bash', 'zsh'] as Shell[]) {
  test(`${shell}, real helper, a broker that answers allow without the window's signature: refused`, { skip: shell === 'zsh' && !hasZsh && 'no zsh' }, async () => {
    const key = crypto.randomBytes(32).toString('hex');
    const cases: Array<[string, (req: Record<string, unknown>) => Record<string, unknown>]> = [
      ['no signature at all', () => ({ decision: 'allow', message: '' })],
      ['signed for another request', () => ({ decision: 'allow', message: '', id: 'ab'.repeat(16), mac: mac(key, 'ab'.repeat(16), 'allow') })],
      ['signed with another key', (req) => ({ decision: 'allow', message: '', id: req.id, mac: mac('not-the-key', req.id, 'allow') })],
      ['a deny signature on an allow', (req) => ({ decision: 'allow', message: '', id: req.id, mac: mac(key, req.id, 'deny') })],
    ];
    for (const [what, answer] of cases) {
      const b = box();
      const sockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-rt-sock-'));
      const sock = path.join(sockDir, 'b.sock');
      const keyFile = path.join(b.dir, 'key');
      fs.writeFileSync(keyFile, key, { mode: 0o600 });
      const broker = await fakeBroker(sock, answer);
      try {
        const out = await typeInto(shell, b, ['rm -rf victim'], { node: process.execPath, gateJs: builtGateJs(), socket: sock, keyFile });
        assert.equal(broker.seen.length, 1, `${what}: the broker was asked\n${out}`);
        assert.ok(intact(b), `${what}\n${out}`);
        assert.match(out, /did not come from this window/, what);
      } finally {
        broker.close();
      }
    }
  });
}

test("bash, real helper: an answer signed for this request with the window's key is followed (the test can fail)", async () => {
  const key = crypto.randomBytes(32).toString('hex');
  const b = box();
  const sockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-rt-sock-'));
  const sock = path.join(sockDir, 'b.sock');
  const keyFile = path.join(b.dir, 'key');
  fs.writeFileSync(keyFile, key, { mode: 0o600 });
  const broker = await fakeBroker(sock, (req) => ({ decision: 'allow', message: '', id: req.id, mac: mac(key, req.id, 'allow') }));
  try {
    const out = await typeInto('bash', b, ['rm -rf victim'], { node: process.execPath, gateJs: builtGateJs(), socket: sock, keyFile });
    assert.equal(broker.seen[0]?.secret, key, 'the key came from the baked key file');
    assert.match(String(broker.seen[0]?.id), /^[0-9a-f]{32}$/);
    assert.ok(!intact(b), out);
  } finally {
    broker.close();
  }
});
