/**
 * The agents' hook entries must outlive an update of the editor or of TwoKey: both live in
 * versioned folders (`…/twokey.twokey-0.1.0/dist/cli.js`, a VS Code server's
 * `…/bin/<commit>/node`). A hook pointing there breaks on the next update, and Cursor's
 * fail-closed entries would then block every agent call. So the entries run a launcher in
 * TwoKey's per-user state folder instead, which the extension rewrites at every start with
 * the current paths and which, when those are gone, finds the newest TwoKey beside the old
 * one and a Node to run it. When it finds none it refuses (exit 2 blocks the call in Cursor
 * and Claude Code) and says why. On Windows the launcher is a `.cmd` file doing the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HookExecutable } from './install';
import { singleQuote } from '../argv';

const LAUNCHER_NAME = 'twokey-hook';

/**
 * The warm path (bash only): the payload goes to the running editor's hook port
 * (src/intercept/hookPort.ts) over bash's /dev/tcp, and its answer is printed as is. No
 * port file, no connection, no whole answer or one without the editor's token: the Node hook
 * below runs with the same payload on stdin.
 */
function warmBlock(stateDir: string): string {
  return `portfile=${singleQuote(path.join(stateDir, 'hook-port'))}
if [ "$1" = hook ] && [ -n "$2" ] && [ -z "$TWOKEY_HOOK_COLD" ] && [ -r "$portfile" ]; then
  LC_ALL=C
  read -r port ctok stok _ < "$portfile"
  payload=$(cat; printf x); payload=\${payload%x}
  if [[ $port =~ ^[0-9]+$ && -n $stok ]] && { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
    printf '%s %s %s %s %s\\n%s%s' TWOKEY-HOOK/1 "$ctok" "$2" "\${#PWD}" "\${#payload}" "$PWD" "$payload" >&3
    if read -r -t 140 magic tok code olen elen <&3 && [[ $magic == TWOKEY-HOOK/1 && $tok == "$stok" && $code =~ ^[0-9]{1,3}$ && $olen =~ ^[0-9]+$ && $elen =~ ^[0-9]+$ ]]; then
      out='' err=''
      [ "$olen" -eq 0 ] || IFS= read -r -N "$olen" out <&3
      [ "$elen" -eq 0 ] || IFS= read -r -N "$elen" err <&3
      if [ "\${#out}" -eq "$olen" ] && [ "\${#err}" -eq "$elen" ]; then
        exec 3<&-
        printf '%s' "$out"
        printf '%s' "$err" >&2
        exit "$code"
      fi
    fi
    exec 3<&-
  fi
  unset LC_ALL
  exec < <(printf '%s' "$payload")
fi
`;
}

function launcherScript(exe: HookExecutable, stateDir: string, bash: boolean): string {
  const extDir = path.dirname(path.dirname(path.dirname(exe.cli)));
  const nodeParent = path.dirname(path.dirname(exe.node));
  return `#!/bin/${bash ? 'bash' : 'sh'}
# TwoKey agent-hook launcher. The TwoKey extension rewrites it at every start with the
# paths of the current editor and extension; agents' hook entries run it with \`hook <agent>\`.
${bash ? warmBlock(stateDir) : ''}node=${singleQuote(exe.node)}
cli=${singleQuote(exe.cli)}
if [ ! -f "$cli" ]; then
  # TwoKey was updated (or moved) since: the newest TwoKey in the same extensions folder
  # (by time: version folders do not sort as text, 0.10.0 before 0.9.0).
  for c in ${singleQuote(extDir)}/twokey.twokey-*/dist/cli.js; do
    [ -f "$c" ] || continue
    if [ ! -f "$cli" ] || [ "$c" -nt "$cli" ]; then cli=$c; fi
  done
fi
if [ ! -x "$node" ]; then
  # The editor was updated since: its newest build beside the old one, else a Node on PATH.
  for n in ${singleQuote(nodeParent)}/*/${singleQuote(path.basename(exe.node))}; do
    [ -x "$n" ] || continue
    if [ ! -x "$node" ] || [ "$n" -nt "$node" ]; then node=$n; fi
  done
  [ -x "$node" ] || node=$(command -v node 2>/dev/null) || node=
fi
if [ ! -f "$cli" ] || [ -z "$node" ] || [ ! -x "$node" ]; then
  echo "TwoKey: refused this call because the TwoKey hook cannot find TwoKey (looked for $cli run by $node). Do not retry or work around this; ask the user to open the workspace in the editor with TwoKey installed, or to reinstall the agent hooks." >&2
  exit 2
fi
# Agents' hooks run the lean hook bundle beside the CLI when it is there (much faster start).
if [ "$1" = hook ] && [ -f "\${cli%cli.js}hook.js" ]; then cli=\${cli%cli.js}hook.js; fi
# V8's compile cache in TwoKey's own state folder (Node 22.1 and later; ignored before).
NODE_COMPILE_CACHE=${singleQuote(path.join(stateDir, 'compile-cache'))} ELECTRON_RUN_AS_NODE=1 exec "$node" "$cli" "$@"
`;
}

