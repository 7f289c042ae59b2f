/**
 * Names the shell gates define or rely on. The shell analysis flags a line that redefines
 * one (`preexec() { :; }`), and the guard rules flag one that removes or disables one
 * (`unset -f __twokey_check`). Kept here, below both, so neither imports the other.
 */

/** Functions the gates define or call: redefining, removing or disabling one switches a gate off. */
export const GATE_FUNCTION = /^(?:__twokey\w*|__vsc_\w*|__tk_\w*|TRAP[A-Z]+|preexec|precmd|zshaddhistory|add-zsh-hook|__bp_\w*)$/;

/** Shell builtins the gates run: a function of the same name would stand in for them. */
export const GATE_BUILTINS: ReadonlySet<string> = new Set([
  'builtin', 'command', 'kill', 'trap', 'return', 'exit', 'source', '.', 'history', 'fc', 'declare', 'typeset', 'local',
  'readonly', 'shopt', 'set', 'setopt', 'unsetopt', 'emulate', 'unset', 'unfunction', 'eval', 'exec', 'printf', 'print',
  'read', 'enable', 'disable', 'type', 'hash', 'zle', 'autoload', 'functions', 'export', 'true', 'false', ':',
]);
