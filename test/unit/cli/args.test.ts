/**
 * The `twokey` command line read by `util.parseArgs`: what each subcommand accepts, and a
 * clear usage error (exit 64, `twokey <command>: …` and the usage) for an unknown option,
 * an option without its value, or a value given to a flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCommandLine, parseWithCommandTail, UsageError } from '../../../src/cli/args';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function twokey(args: string[], cwd?: string): { code: number | null; out: string; err: string } {
  if (!fs.existsSync(CLI)) assert.fail(`${CLI} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env: { ...process.env, TWOKEY_STATE_DIR: tmp() } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-args-'));
}

const CHECK = { json: { type: 'boolean' }, cwd: { type: 'string' } } as const;

test('the command after the options is taken as it is, with or without --', () => {
  let r = parseWithCommandTail(['--json', 'rm', '-rf', 'x'], CHECK);
  assert.deepEqual(r.tail, ['rm', '-rf', 'x']);
  assert.equal(r.values.json, true);
  assert.equal(r.terminator, false);
  r = parseWithCommandTail(['--cwd', 'd', '--', '--json', '--cwd'], CHECK);
  assert.deepEqual(r.tail, ['--json', '--cwd']);
  assert.equal(r.values.cwd, 'd');
  assert.equal(r.values.json, undefined);
  assert.equal(r.terminator, true);
  r = parseWithCommandTail(['--cwd=--odd', '--'], CHECK);
  assert.deepEqual(r.tail, []);
  assert.equal(r.values.cwd, '--odd');
  assert.equal(r.terminator, true);
});

test('parseArgs errors become one short UsageError naming the option', () => {
  const cases: [string[], RegExp][] = [
    [['--bogus'], /^unknown option --bogus$/],
    [['-x'], /^unknown option -x$/],
    [['--cwd'], /^--cwd needs a value$/],
    [['--cwd', '--json'], /^--cwd needs a value \(write --cwd=VALUE for a value that starts with -\)$/],
    [['--json=yes'], /^--json takes no value$/],
    [['stray'], /^unexpected argument 'stray'$/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseCommandLine({ args, options: CHECK }), (e: unknown) => e instanceof UsageError && message.test(e.message), args.join(' '));
  }
  // Options before the command are checked as strictly as anywhere else.
  assert.throws(() => parseWithCommandTail(['--bogus', 'ls'], CHECK), /unknown option --bogus/);
  assert.throws(() => parseWithCommandTail(['--cwd'], CHECK), /--cwd needs a value/);
});

test('twokey check: -- CMD and a bare CMD both decide, the exit code saying the decision', () => {
  const dir = tmp();
  const allow = twokey(['check', '--json', '--cwd', dir, '--', 'ls'], dir);
  assert.equal(allow.code, 0, allow.err);
  assert.equal((JSON.parse(allow.out) as { decision: string }).decision, 'allow');
  const stop = twokey(['check', '--json', `--cwd=${dir}`, '--', 'rm', '-rf', '/'], dir);
  const decision = (JSON.parse(stop.out) as { decision: string }).decision;
  assert.notEqual(decision, 'allow');
  assert.equal(stop.code, decision === 'ask' ? 1 : 2, stop.err);
  // Without --, words after the command's first word are the command's, not twokey's.
  const bare = twokey(['check', '--json', `--cwd=${dir}`, 'rm', '-rf', '/'], dir);
  assert.equal(bare.code, stop.code, bare.err);
  assert.deepEqual(JSON.parse(bare.out), JSON.parse(stop.out));
});

test('twokey check: unknown option, missing value, flag with a value, nothing after -- are usage errors (64)', () => {
  const cases: [string[], RegExp][] = [
    [['check', '--bogus', '--', 'ls'], /^twokey check: unknown option --bogus\n/],
    [['check', '--cwd'], /^twokey check: --cwd needs a value\n/],
    [['check', '--explain', '--cwd'], /^twokey check: --cwd needs a value\n/],
    [['check', '--json=1', '--', 'ls'], /^twokey check: --json takes no value\n/],
    [['check', '--'], /^twokey check: nothing to check after --\n/],
    [['check'], /^twokey check: give a command after --, or use --batch\n/],
    [['check', '--batch', '--', 'ls'], /^twokey check: --batch reads commands from stdin/],
  ];
  for (const [args, message] of cases) {
    const r = twokey(args);
    assert.equal(r.code, 64, args.join(' '));
    assert.match(r.err, message, args.join(' '));
    assert.match(r.err, /usage: twokey check/);
    assert.equal(r.out, '', 'nothing on stdout for a usage error');
  }
});

test('twokey env, audit and hooks: unknown option and missing value are usage errors (64) that name the option', () => {
  const dir = tmp();
  const cases: [string[], RegExp, RegExp][] = [
    [['env', '--cwd'], /^twokey env: --cwd needs a value\n/, /usage: twokey env/],
    [['env', '--jsn'], /^twokey env: unknown option --jsn\n/, /usage: twokey env/],
    [['env', 'somewhere'], /^twokey env: unexpected argument 'somewhere'\n/, /usage: twokey env/],
    [['audit', 'verify', '--lenent'], /^twokey audit: unknown option --lenent\n/, /twokey audit verify/],
    [['audit', 'verify', '--key'], /^twokey audit: --key needs a value\n/, /twokey audit verify/],
    [['audit', 'verify', '--lenient=no'], /^twokey audit: --lenient takes no value\n/, /twokey audit verify/],
    [['audit', 'export', '--out'], /^twokey audit: --out needs a value\n/, /twokey audit export/],
    [['hooks', 'status', '--agent'], /^twokey hooks: --agent needs a value\n/, /usage: twokey hooks/],
    [['hooks', 'install', '--dryrun'], /^twokey hooks: unknown option --dryrun\n/, /usage: twokey hooks/],
    [['hooks', 'status', 'cursor'], /^twokey hooks: unexpected argument 'cursor'\n/, /usage: twokey hooks/],
  ];
  for (const [args, message, usage] of cases) {
    const r = twokey(args, dir);
    assert.equal(r.code, 64, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, message, args.join(' '));
    assert.match(r.err, usage, args.join(' '));
  }
  // A usage error writes nothing: no hook file appeared.
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('twokey env --cwd=DIR, --json and -h still read as before', () => {
  const dir = tmp();
  const r = twokey(['env', '--json', `--cwd=${dir}`]);
  assert.equal(r.code, 0, r.err);
  assert.equal((JSON.parse(r.out) as { cwd: string }).cwd, dir);
  const h = twokey(['env', '-h']);
  assert.equal(h.code, 0);
  assert.match(h.out, /usage: twokey env/);
});
