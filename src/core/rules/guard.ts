/**
 * The guard guards itself: a line that changes what the shell gates rely on is asked about
 * like any destructive command. Three families, each judged by what it touches, not by
 * one spelling:
 *  - protected variables (the policy's `protectedVariables` plus the gate's own state):
 *    any assignment, `export`, `declare`, `typeset`, `local`, `readonly`, `printf -v`,
 *    `read`, `mapfile`, `getopts`, `let`, `for NAME in`, `env NAME=` / `env -u NAME` /
 *    `env -i`, `exec -c`, `unset` of such a name;
 *  - the hooks, traps and options the gates use (zsh `preexec_functions`, `unfunction`,
 *    `disable`, `functions[…]=`, `add-zsh-hook -d`, `unsetopt debug_before_cmd`; bash
 *    `shopt -u extdebug`, `set +T`, `enable -n`);
 *  - shells started so that no gate loads (`bash --norc`, `zsh -f`, `sh script`, `dash`).
 * Pure: no `vscode`.
 */
import type { RuleHit } from '../types';
import { DEFAULT_POLICY } from '../policy/defaults';
import { DYN, type SimpleCommand, type Word } from '../shell/model';
import { GATE_BUILTINS, GATE_FUNCTION } from '../shell/gateNames';
import { hit, type RuleContext } from './util';

/**
 * Variables the gates themselves depend on: protected whatever the policy says. Glob
 * patterns (`*` only). The prompt variables run code at every prompt when they hold a
 * substitution (see PROMPT_VALUE_CODE).
 */
export const GATE_VARIABLES: readonly string[] = [
  'TWOKEY_*',
  '__twokey*',
  '__tk_*',
  'PROMPT_COMMAND',
  'BASH_ENV',
  'ENV',
  'ZDOTDIR',
  'HISTTIMEFORMAT',
  'SHELLOPTS',
  'BASHOPTS',
  'BASH_FUNC_*',
  'PS0',
  'PS4',
  'preexec_functions',
  'precmd_functions',
  'zshaddhistory_functions',
  'functions',
  'ELECTRON_RUN_AS_NODE',
  // bash's command hash table and alias table as arrays: `BASH_CMDS[ls]=/bin/rm`.
  'BASH_CMDS',
  'BASH_ALIASES',
];

/**
 * zsh's tables of what a command name runs (`commands[ls]=/bin/rm`, `aliases[ls]='rm -rf x'`):
 * protected when an element is set (a plain variable of the same name in bash is not special).
 */
export const NAME_TABLES: readonly string[] = ['commands', 'aliases', 'galiases', 'saliases'];