/** A value inside a cmd.exe `set "name=value"`: `%` doubled; quotes cannot occur in Windows paths. */
function cmdValue(s: string): string {
  return s.replace(/%/g, '%%');
}

/**
 * The Windows launcher (`twokey-hook.cmd`): the same search as the POSIX one. The newest
 * TwoKey and editor build are found by time (`dir /o:d` lists oldest first; the last one
 * wins), `hook` runs the lean hook.js, and when nothing is left to run it refuses with exit
 * code 2 and a `TwoKey:` line on stderr.
 */
export function windowsLauncherScript(exe: HookExecutable, stateDir: string): string {
  const win = path.win32;
  const extDir = win.dirname(win.dirname(win.dirname(exe.cli)));
  const nodeParent = win.dirname(win.dirname(exe.node));
  const nodeName = win.basename(exe.node);
  return [
    '@echo off',
    'rem TwoKey agent-hook launcher. The TwoKey extension rewrites it at every start with the',
    'rem paths of the current editor and extension; agents\' hook entries run it with "hook <agent>".',
    'setlocal EnableExtensions DisableDelayedExpansion',
    `set "node=${cmdValue(exe.node)}"`,
    `set "cli=${cmdValue(exe.cli)}"`,
    'if exist "%cli%" goto havecli',
    `for /f "delims=" %%D in ('dir /b /ad /o:d "${cmdValue(extDir)}\\twokey.twokey-*" 2^>nul') do if exist "${cmdValue(extDir)}\\%%D\\dist\\cli.js" set "cli=${cmdValue(extDir)}\\%%D\\dist\\cli.js"`,
    ':havecli',
    'if exist "%node%" goto havenode',
    `for /f "delims=" %%D in ('dir /b /ad /o:d "${cmdValue(nodeParent)}" 2^>nul') do if exist "${cmdValue(nodeParent)}\\%%D\\${cmdValue(nodeName)}" set "node=${cmdValue(nodeParent)}\\%%D\\${cmdValue(nodeName)}"`,
    'if exist "%node%" goto havenode',
    'for /f "delims=" %%N in (\'where node 2^>nul\') do if not exist "%node%" set "node=%%N"',
    ':havenode',
    'if not exist "%cli%" goto refuse',
    'if not exist "%node%" goto refuse',
    'if /i "%~1"=="hook" if exist "%cli:cli.js=hook.js%" set "cli=%cli:cli.js=hook.js%"',
    `set "NODE_COMPILE_CACHE=${cmdValue(win.join(stateDir, 'compile-cache'))}"`,
    'set "ELECTRON_RUN_AS_NODE=1"',
    '"%node%" "%cli%" %*',
    'exit /b %ERRORLEVEL%',
    ':refuse',
    '>&2 echo TwoKey: refused this call because the TwoKey hook cannot find TwoKey (looked for %cli% run by %node%). Do not retry or work around this; ask the user to open the workspace in the editor with TwoKey installed, or to reinstall the agent hooks.',
    'exit /b 2',
    '',
  ].join('\r\n');
}

