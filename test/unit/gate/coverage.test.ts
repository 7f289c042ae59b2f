/**
 * Terminal coverage (src/intercept/coverage.ts) read off real shell processes: bash and zsh
 * started with this window's gate environment are gated; without it, or with another
 * window's, they are not; dash (sh) has no gate at all. Both ways of reading a process are
 * run here: /proc (Linux) and `ps eww` (macOS and the BSDs; procps answers the same way).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { judgeCoverage, parseEnviron, parsePsEnv, readProcessFacts, shellCoverage } from '../../../src/intercept/coverage';

const SOCKET = '/tmp/twokey-0/window one.sock';
const children: ChildProcess[] = [];
after(() => children.forEach((c) => c.kill('SIGKILL')));

/** A long-lived shell process, as a terminal's would be. */
async function shell(program: string, env: Record<string, string>): Promise<number> {
  const c = spawn(program, ['-c', 'sleep 30; :'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', ...env }, stdio: 'ignore' });
  children.push(c);
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(c.pid && c.exitCode === null, `${program} is running`);
  return c.pid;
}

for (const platform of ['linux', 'darwin'] as const) {
  test(`${platform} reading: bash and zsh with this window's gate are gated; without it they are named`, async () => {
    const gated = await shell('bash', { TWOKEY_SOCKET: SOCKET, OTHER: 'x y' });
    const bare = await shell('bash', {});
    const other = await shell('zsh', { TWOKEY_SOCKET: '/tmp/twokey-0/another.sock' });
    const zsh = await shell('zsh', { TWOKEY_SOCKET: SOCKET });
    const judge = async (pid: number) => judgeCoverage(await readProcessFacts(pid, platform), SOCKET);
    assert.deepEqual(await judge(gated), { state: 'gated', shell: 'bash' });
    assert.deepEqual(await judge(zsh), { state: 'gated', shell: 'zsh' });
    const b = await judge(bare);
    assert.equal(b.state, 'no-gate');
    assert.match(b.state === 'no-gate' ? b.reason : '', /without the gate.*relaunch/);
    const o = await judge(other);
    assert.equal(o.state, 'no-gate');
    assert.match(o.state === 'no-gate' ? o.reason : '', /another window/);
  });
}

test('a shell TwoKey has no gate for is named as such, whatever its environment', async () => {
  const pid = await shell('dash', { TWOKEY_SOCKET: SOCKET });
  const c = await shellCoverage(pid, SOCKET);
  assert.equal(c.state, 'unsupported');
  assert.match(c.state === 'unsupported' ? c.reason : '', /dash has no TwoKey gate/);
});

test('a process that is gone is unknown, not gated', async () => {
  const c = spawn('true');
  await new Promise((r) => c.on('exit', r));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await shellCoverage(c.pid!, SOCKET)).state, 'unknown');
  assert.equal(judgeCoverage({ name: 'bash', env: undefined }, SOCKET).state, 'unknown');
  assert.equal(judgeCoverage({ name: '-zsh', env: { TWOKEY_SOCKET: SOCKET } }, SOCKET).state, 'gated', 'a login shell');
});

test('environment parsing: NUL blocks, and ps words whose values hold spaces and =', () => {
  assert.deepEqual(parseEnviron('A=1\0B=x=y\0EMPTY=\0'), { A: '1', B: 'x=y', EMPTY: '' });
  const line = `-zsh -l PWD=/w TWOKEY_SOCKET=/tmp/a b.sock NEXT=1 LAST=a=b`;
  assert.deepEqual(parsePsEnv(line, ['TWOKEY_SOCKET', 'LAST', 'MISSING']), { TWOKEY_SOCKET: '/tmp/a b.sock', LAST: 'a=b' });
});
