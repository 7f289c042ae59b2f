/**
 * Small helpers every unwrapper shares: the command's base name, option skipping, shifting
 * to the wrapped command, re-quoting words into a script, and running a script given on stdin.
 */
import { DYN, type SimpleCommand, type Word } from './model';
import { emit, parseNested, type WalkContext } from './extract';
import { shellQuote } from '../argv';

/**
 * One wrapper's unwrapper: hands back the command it wraps (the loop in unwrap.ts goes on
 * with it), says `'done'` (it emitted what runs itself), or `undefined` (not a form it
 * wraps: judged as it is).
 */
export type Unwrapper = (c: SimpleCommand, ctx: WalkContext) => SimpleCommand | 'done' | undefined;

/** A set of option names. */
export const set = (...xs: string[]): Set<string> => new Set(xs);

export function basename(name: string): string {
  let n = name.startsWith('\\') ? name.slice(1) : name;
  const slash = n.lastIndexOf('/');
  if (slash >= 0 && slash < n.length - 1) n = n.slice(slash + 1);
  if (n.endsWith('.exe')) n = n.slice(0, -4);
  return n;
}

/** Index of the first positional argument after options. */
export function skipOptions(args: Word[], from: number, withValue: Set<string>, stopAtDoubleDash = true): number {
  let i = from;
  while (i < args.length) {
    const v = args[i].value;
    if (v === '--') return stopAtDoubleDash ? i + 1 : i;
    if (!v.startsWith('-') || v === '-') return i;
    if (withValue.has(v)) i += 2;
    else i += 1;
  }
  return i;
}

export function shift(c: SimpleCommand, from: number, label: string, extra?: Partial<SimpleCommand>): SimpleCommand | undefined {
  if (from >= c.args.length) return undefined;
  const name = c.args[from];
  return {
    ...c,
    name: name.value,
    args: c.args.slice(from + 1),
    via: [...c.via, label],
    ...extra,
  };
}

/** Re-parses words as a script (for eval, watch, ssh): known values quoted, unknown kept as written. */
export function wordsToScript(ws: Word[], quote: boolean): string {
  return ws.map((w) => (w.value.includes(DYN) ? w.raw : quote ? shellQuote(w.value) : w.value)).join(' ');
}

export function stdinScript(c: SimpleCommand, ctx: WalkContext, label: string, what: string): void {
  const s = c.stdin;
  if (!s) return;
  switch (s.kind) {
    case 'literal':
      if (s.text !== undefined) parseNested(s.text, ctx, label);
      return;
    case 'remote':
      ctx.out.unanalysable.push({ reason: `it pipes a script downloaded from ${s.source ?? 'the network'} into ${what}, which cannot be checked before it runs`, text: c.raw });
      return;
    case 'decoded':
      ctx.out.unanalysable.push({ reason: `it decodes a hidden payload (${s.source}) and runs it with ${what}`, text: c.raw });
      return;
    case 'unknown':
      ctx.out.unanalysable.push({ reason: `it runs the output of ${s.source ?? 'another command'} with ${what}, which is only known when it runs`, text: c.raw });
      return;
    case 'file':
      return;
  }
}

/** Options that take a value, per wrapper (short and long forms). */
export const VALUE_OPTS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '--user', '--group', '--host', '--prompt', '--chdir', '--role', '--type', '--other-user', '--close-from', '--command-timeout']),
  doas: new Set(['-u', '-C']),
  nice: new Set(['-n', '--adjustment']),
  ionice: new Set(['-c', '-n', '-p', '-P', '-u', '--class', '--classdata']),
  timeout: new Set(['-s', '-k', '--signal', '--kill-after']),
  time: new Set(['-f', '-o', '--format', '--output']),
  stdbuf: new Set(['-i', '-o', '-e']),
  exec: new Set(['-a']),
  chronic: new Set(),
  nohup: new Set(),
  builtin: new Set(),
  command: new Set(),
  setsid: new Set(),
  unbuffer: new Set(),
  caffeinate: new Set(['-t', '-w']),
  flock: new Set(['-w', '-E', '--timeout', '--conflict-exit-code']),
  xargs: new Set(['-I', '-L', '-l', '-n', '-P', '-s', '-d', '-E', '-e', '-a', '--arg-file', '--delimiter', '--max-args', '--max-procs', '--max-lines', '--replace', '--max-chars', '--eof', '--process-slot-var']),
  parallel: new Set(['-j', '-P', '-S', '--jobs', '--sshlogin', '-d', '--delimiter', '-a', '--arg-file', '--joblog', '--results', '--timeout', '--delay', '--retries', '-n', '-N', '-L', '-I', '--colsep', '--tmpdir', '--workdir', '--basefile', '--env']),
  watch: new Set(['-n', '--interval', '-d', '-q', '--equexit']),
  ssh: new Set(['-p', '-i', '-l', '-o', '-F', '-J', '-L', '-R', '-D', '-b', '-c', '-E', '-e', '-m', '-O', '-Q', '-S', '-W', '-w', '-B', '-I']),
  docker_exec: new Set(['-u', '--user', '-w', '--workdir', '-e', '--env', '--env-file', '--detach-keys']),
  npx: new Set(['-p', '--package', '-c', '--call', '--cache', '--registry', '--userconfig', '--node-options']),
  dotenv: new Set(['-e', '-v', '-p', '-c']),
};

/** Parses a `-c` style script argument nested under `label`; an unknown script is unanalysable. */
export function nestedScript(c: SimpleCommand, ctx: WalkContext, script: Word | undefined, label: string, extra?: Partial<SimpleCommand>): 'done' {
  emit(c, ctx);
  if (!script) return 'done';
  if (script.value.includes(DYN) && script.value.split(DYN).join('').trim() === '') {
    ctx.out.unanalysable.push({ reason: `${label} runs ${script.raw}, which is only known when it runs`, text: c.raw.slice(0, 200) });
    return 'done';
  }
  const saved = ctx.elevated;
  if (extra?.elevated) ctx.elevated = true;
  try {
    parseNested(script.value.split(DYN).join('"$UNKNOWN"'), ctx, label);
  } finally {
    ctx.elevated = saved;
  }
  return 'done';
}

/** Runs `f` with $1…$9 and $# bound to a script's arguments (restored after). */
export function withPositional(ctx: WalkContext, args: Word[], f: () => void): void {
  const keys = ['#', '@', '*', ...Array.from({ length: 9 }, (_x, i) => String(i + 1))];
  const saved = keys.map((k) => ctx.vars.get(k));
  keys.forEach((k) => ctx.vars.delete(k));
  const known = !args.some((a) => a.value.includes(DYN));
  ctx.vars.set('#', String(args.length));
  args.slice(0, 9).forEach((a, i) => ctx.vars.set(String(i + 1), a.value));
  if (known) {
    ctx.vars.set('*', args.map((a) => a.value).join(' '));
    ctx.vars.set('@', args.map((a) => a.value).join(' '));
  }
  try {
    f();
  } finally {
    keys.forEach((k, i) => (saved[i] === undefined ? ctx.vars.delete(k) : ctx.vars.set(k, saved[i]!)));
  }
}
