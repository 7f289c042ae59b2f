/**
 * What the shell gates' prefilter must send to the engine, built from the engine's own
 * tables (one source): the command names the rule packs judge, the wrappers, shells and
 * interpreters the engine looks through, the commands the guard rules judge, and the
 * protected variable names. The extension writes these into the prefilter of the gate files
 * it generates; a line with none of them (and no operator, path, quote or substitution) never
 * leaves the shell. Pure: no `vscode`.
 */
import { ruleNames } from './index';
import { GATE_VARIABLES, NAME_TABLES } from './guard';
import { INTERPRETERS, RUNNERS, SHELLS, wrapperWords } from '../shell/unwrap';
import { LOCAL_RULE_WORDS } from './local';
import { PLANT_NAMES } from '../shell/plant';
import { DEFAULT_POLICY } from '../policy/defaults';
import { DEVICE } from './filesystem';

/** Wrappers and commands that run other commands or change the shell (unwrap.ts and friends). */
const WRAPPERS = [
  'sudo', 'doas', 'su', 'env', 'command', 'builtin', 'exec', 'eval', 'nohup', 'nice', 'ionice', 'timeout', 'time', 'watch',
  'stdbuf', 'chronic', 'setsid', 'unbuffer', 'caffeinate', 'flock', 'xargs', 'parallel', 'ssh', 'source', 'coproc', 'fc', 'r',
  'noglob', 'nocorrect', 'autoload', 'zmodload', 'alias', 'export', 'declare', 'typeset', 'readonly', 'local', 'unset',
  'kill', 'pkill', 'killall', 'systemctl', 'crontab', 'make', 'just', 'task', 'base64', 'openssl', 'tee', 'ln', 'cp',
  'install', 'chattr', 'rmdir', 'git-filter-repo', 'bfg', 'manage.py', 'node', 'nodejs', 'deno', 'bun', 'perl', 'ruby',
  'claude', 'cursor-agent', 'codex', 'gemini', 'copilot', 'aider', 'ssh-keygen', 'code', 'cursor', 'codium',
];

/** Commands the guard rules judge (hooks, traps, options of the gates), and builtins a function could stand in for. */
const GUARD_COMMANDS = ['kill', 'trap', 'builtin', 'command', 'eval', 'exec', 'source', 'unfunction', 'hash', 'unhash', 'disable', 'enable', 'add-zsh-hook', 'functions', 'setopt', 'unsetopt', 'shopt', 'emulate', 'set', 'trap', 'mapfile', 'readarray', 'getopts', 'let', 'vared'];

function sortedUnique(xs: Iterable<string>): string[] {
  return [...new Set(xs)].filter(Boolean).sort();
}

/** Command words for `__twokey_words` (an ERE alternation; dots escaped). */
export function prefilterWords(): string[] {
  return sortedUnique([...ruleNames(), ...wrapperWords(), ...LOCAL_RULE_WORDS, ...WRAPPERS, ...GUARD_COMMANDS, ...SHELLS, ...RUNNERS, ...Object.keys(INTERPRETERS)]).filter(
    (w) => /^[A-Za-z0-9_][A-Za-z0-9_.+/-]*$/.test(w) && w !== '.' && w !== ':',
  );
}

/**
 * Substrings that send a line to the engine wherever they appear: guard and credential
 * files, the gates' own names, and every protected variable (a literal prefix of each glob).
 */
export function prefilterNames(protectedVariables: readonly string[] = DEFAULT_POLICY.protectedVariables): string[] {
  const vars = [...GATE_VARIABLES, ...protectedVariables, ...NAME_TABLES, 'PS1', 'PS2', 'PS3', 'PROMPT', 'RPROMPT', 'RPS1'].map((v) => v.split('*')[0])
    // `ENV` only counts when it is set (it is part of NODE_ENV, RAILS_ENV…); `read ENV` and
    // friends only matter to `sh -i`, which is asked about anyway.
    .map((v) => (v === 'ENV' ? 'ENV=' : v))
    .filter((v) => v.length >= 2);
  // Disk devices a redirect can write over (`> /dev/sda`), from the filesystem rules' own pattern.
  const devices = (/\(\?:(.*)\)/.exec(DEVICE.source)?.[1] ?? '').split('|').map((p) => '/dev/' + p.replace(/\\/g, ''));
  return sortedUnique([
    ...devices,
    // Agent launchers that switch approvals off (the agent rules' flags).
    '--dangerously', '--yolo', '--trust-all-tools', '--allow-all', 'approval', 'bypassPermissions', 'danger-full-access', '--auto-approve', '--no-confirm',
    '--force-approve', '--always-approve', '--yes-always',
    '.env', '.twokey', 'hooks.json', '.claude', '.cursor', '.github/hooks', '.aws', '.kube', '.ssh', '.local/state/twokey',
    // Files that plant a command for later (start-up files, git hooks, package.json…).
    ...PLANT_NAMES,
    '__vsc_', 'TRAP', 'extdebug', 'debug_before_cmd', 'DEBUG_BEFORE_CMD', 'debugbeforecmd', 'functrace', '()', 'function ',
    ...vars,
  ]).filter((n) => /^[^'"\\*?[\]]+$/.test(n));
}

/** The shell lines that replace the defaults in prefilter.sh (bash and zsh read them alike). */
export function prefilterTables(protectedVariables?: readonly string[]): string {
  const words = prefilterWords().map((w) => w.replace(/\./g, '\\.').replace(/\+/g, '\\+'));
  const names = prefilterNames(protectedVariables);
  return [
    `__twokey_words='${[...words, 'mkfs[.[:alnum:]]*', 'python[0-9.]*'].join('|')}'`,
    // For `case`: plain words, `|`-separated, so that "|$word|" finds one.
    `__twokey_plain='|${prefilterWords().filter((w) => /^[a-z0-9_-]+$/.test(w)).join('|')}|'`,
    `__twokey_names='${names.join('\n')}'`,
    // Whether a line may hold one of the names at all: one `case`, so that most harmless lines
    // skip the loop over the names.
    `__twokey_maybe_named() { case $1 in *[[:upper:]_./]* | *--*${[...new Set(names.filter((n) => !/[A-Z_./]/.test(n) && !n.startsWith('--')))].map((n) => ` | *'${n}'*`).join('')}) return 0 ;; esac; return 1; }`,
    // The same names ERE-escaped, for the full expression (so no shell loop at start-up).
    `__twokey_names_re='${names.map((n) => '|' + n.replace(/[.()[\]{}|^$*+?\\]/g, '\\$&')).join('')}'`,
  ].join('\n');
}