/** A PowerShell single-quoted string: `'` doubled; nothing else is special inside. */
function psq(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/**
 * The PowerShell launcher (`twokey-hook.ps1`), for hook entries that run in PowerShell (Copilot
 * CLI's `powershell` command, a user's own): the same search as the others. The newest TwoKey
 * and editor build are found by time, `hook` runs the lean hook.js, the hook's stdin is passed
 * through (`$input`), and when nothing is left to run it refuses with exit code 2 and a
 * `TwoKey:` line on stderr. Run with `-NoProfile -ExecutionPolicy Bypass -File`.
 */
export function powershellLauncherScript(exe: HookExecutable, stateDir: string): string {
  const win = path.win32;
  const extDir = win.dirname(win.dirname(win.dirname(exe.cli)));
  const nodeParent = win.dirname(win.dirname(exe.node));
  const nodeName = win.basename(exe.node);
  return [
    '# TwoKey agent-hook launcher. The TwoKey extension rewrites it at every start with the',
    "# paths of the current editor and extension; agents' hook entries run it with `hook <agent>`.",
    "$ErrorActionPreference = 'Stop'",
    '# Any failure of this script refuses (exit 2 blocks the call); a plain error would let it through.',
    'trap { [Console]::Error.WriteLine("TwoKey: refused this call because the TwoKey hook launcher failed ($_). Ask the user to reinstall the agent hooks."); exit 2 }',
    '# The payload goes to Node as UTF-8 (Windows PowerShell would pipe it as ASCII).',
    '$OutputEncoding = [Console]::InputEncoding = [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false',
    `$node = ${psq(exe.node)}`,
    `$cli = ${psq(exe.cli)}`,
    'if (-not (Test-Path -LiteralPath $cli -PathType Leaf)) {',
    `  $found = Get-ChildItem -LiteralPath ${psq(extDir)} -Directory -Filter 'twokey.twokey-*' -ErrorAction SilentlyContinue |`,
    "    Where-Object { Test-Path -LiteralPath (Join-Path $_.FullName 'dist\\cli.js') -PathType Leaf } | Sort-Object LastWriteTime | Select-Object -Last 1",
    "  if ($found) { $cli = Join-Path $found.FullName 'dist\\cli.js' }",
    '}',
    'if (-not (Test-Path -LiteralPath $node -PathType Leaf)) {',
    `  $found = Get-ChildItem -LiteralPath ${psq(nodeParent)} -Directory -ErrorAction SilentlyContinue |`,
    `    Where-Object { Test-Path -LiteralPath (Join-Path $_.FullName ${psq(nodeName)}) -PathType Leaf } | Sort-Object LastWriteTime | Select-Object -Last 1`,
    `  if ($found) { $node = Join-Path $found.FullName ${psq(nodeName)} }`,
    '  elseif ($cmd = Get-Command node -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1) { $node = $cmd.Source }',
    '}',
    'if (-not (Test-Path -LiteralPath $cli -PathType Leaf) -or -not (Test-Path -LiteralPath $node -PathType Leaf)) {',
    '  [Console]::Error.WriteLine("TwoKey: refused this call because the TwoKey hook cannot find TwoKey (looked for $cli run by $node). Do not retry or work around this; ask the user to open the workspace in the editor with TwoKey installed, or to reinstall the agent hooks.")',
    '  exit 2',
    '}',
    "$lean = $cli -replace 'cli\\.js$', 'hook.js'",
    "if ($args.Count -gt 0 -and $args[0] -eq 'hook' -and (Test-Path -LiteralPath $lean -PathType Leaf)) { $cli = $lean }",
    `$env:NODE_COMPILE_CACHE = ${psq(win.join(stateDir, 'compile-cache'))}`,
    "$env:ELECTRON_RUN_AS_NODE = '1'",
    '$input | & $node $cli @args',
    'exit $LASTEXITCODE',
    '',
  ].join('\r\n');
}

/**
 * Writes the launcher into `<stateDir>/bin` (atomically; 0755 `twokey-hook` on POSIX,
 * `twokey-hook.cmd` on Windows) and returns its path, or undefined when it cannot be
 * written (the entries then use direct paths).
 */
export function writeLauncher(stateDir: string, exe: HookExecutable, platform: NodeJS.Platform = process.platform, bash: boolean = platform !== 'win32' && fs.existsSync('/bin/bash')): string | undefined {
  try {
    const dir = path.join(stateDir, 'bin');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, platform === 'win32' ? `${LAUNCHER_NAME}.cmd` : LAUNCHER_NAME);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, platform === 'win32' ? windowsLauncherScript(exe, stateDir) : launcherScript(exe, stateDir, bash), { mode: 0o755 });
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, file);
    if (platform === 'win32') {
      // Beside it, the PowerShell launcher for entries that run in PowerShell.
      const ps1 = path.join(dir, `${LAUNCHER_NAME}.ps1`);
      fs.writeFileSync(`${ps1}.${process.pid}.tmp`, powershellLauncherScript(exe, stateDir));
      fs.renameSync(`${ps1}.${process.pid}.tmp`, ps1);
    }
    return file;
  } catch {
    return undefined;
  }
}
