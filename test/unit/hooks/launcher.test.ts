/**
 * The agent-hook launcher (src/core/hooks/launcher.ts) run by a real sh: it runs the CLI it
 * was written with; after an update of TwoKey (a new versioned folder) or of the editor (a
 * new build folder) it finds the new ones; with nothing to run it refuses with exit 2 and a
 * `TwoKey:` line, which blocks the agent's call.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { powershellLauncherScript, windowsLauncherScript, writeLauncher } from '../../../src/core/hooks/launcher';
import { hookCommandLine } from '../../../src/core/hooks/install';

function fixture() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-launcher-'));
  const ext = path.join(root, 'extensions');
  const cliOf = (v: string) => {
    const f = path.join(ext, `twokey.twokey-${v}`, 'dist', 'cli.js');
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, '');
    return f;
  };
  // A fake "node": prints which binary it is, the script and the arguments it got.
  const nodeOf = (build: string) => {
    const f = path.join(root, 'server', 'bin', build, 'node');
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, `#!/bin/sh\necho "${build} $ELECTRON_RUN_AS_NODE $*"\n`, { mode: 0o755 });
    return f;
  };
  const run = (launcher: string, pathEnv = '/usr/bin:/bin') => {
    const r = spawnSync('sh', ['-c', `${hookCommandLine('claude-code', { node: 'x', cli: 'y', launcher }, 'linux')} --extra`], { encoding: 'utf8', env: { PATH: pathEnv } });
    return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
  };
  return { root, ext, cliOf, nodeOf, run };
}

test('runs the CLI it was written with, as Node, with the hook arguments', () => {
  const f = fixture();
  const cli = f.cliOf('0.1.0');
  const launcher = writeLauncher(path.join(f.root, 'state'), { node: f.nodeOf('aaa'), cli, electron: true }, 'linux')!;
  assert.equal(fs.statSync(launcher).mode & 0o777, 0o755);
  assert.deepEqual(f.run(launcher), { status: 0, out: `aaa 1 ${cli} hook claude-code --extra`, err: '' });
});

test('after updates of TwoKey and of the editor it finds the new ones', () => {
  const f = fixture();
  const old = f.cliOf('0.1.0');
  const oldNode = f.nodeOf('aaa');
  const launcher = writeLauncher(path.join(f.root, 'state'), { node: oldNode, cli: old }, 'linux')!;
  fs.rmSync(path.dirname(path.dirname(old)), { recursive: true });
  const updated = f.cliOf('0.2.0');
  fs.rmSync(path.dirname(oldNode), { recursive: true });
  f.nodeOf('bbb');
  assert.equal(f.run(launcher).out, `bbb 1 ${updated} hook claude-code --extra`);
});

test('of several TwoKeys left, the newest runs, whatever their names sort as', () => {
  const f = fixture();
  const old = f.cliOf('0.1.0');
  const launcher = writeLauncher(path.join(f.root, 'state'), { node: f.nodeOf('aaa'), cli: old }, 'linux')!;
  fs.rmSync(path.dirname(path.dirname(old)), { recursive: true });
  const ten = f.cliOf('0.10.0');
  const nine = f.cliOf('0.9.0');
  fs.utimesSync(nine, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  assert.equal(f.run(launcher).out, `aaa 1 ${ten} hook claude-code --extra`);
});

test('with no editor build left, a Node on PATH runs it', () => {
  const f = fixture();
  const cli = f.cliOf('0.1.0');
  const node = f.nodeOf('aaa');
  const launcher = writeLauncher(path.join(f.root, 'state'), { node, cli }, 'linux')!;
  fs.rmSync(path.dirname(node), { recursive: true });
  const bin = path.join(f.root, 'pathbin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'node'), '#!/bin/sh\necho "path-node $*"\n', { mode: 0o755 });
  assert.equal(f.run(launcher, `${bin}:/usr/bin:/bin`).out, `path-node ${cli} hook claude-code --extra`);
});

test('with no TwoKey to run it refuses: exit 2 and one TwoKey: line', () => {
  const f = fixture();
  const cli = f.cliOf('0.1.0');
  const launcher = writeLauncher(path.join(f.root, 'state'), { node: f.nodeOf('aaa'), cli }, 'linux')!;
  fs.rmSync(f.ext, { recursive: true });
  const r = f.run(launcher);
  assert.equal(r.status, 2);
  assert.equal(r.out, '');
  assert.match(r.err, /^TwoKey: refused this call because the TwoKey hook cannot find TwoKey/);
});

test('Windows: the entries run twokey-hook.cmd; a POSIX launcher path is never used there', () => {
  assert.equal(hookCommandLine('cursor', { node: 'C:\\n.exe', cli: 'C:\\c.js', launcher: '/x' }, 'win32'), '"C:\\n.exe" "C:\\c.js" hook cursor');
  assert.equal(hookCommandLine('cursor', { node: 'C:\\n.exe', cli: 'C:\\c.js', launcher: 'C:\\Users\\a\\twokey\\bin\\twokey-hook.cmd' }, 'win32'), '"C:\\Users\\a\\twokey\\bin\\twokey-hook.cmd" hook cursor');
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-winlauncher-'));
  const file = writeLauncher(state, { node: 'C:\\Code\\Code.exe', cli: 'C:\\ext\\twokey.twokey-0.1.0\\dist\\cli.js', electron: true }, 'win32');
  assert.equal(file, path.join(state, 'bin', 'twokey-hook.cmd'));
});

test('Windows launcher text: current paths, the newest TwoKey and editor build by time, hook.js for hooks, refusal with exit 2', () => {
  const exe = { node: 'C:\\Users\\Ann Lee\\AppData\\Local\\Programs\\Microsoft VS Code\\b1\\Code.exe', cli: 'C:\\Users\\Ann Lee\\.vscode\\extensions\\twokey.twokey-0.1.0\\dist\\cli.js', electron: true };
  const text = windowsLauncherScript(exe, 'C:\\Users\\Ann Lee\\AppData\\Local\\twokey');
  const lines = text.split('\r\n');
  assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends throughout');
  assert.equal(lines[0], '@echo off');
  assert.ok(lines.includes('setlocal EnableExtensions DisableDelayedExpansion'), 'no delayed expansion: a ! in a path stays');
  assert.ok(lines.includes(`set "node=${exe.node}"`));
  assert.ok(lines.includes(`set "cli=${exe.cli}"`));
  assert.ok(
    lines.includes(
      `for /f "delims=" %%D in ('dir /b /ad /o:d "C:\\Users\\Ann Lee\\.vscode\\extensions\\twokey.twokey-*" 2^>nul') do if exist "C:\\Users\\Ann Lee\\.vscode\\extensions\\%%D\\dist\\cli.js" set "cli=C:\\Users\\Ann Lee\\.vscode\\extensions\\%%D\\dist\\cli.js"`,
    ),
    'the newest TwoKey by date (dir /o:d lists oldest first, the last wins)',
  );
  assert.ok(lines.some((l) => l.startsWith(`for /f "delims=" %%D in ('dir /b /ad /o:d "C:\\Users\\Ann Lee\\AppData\\Local\\Programs\\Microsoft VS Code"`) && l.endsWith('\\%%D\\Code.exe"')));
  assert.ok(lines.includes(`for /f "delims=" %%N in ('where node 2^>nul') do if not exist "%node%" set "node=%%N"`));
  assert.ok(lines.includes('if /i "%~1"=="hook" if exist "%cli:cli.js=hook.js%" set "cli=%cli:cli.js=hook.js%"'));
  assert.ok(lines.includes('set "NODE_COMPILE_CACHE=C:\\Users\\Ann Lee\\AppData\\Local\\twokey\\compile-cache"'));
  assert.ok(lines.includes('set "ELECTRON_RUN_AS_NODE=1"'));
  assert.ok(lines.includes('"%node%" "%cli%" %*'));
  const refuse = lines.indexOf(':refuse');
  assert.ok(refuse > lines.indexOf('"%node%" "%cli%" %*'));
  assert.match(lines[refuse + 1], /^>&2 echo TwoKey: refused this call because the TwoKey hook cannot find TwoKey/);
  assert.equal(lines[refuse + 2], 'exit /b 2');
  assert.ok(lines.indexOf('if not exist "%cli%" goto refuse') < lines.indexOf('"%node%" "%cli%" %*'));
  assert.ok(lines.indexOf('if not exist "%node%" goto refuse') < lines.indexOf('"%node%" "%cli%" %*'));
});

test('Windows launcher: a % in a path is doubled, so cmd.exe does not expand it', () => {
  const text = windowsLauncherScript({ node: 'C:\\100%\\node.exe', cli: 'C:\\e\\twokey.twokey-1\\dist\\cli.js' }, 'C:\\s');
  assert.ok(text.includes('set "node=C:\\100%%\\node.exe"'));
});

test('for `hook`, runs the lean hook.js beside the CLI when it is there; other commands run the CLI', () => {
  const f = fixture();
  const cli = f.cliOf('0.2.0');
  fs.writeFileSync(path.join(path.dirname(cli), 'hook.js'), '');
  const node = f.nodeOf('b1');
  const launcher = writeLauncher(path.join(f.root, 'state'), { node, cli, electron: true }, 'linux')!;
  assert.equal(f.run(launcher).out, `b1 1 ${path.join(path.dirname(cli), 'hook.js')} hook claude-code --extra`);
  const other = spawnSync(launcher, ['check', '--', 'ls'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  assert.equal(other.stdout.trim(), `b1 1 ${cli} check -- ls`);
  assert.match(fs.readFileSync(launcher, 'utf8'), new RegExp(`NODE_COMPILE_CACHE='${path.join(f.root, 'state', 'compile-cache')}'`));
});

test('PowerShell launcher text: current paths quoted for PowerShell, the newest TwoKey and editor build by time, hook.js for hooks, stdin passed on, refusal with exit 2', () => {
  const exe = { node: "C:\\Users\\Ann O'Lee\\AppData\\Local\\Programs\\Microsoft VS Code\\b1\\Code.exe", cli: "C:\\Users\\Ann O'Lee\\.vscode\\extensions\\twokey.twokey-0.1.0\\dist\\cli.js", electron: true };
  const text = powershellLauncherScript(exe, "C:\\Users\\Ann O'Lee\\AppData\\Local\\twokey");
  const lines = text.split('\r\n');
  assert.ok(text.endsWith('\r\n') && !/[^\r]\n/.test(text), 'CRLF line ends throughout');
  assert.ok(lines.includes("$node = 'C:\\Users\\Ann O''Lee\\AppData\\Local\\Programs\\Microsoft VS Code\\b1\\Code.exe'"), 'a quote in a path is doubled');
  assert.ok(lines.includes("$cli = 'C:\\Users\\Ann O''Lee\\.vscode\\extensions\\twokey.twokey-0.1.0\\dist\\cli.js'"));
  assert.ok(!/"[^"\r\n]*C:\\Users/.test(text), 'no path inside a double-quoted (expanding) string');
  assert.ok(lines.includes("  $found = Get-ChildItem -LiteralPath 'C:\\Users\\Ann O''Lee\\.vscode\\extensions' -Directory -Filter 'twokey.twokey-*' -ErrorAction SilentlyContinue |"));
  assert.equal(lines.filter((l) => l.includes('Sort-Object LastWriteTime | Select-Object -Last 1')).length, 2, 'the newest TwoKey and editor build by time');
  assert.ok(lines.includes("  $found = Get-ChildItem -LiteralPath 'C:\\Users\\Ann O''Lee\\AppData\\Local\\Programs\\Microsoft VS Code' -Directory -ErrorAction SilentlyContinue |"));
  assert.ok(lines.some((l) => l.includes('Get-Command node -CommandType Application')), 'else a Node on PATH');
  assert.ok(lines.includes("if ($args.Count -gt 0 -and $args[0] -eq 'hook' -and (Test-Path -LiteralPath $lean -PathType Leaf)) { $cli = $lean }"));
  assert.ok(lines.includes("$env:NODE_COMPILE_CACHE = 'C:\\Users\\Ann O''Lee\\AppData\\Local\\twokey\\compile-cache'"));
  assert.ok(lines.includes("$env:ELECTRON_RUN_AS_NODE = '1'"));
  assert.ok(lines.includes('$input | & $node $cli @args'), 'the payload on stdin goes to Node');
  assert.ok(lines.includes('exit $LASTEXITCODE'));
  assert.ok(lines.some((l) => l.startsWith('$OutputEncoding = ') && l.includes('UTF8Encoding')), 'the payload piped as UTF-8');
  // Refusals: nothing to run, and any failure of the script itself (a plain error would exit 1, which agents let through).
  const refuse = lines.findIndex((l) => l.startsWith('if (-not (Test-Path -LiteralPath $cli -PathType Leaf) -or'));
  assert.match(lines[refuse + 1], /^ {2}\[Console\]::Error\.WriteLine\("TwoKey: refused this call because the TwoKey hook cannot find TwoKey/);
  assert.equal(lines[refuse + 2], '  exit 2');
  assert.ok(refuse < lines.indexOf('$input | & $node $cli @args'));
  const trap = lines.findIndex((l) => l.startsWith('trap {'));
  assert.ok(trap >= 0 && trap < lines.findIndex((l) => l.startsWith('$node = ')), 'the trap is set before anything can fail');
  assert.match(lines[trap], /exit 2 \}$/);
});

test('on Windows the .cmd launcher gets its PowerShell twin beside it', () => {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-pslauncher-'));
  const exe = { node: 'C:\\Code\\Code.exe', cli: 'C:\\ext\\twokey.twokey-0.1.0\\dist\\cli.js', electron: true };
  assert.equal(writeLauncher(state, exe, 'win32'), path.join(state, 'bin', 'twokey-hook.cmd'));
  assert.equal(fs.readFileSync(path.join(state, 'bin', 'twokey-hook.ps1'), 'utf8'), powershellLauncherScript(exe, state));
  assert.deepEqual(fs.readdirSync(path.join(state, 'bin')).sort(), ['twokey-hook.cmd', 'twokey-hook.ps1'], 'no temporary file left');
  const posix = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-pslauncher-'));
  writeLauncher(posix, exe, 'linux');
  assert.deepEqual(fs.readdirSync(path.join(posix, 'bin')), ['twokey-hook']);
});
