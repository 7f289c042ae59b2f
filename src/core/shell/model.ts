/** The parsed shape the rules see: simple commands after unwrapping. */

/** Marks a part of a word that is only known at run time ($VAR, $(…), xargs input, find's {}). */
export const DYN = '\u0000';

export interface Word {
  /** The value after quote removal and known-variable expansion; unknown parts are DYN. */
  value: string;
  /** The source text, for display. */
  raw: string;
}

export interface Redirect {
  /** `>`, `>>`, `<`, `&>`, `>|`, `2>` … */
  op: string;
  target: Word;
}

/** Where a command's standard input comes from, when the engine can tell. */
export interface Stdin {
  kind: 'literal' | 'file' | 'remote' | 'decoded' | 'unknown';
  /** The text, for `literal`. */
  text?: string;
  /** The path, for `file`; the URL/host or producing command otherwise. */
  source?: string;
}

export interface SimpleCommand {
  /** Command name: basename, without a leading backslash. */
  name: string;
  /** Arguments after the name. */
  args: Word[];
  /** Text of the command as written (of the outermost source when synthesised). */
  raw: string;
  /** Assignments in front of the command (`FOO=1 cmd`, `env FOO=1 cmd`). */
  assignments: Record<string, string>;
  redirects: Redirect[];
  stdin?: Stdin;
  /** Wrappers looked through, outermost first: `sudo`, `bash -c`, `xargs`, `python -c` … */
  via: string[];
  /** Nesting depth (0: written directly on the line). */
  depth: number;
  /** Set by sudo/doas. */
  elevated?: boolean;
  /** The arguments also receive values only known at run time (xargs, parallel). */
  dynamicArgs?: boolean;
  /** Working directory the command runs in, when a `cd` earlier on the line changed it. */
  cwd?: string;
  /** The folders it may run in when `cwd` is unknown only because an earlier `cd` may have failed. */
  cwdMaybe?: string[];
  /** The file and line it was read from, when the engine followed a script (`x.sh line 3`). */
  origin?: string;
  /** Variables a wrapper removes from its environment (`env -u NAME`); `*` for all (`env -i`, `exec -c`). */
  cleared?: string[];
}

export interface Unanalysable {
  reason: string;
  text: string;
}

export interface ParsedLine {
  commands: SimpleCommand[];
  unanalysable: Unanalysable[];
  /** Variables set with no command (`X=1`, `for X in …`), judged against the protected names. */
  assigned?: Array<{ name: string; value: string; raw?: string }>;
}

export function isDynamic(w: Word | string): boolean {
  return (typeof w === 'string' ? w : w.value).includes(DYN);
}

/** Display text for a word: the value when known, else the source text. */
export function show(w: Word): string {
  return w.value.includes(DYN) ? w.raw : w.value;
}

export function argValues(c: SimpleCommand): string[] {
  return c.args.map((a) => a.value);
}