/** Prompt strings: protected when the new value runs code (a substitution). */
const PROMPT_VARS = /^(?:PS1|PS2|PS3|PROMPT|PROMPT2|PROMPT3|RPROMPT|RPS1|RPROMPT2|RPS2)$/;
const PROMPT_VALUE_CODE = /\$\(|`|\$\{/;

type Matcher = (name: string) => boolean;
const matcherCache = new WeakMap<readonly string[], Matcher>();

function globRe(p: string): string {
  return p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
}

function matcherFor(list: readonly string[]): Matcher {
  let m = matcherCache.get(list);
  if (!m) {
    const re = new RegExp(`^(?:${[...GATE_VARIABLES, ...list].map(globRe).join('|')})$`);
    m = (name) => re.test(name);
    matcherCache.set(list, m);
  }
  return m;
}

/** Whether the variable `name` (an array element counts as its array) is protected. */
export function isProtectedVariable(name: string, policyList: readonly string[] = DEFAULT_POLICY.protectedVariables, value?: string, raw?: string): boolean {
  const base = name.replace(/\[.*$/s, '').replace(/\+$/, '');
  if (NAME_TABLES.includes(base) && name.includes('[')) return true;
  if (PROMPT_VARS.test(base)) return value === undefined || PROMPT_VALUE_CODE.test(value) || value.includes(DYN);
  if (!matcherFor(policyList)(base)) return false;
  // A search path extended at its end keeps what comes first (TwoKey's shims among it).
  if (/PATH$/.test(base) && raw !== undefined) {
    const v = raw.includes('=') ? raw.slice(raw.indexOf('=') + 1) : raw;
    if (v.startsWith(`$${base}:`) || v.startsWith(`\${${base}}:`) || v.startsWith(`"$${base}:`) || v.startsWith(`"\${${base}}:`)) return false;
  }
  return true;
}

function protectedHit(verb: string, names: string[]): RuleHit {
  const list = [...new Set(names)];
  return hit(
    'guard.protected-variable',
    'guard-config',
    'high',
    `${verb} ${list.join(', ')}, which ${list.length > 1 ? 'are' : 'is'} protected: ${list.some((n) => /^(?:TWOKEY_|__twokey|__tk_|PROMPT_COMMAND|BASH_ENV|ENV$|ZDOTDIR|preexec|precmd|functions|PS0|PS4|HISTTIMEFORMAT)/.test(n)) ? 'the TwoKey shell gate relies on it' : 'it switches the credentials, tools or target that later commands use'}`,
    list,
  );
}

/** Names assigned without a command (`X=1`, `for X in …`): judged after the walk. */
export function assignedHits(assigned: ReadonlyArray<{ name: string; value: string; raw?: string }> | undefined, ctx: RuleContext): RuleHit[] {
  if (!assigned?.length) return [];
  const list = ctx.protectedVariables ?? DEFAULT_POLICY.protectedVariables;
  const bad = assigned.filter((a) => isProtectedVariable(a.name, list, a.value, a.raw)).map((a) => a.name.replace(/\[.*$/s, ''));
  return bad.length ? [protectedHit('it sets', bad)] : [];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\[.*\])?\+?$/s;

/** Non-option words of a builtin, skipping options that take a value. */
function operands(c: SimpleCommand, withValue: string): Word[] {
  const out: Word[] = [];
  const vs = c.args.map((a) => a.value);
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (v === '--') {
      out.push(...c.args.slice(i + 1));
      break;
    }
    if (/^[-+][A-Za-z]/.test(v) && !v.includes('=')) {
      // `-p prompt`, `-d delim`: the last letter takes the next word (or the rest of this one).
      const last = v[v.length - 1];
      if (withValue.includes(last)) i++;
      continue;
    }
    out.push(c.args[i]);
  }
  return out;
}

/** The option letters a builtin was given (`-a -p` → "ap"), and the value of one. */
function optionValue(c: SimpleCommand, letter: string): string | undefined {
  const vs = c.args.map((a) => a.value);
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (v === '--' || !/^-[A-Za-z]/.test(v)) continue;
    const at = v.indexOf(letter, 1);
    if (at < 0) continue;
    return at === v.length - 1 ? vs[i + 1] : v.slice(at + 1);
  }
  return undefined;
}

/** Variable names a simple command sets, unsets or exports. */
export function variablesWritten(c: SimpleCommand): Array<{ name: string; value?: string; raw?: string }> {
  const out: Array<{ name: string; value?: string; raw?: string }> = [];
  for (const [k, v] of Object.entries(c.assignments)) out.push({ name: k, value: v });
  for (const k of c.cleared ?? []) out.push({ name: k });
  const named = (w: string, raw?: string) => {
    const eq = w.indexOf('=');
    const name = eq > 0 ? w.slice(0, eq) : w;
    if (NAME.test(name)) out.push({ name, value: eq > 0 ? w.slice(eq + 1) : undefined, raw });
  };
  switch (c.name) {
    case 'export':
    case 'declare':
    case 'typeset':
    case 'local':
    case 'readonly':
    case 'integer':
    case 'float':
    case 'private':
    case 'unset':
    case 'setenv':
    case 'unsetenv':
    case 'vared': {
      if (c.name === 'unset' && c.args.some((a) => /^-[a-z]*f/.test(a.value))) break;
      // `declare -p`, `declare -F`, `typeset -f`, `export -p`: they print, or name functions.
      if (c.name !== 'unset' && c.args.some((a) => /^-[a-zA-Z]*[pfF]/.test(a.value))) break;
      // `declare -n ref=NAME`: a reference is a way to write NAME later.
      const nameref = (c.name === 'declare' || c.name === 'typeset' || c.name === 'local') && c.args.some((a) => /^-[a-zA-Z]*n/.test(a.value));
      for (const w of operands(c, '')) {
        named(w.value, w.raw);
        if (nameref && w.value.includes('=')) named(w.value.slice(w.value.indexOf('=') + 1));
      }
      break;
    }
    case 'printf':
    case 'print': {
      const v = optionValue(c, 'v');
      if (v !== undefined && c.args.some((a) => /^-[a-zA-Z]*v/.test(a.value))) named(v);
      break;
    }
    case 'read': {
      for (const w of operands(c, 'adeinNptuAk')) named(w.value.replace(/\?.*$/s, ''));
      for (const l of ['a', 'A']) {
        const v = c.args.some((a) => new RegExp(`^-[a-zA-Z]*${l}`).test(a.value)) ? optionValue(c, l) : undefined;
        if (v) named(v);
      }
      break;
    }
    case 'mapfile':
    case 'readarray': {
      const ops = operands(c, 'dnOsuCc');
      named(ops.length ? ops[ops.length - 1].value : 'MAPFILE');
      break;
    }
    case 'getopts': {
      const ops = operands(c, '');
      if (ops[1]) named(ops[1].value);
      break;
    }
    case 'let':
      for (const w of c.args) {
        const m = /^\s*([A-Za-z_]\w*(?:\[[^\]]*\])?)\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)/.exec(w.value);
        if (m) named(m[1]);
      }
      break;
  }
  return out;
}

/** What the line does to the gates' functions, traps and options (not variables). */
function hookHits(c: SimpleCommand): RuleHit[] {
  const vs = c.args.map((a) => a.value);
  const removes = (why: string) => [hit('guard.gate-hook', 'guard-config', 'high', `${c.name} ${vs.join(' ').slice(0, 120)} ${why}`)];
  switch (c.name) {
    case 'unfunction':
    case 'unhash':
      if (vs.some((v) => GATE_FUNCTION.test(v) || GATE_BUILTINS.has(v) || v.includes(DYN) || /[*?[]/.test(v))) return removes('removes a function the TwoKey shell gate runs');
      return [];
    case 'unset':
      if (vs.some((v) => /^-[a-z]*f/.test(v)) && vs.some((v) => GATE_FUNCTION.test(v) || v.includes(DYN))) return removes('removes a function the TwoKey shell gate runs');
      return [];
    case 'disable':
      // zsh: switches off builtins, functions, aliases or reserved words by name.
      return vs.length && !vs.every((v) => v === '-p' || v === '-m') ? removes('switches off a builtin or function the TwoKey shell gate may run') : [];
    case 'enable':
      if (vs.some((v) => /^-[a-z]*[nfd]/.test(v))) return removes('switches a shell builtin off or replaces it, which the TwoKey shell gate may run');
      return [];
    case 'hash':
      // bash `hash -p /bin/rm ls`, zsh `hash ls=/bin/rm`: from now on a harmless-looking name
      // runs another program (zsh `hash -d name=dir` names a folder, which is harmless).
      if (vs.some((v) => /^-[a-zA-Z]*p/.test(v)) || (!vs.some((v) => /^-[a-zA-Z]*d/.test(v)) && vs.some((v) => !v.startsWith('-') && v.includes('=')))) {
        return removes('makes a command name run another program for the rest of this terminal, where a later line that looks harmless runs it');
      }
      return [];
    case 'add-zsh-hook':
      if (vs.some((v) => v === '-d' || v === '-D' || /^-[a-zA-Z]*[dD]/.test(v))) return removes('removes a zsh hook; TwoKey checks commands from its preexec hook');
      return [];
    case 'functions':
      // `functions -c`, `functions -M`: copying is harmless; `functions -u`/`-T`… on the gate's are not.
      if (vs.some((v) => GATE_FUNCTION.test(v))) return removes("changes a function the TwoKey shell gate runs");
      return [];
    case 'setopt':
    case 'unsetopt':
    case 'set':
    case 'emulate': {
      const norm = vs.map((v) => v.toLowerCase().replace(/_/g, ''));
      const off = (opt: string) =>
        (c.name === 'unsetopt' && norm.includes(opt)) ||
        (c.name === 'setopt' && norm.includes('no' + opt)) ||
        (c.name === 'set' && norm.some((v, i) => (v === '+o' && norm[i + 1] === opt) || (v === '-o' && norm[i + 1] === 'no' + opt)));
      if (off('debugbeforecmd')) return removes('makes zsh run its debug trap after a command instead of before it, so a refusal comes too late');
      if (off('functrace') || (c.name === 'set' && vs.some((v) => /^\+[a-zA-Z]*T/.test(v)))) return removes('stops the TwoKey debug trap from reaching functions and subshells');
      if (c.name === 'emulate' && vs.some((v) => v !== '-L' && v !== '-LR' && !/^-[a-zA-Z]*L/.test(v)) && !vs.some((v) => /^-[a-zA-Z]*L/.test(v))) {
        return removes('resets every shell option, including the ones the TwoKey shell gate relies on');
      }
      return [];
    }
    case 'shopt':
      if (vs.some((v) => v === '-u') && vs.includes('extdebug')) return removes('switches off extdebug, which the TwoKey shell gate uses to stop commands');
      return [];
    case 'trap': {
      // `trap '' INT` (or a handler) makes the gate's own refusal (an interrupt) carry on;
      // the handler's code is checked as code where the engine reads it.
      const sigs = vs.slice(vs[0] === '--' ? 2 : 1).map((s) => s.toUpperCase().replace(/^SIG/, ''));
      if (vs.length === 1 && /^(?:INT|EXIT|DEBUG|0|2)$/i.test(vs[0].replace(/^SIG/i, ''))) return removes('changes a trap the TwoKey shell gate uses to stop a refused line');
      if (sigs.some((s) => s === 'DEBUG' || s === 'RETURN')) return removes('changes the debug trap TwoKey uses to check commands');
      if (sigs.some((s) => s === 'INT' || s === '2') && vs[0] !== '-') return removes('changes what an interrupt does; TwoKey interrupts a refused line to stop it');
      return [];
    }
  }
  return [];
}

const NO_GATE_SHELLS = /^(?:sh|dash|ash|ksh|ksh93|mksh|pdksh|yash|posh|fish|csh|tcsh|busybox|rbash|elvish|nu|xonsh)$/;

/** Shells started so that no gate loads: startup files skipped, or a shell TwoKey has no gate for. */
function shellHits(c: SimpleCommand): RuleHit[] {
  if (c.name !== 'bash' && c.name !== 'zsh' && !NO_GATE_SHELLS.test(c.name)) return [];
  const vs = c.args.map((a) => a.value);
  // `sh -c CODE`: the code is read and judged as it is; only scripts and sessions are opaque.
  const runsCode = vs.some((v) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(v) || v === '--command');
  // Code on its standard input (`curl … | sh`, a heredoc) is read and judged as such.
  if (runsCode || (c.stdin && !vs.some((v) => !v.startsWith('-')))) return [];
  const ask = (why: string) => [hit('guard.ungated-shell', 'guard-config', 'high', `${[c.name, ...vs].join(' ').slice(0, 120)} ${why}`)];
  if (c.name === 'bash') {
    const skip = vs.find((v) => v === '--norc' || v === '--rcfile' || v === '--init-file' || v === '--posix' || v === '--restricted' || /^-[a-zA-Z]*r/.test(v));
    if (skip) return ask(`starts bash with ${skip}, which skips the startup TwoKey's shell gate comes in through`);
    if (vs.some((v, i) => (v === '-o' || v === '--') && vs[i + 1] === 'posix')) return ask('starts bash in POSIX mode, which ignores the TwoKey gate');
    return [];
  }
  if (c.name === 'zsh') {
    const skip = vs.find((v) => /^-[a-zA-Z]*[fd]/.test(v) || v === '--no-rcs' || v === '--norcs' || v === '--no-globalrcs' || v === '--noglobalrcs');
    const noRcs = vs.some((v, i) => (v === '+o' && /^(?:rcs|globalrcs)$/i.test(vs[i + 1] ?? '')) || (v === '-o' && /^no_?(?:rcs|globalrcs)$/i.test(vs[i + 1] ?? '')));
    if (skip || noRcs) return ask(`starts zsh with ${skip ?? 'rcs off'}, which skips the startup files TwoKey's shell gate comes in through`);
    return [];
  }
  // `sh x.sh`: the engine reads the script and judges what it runs (one it cannot read is
  // asked); a POSIX shell's script needs no gate of its own. A session, or a shell whose
  // language the engine does not read (fish, csh…), is opaque.
  const script = vs.find((v) => !v.startsWith('-') && !v.startsWith('+'));
  if (script && POSIX_SHELLS.test(c.name)) return [];
  return ask(`starts ${c.name}, a shell TwoKey has no gate for: what it runs is not checked`);
}

const POSIX_SHELLS = /^(?:sh|dash|ash|ksh|ksh93|mksh|pdksh|yash|posh)$/;

/** Runs on every simple command. */
export function guardRule(c: SimpleCommand, ctx: RuleContext): RuleHit[] {
  const list = ctx.protectedVariables ?? DEFAULT_POLICY.protectedVariables;
  const hits: RuleHit[] = [];
  const written = variablesWritten(c);
  if (written.length) {
    const bad = written.filter((w) => w.name === '*' || isProtectedVariable(w.name, list, w.value, w.raw)).map((w) => (w.name === '*' ? 'every variable (the whole environment)' : w.name.replace(/\[.*$/s, '')));
    if (bad.length) hits.push(protectedHit(c.name === 'unset' || c.cleared?.length ? 'it removes or changes' : 'it sets', bad));
  }
  hits.push(...hookHits(c), ...shellHits(c));
  return hits;
}
