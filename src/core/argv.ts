/**
 * Shell quoting, in one place: every generated line, gate script, shim, hook launcher and
 * preview quotes through here. Single quotes work alike in bash, zsh, dash and sh. `~` is
 * always quoted, so a path that starts with it is never re-expanded to a home folder.
 */

/** Characters that mean nothing to the shell anywhere in a word. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A word, single-quoted: the shell reads it back exactly (an empty word becomes ''). */
export function singleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A word as the shell must see it: plain words stay as they are, every other word is single-quoted. */
export function shellQuote(s: string): string {
  return PLAIN.test(s) ? s : singleQuote(s);
}

/** A shell line that runs exactly this argv (the PATH shims' `--argv` requests, tasks, previews). */
export function argvToLine(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
