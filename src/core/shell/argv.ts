/**
 * A shell line that runs exactly this argv: plain words stay as they are, every other word
 * is single-quoted (an empty word becomes ''). Used for the PATH shims' `--argv` requests.
 */
export function argvToLine(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}
