/**
 * Least privilege for terminals: which of the editor's variables are kept out of new
 * terminals (the policy's `maskedVariables`, names or globs). Variables the shell, the
 * editor or TwoKey itself need are never masked, whatever a policy says. Pure.
 */
import { anyOf } from '../policy/match';

export const NEVER_MASKED: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'PWD',
  'TMPDIR',
  'PROMPT_COMMAND',
  'BASH_ENV',
  'ENV',
  'ZDOTDIR',
  'VSCODE_*',
  'TERM_PROGRAM*',
  'TWOKEY_*',
  'ELECTRON_*',
];

/** The names of `env` that the globs select (sorted), minus the ones never masked. */
export function maskedVariableNames(globs: readonly string[], env: Record<string, string | undefined>): string[] {
  if (!globs.length) return [];
  const wanted = anyOf(globs, undefined, false);
  const never = anyOf(NEVER_MASKED, undefined, false);
  return Object.keys(env)
    .filter((k) => env[k] !== undefined && wanted(k) && !never(k))
    .sort();
}
