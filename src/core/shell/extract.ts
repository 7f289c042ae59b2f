/**
 * Walks a tree-sitter bash tree into simple commands, following every place a command
 * can hide: lists, pipelines, subshells, groups, control flow, function bodies,
 * $(…), backticks, process substitution, heredocs. Same-line variables, aliases and
 * `cd` are tracked so later commands see their values. Wrappers are handed to unwrap.ts.
 */
import { posix } from 'node:path';
import type { BashParser, SyntaxNode } from './treesitter';
import { DYN, type ParsedLine, type Redirect, type SimpleCommand, type Stdin, type Word } from './model';
import { unwrapCommand } from './unwrap';
import type { FileSource } from './files';
import { plantedWhere } from './plant';

export class BudgetExceeded extends Error {}

export interface WalkContext {
  parser: BashParser;
  vars: Map<string, string>;
  aliases: Map<string, string>;
  env?: Record<string, string | undefined>;
  home?: string;
  cwd?: string;
  depth: number;
  via: string[];
  out: ParsedLine;
  deadline: number;
  maxDepth: number;
  /** Where followed files are read from; without it scripts and package files are not followed. */
  files?: FileSource;
  workspaceRoot?: string;
  /** Files written earlier on the line (absolute path): their text when known. */
  written: Map<string, { text?: string; by: string }>;
  /** Files and scripts being followed (loop guard). */
  following: Set<string>;
  /** The file being walked, when following one: commands cite `file line N`. */
  origin?: { file: string; base: number };
  /** Citation given to commands nested inside a followed file's command (`bash -c` in x.sh). */
  fixedOrigin?: string;
  currentOrigin?: string;
  /** The last `cd` emitted (index in out.commands, 1-based), to judge whether it certainly happened. */
  lastCd?: { at: number };
  /** `set -e` seen: a failing cd stops the script. */
  errexit?: boolean;
  /** Set while walking a script that runs as another user (`su -c`, `runuser -c`). */
  elevated?: boolean;
}

const MAX_NESTED = 8;

export function newContext(
  parser: BashParser,
  opts: { env?: Record<string, string | undefined>; home?: string; cwd?: string; deadline: number; files?: FileSource; workspaceRoot?: string },
): WalkContext {
  return {
    files: opts.files,
    workspaceRoot: opts.workspaceRoot,
    written: new Map(),
    following: new Set(),
    parser,
    vars: new Map(),
    aliases: new Map(),
    env: opts.env,
    home: opts.home,
    cwd: opts.cwd,
    depth: 0,
    via: [],
    out: { commands: [], unanalysable: [] },
    deadline: opts.deadline,
    maxDepth: MAX_NESTED,
  };
}

/** Parses `text` as a shell script in the context (nested scripts share variables and aliases). */
export function parseScript(text: string, ctx: WalkContext, stdin?: Stdin): void {
  if (ctx.depth > ctx.maxDepth) {
    ctx.out.unanalysable.push({ reason: 'commands are nested too deeply to follow', text: text.slice(0, 200) });
    return;
  }
  if (ctx.depth === 0 && fastPath(text, ctx, stdin)) return;
  const deadline = ctx.deadline;
  const tree = ctx.parser.parse(text, null, {
    progressCallback: () => (performance.now() > deadline ? true : undefined) as unknown as void,
  });
  if (!tree) {
    if (performance.now() > deadline) throw new BudgetExceeded();
    ctx.out.unanalysable.push({ reason: 'the shell parser could not read it', text: text.slice(0, 200) });
    return;
  }
  try {
    const root = tree.rootNode;
    if (root.hasError) {
      ctx.out.unanalysable.push({ reason: 'it does not parse as a complete shell command (parse error)', text: text.slice(0, 200) });
    }
    walk(root, ctx, stdin);
  } finally {
    tree.delete();
  }
}

const PLAIN = /^[A-Za-z0-9_./:@%+,=-]+(?:[ \t]+[A-Za-z0-9_./:@%+,=-]+)*[ \t]*$/;
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in']);

/**
 * A line of plain words (letters, digits and `_./:@%+,=-` separated by single spaces) has no
 * quoting, expansion, globbing or operators, so its words are exactly the space-separated
 * parts. Such lines skip the tree-sitter round trip; everything else goes through the parser.
 */
function fastPath(text: string, ctx: WalkContext, stdin?: Stdin): boolean {
  if (text.length > 400 || !PLAIN.test(text)) return false;
  // Runs of blanks separate words exactly as one does.
  const parts = text.trim().split(/[ \t]+/);
  if (parts[0].includes('=') || RESERVED.has(parts[0])) return false;
  const words = parts.map((p) => ({ value: p, raw: p }));
  unwrapCommand({ name: parts[0], args: words.slice(1), raw: text, assignments: {}, redirects: [], stdin, via: ctx.via, depth: ctx.depth, cwd: ctx.cwd }, ctx);
  return true;
}

/** Parses nested code with one more level of depth and a wrapper label. */
export function parseNested(text: string, ctx: WalkContext, label: string, stdin?: Stdin): void {
  const saved = { depth: ctx.depth, via: ctx.via, origin: ctx.origin, fixed: ctx.fixedOrigin };
  ctx.depth++;
  ctx.via = [...ctx.via, label];
  if (ctx.origin) ctx.fixedOrigin = ctx.currentOrigin ?? ctx.fixedOrigin;
  ctx.origin = undefined;
  try {
    parseScript(text, ctx, stdin);
  } finally {
    ctx.depth = saved.depth;
    ctx.via = saved.via;
    ctx.origin = saved.origin;
    ctx.fixedOrigin = saved.fixed;
  }
}

/**
 * Parses the text of a followed file (or a package script, a make recipe…): like
 * parseNested, and every command in it cites `file line N` (base: the 0-based line the text
 * starts at; negative when the line is not known).
 */
export function parseFile(text: string, ctx: WalkContext, label: string, origin: { file: string; base: number }): void {
  const saved = { depth: ctx.depth, via: ctx.via, origin: ctx.origin, fixed: ctx.fixedOrigin };
  ctx.depth++;
  ctx.via = [...ctx.via, label];
  ctx.origin = origin;
  ctx.fixedOrigin = undefined;
  try {
    parseScript(text, ctx);
  } finally {
    ctx.depth = saved.depth;
    ctx.via = saved.via;
    ctx.origin = saved.origin;
    ctx.fixedOrigin = saved.fixed;
  }
}

function citeRow(ctx: WalkContext, row: number): string | undefined {
  if (!ctx.origin) return ctx.fixedOrigin;
  return ctx.origin.base < 0 ? ctx.origin.file : `${ctx.origin.file} line ${ctx.origin.base + row + 1}`;
}

function checkBudget(ctx: WalkContext): void {
  if (performance.now() > ctx.deadline) throw new BudgetExceeded();
}

function walk(node: SyntaxNode, ctx: WalkContext, stdin?: Stdin, extraRedirects?: Redirect[]): void {
  switch (node.type) {
    case 'command':
      walkCommand(node, ctx, stdin, extraRedirects);
      return;
    case 'pipeline':
      walkPipeline(node, ctx, stdin);
      return;
    case 'redirected_statement':
      walkRedirected(node, ctx, stdin);
      return;
    case 'variable_assignment': {
      const name = node.childForFieldName('name')?.text ?? '';
      if (name.startsWith('__twokey')) {
        ctx.out.unanalysable.push({ reason: `it changes ${name}, the TwoKey shell gate's own state`, text: node.text.slice(0, 200) });
      }
      assign(node, ctx);
      return;
    }
    case 'declaration_command':
    case 'unset_command':
      walkDeclaration(node, ctx);
      return;
    case 'comment':
    case 'heredoc_body':
    case 'heredoc_start':
    case 'heredoc_end':
      return;
    case 'function_definition': {
      // Redefining the gate's own functions (or VS Code's, which it calls) switches it off.
      const name = node.childForFieldName('name')?.text ?? '';
      const body = node.childForFieldName('body')?.text ?? '';
      if (name && new RegExp(`(?:^|[^\\w])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\|\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*&`).test(body)) {
        ctx.out.unanalysable.push({ reason: `it defines ${name}, a function that starts itself twice in the background (a fork bomb that exhausts the machine)`, text: node.text.slice(0, 200) });
      }
      if (/^(?:__twokey|__vsc_|TRAPDEBUG$|preexec$)/.test(name)) {
        ctx.out.unanalysable.push({ reason: `it redefines ${name}, a function the TwoKey shell gate relies on`, text: node.text.slice(0, 200) });
      }
      for (const child of node.namedChildren) if (child) walk(child, ctx);
      return;
    }
    case 'subshell': {
      // ( … ) runs in a copy of the shell: its cd, variables and aliases stay inside.
      const saved = { cwd: ctx.cwd, vars: ctx.vars, aliases: ctx.aliases };
      ctx.vars = new Map(ctx.vars);
      ctx.aliases = new Map(ctx.aliases);
      try {
        walkSequence(node, ctx, stdin);
      } finally {
        Object.assign(ctx, saved);
      }
      return;
    }
    default:
      walkSequence(node, ctx, stdin);
  }
}

/**
 * Walks statements in order. A `cd` moves the engine's folder only when it certainly
 * happened: followed by `&&`, or by `|| exit`, or under `set -e`. A `cd` in the background
 * (`&`) moves nothing; one that may fail leaves the folder unknown.
 */
function walkSequence(node: SyntaxNode, ctx: WalkContext, stdin?: Stdin): void {
  checkBudget(ctx);
  const kids = node.children.filter((k): k is SyntaxNode => !!k);
  let first = true;
  for (let i = 0; i < kids.length; i++) {
    const child = kids[i];
    if (!child.isNamed) continue;
    const before = ctx.cwd;
    const mark = ctx.out.commands.length;
    walk(child, ctx, first ? stdin : undefined);
    first = false;
    const cd = ctx.lastCd;
    if (!cd || cd.at !== ctx.out.commands.length || cd.at <= mark) continue;
    const after = ctx.cwd;
    const next = kids[i + 1] && !kids[i + 1].isNamed ? kids[i + 1].type : undefined;
    if (next === '&') ctx.cwd = before;
    else if (next === '&&' || ctx.errexit) continue;
    else if (next === undefined && i === kids.length - 1) continue; // the end of a group: the enclosing list decides
    else if (next === '||') {
      // `cd x || exit`: the rest runs only where the cd worked.
      const right = kids.slice(i + 2).find((k) => k.isNamed);
      ctx.cwd = before;
      if (right) {
        walk(right, ctx);
        i = kids.indexOf(right);
      }
      const last = ctx.out.commands[ctx.out.commands.length - 1];
      ctx.cwd = last && /^(?:exit|return)$/.test(last.name) ? after : after === before ? after : DYN;
    } else if (after !== before) ctx.cwd = DYN;
  }
}

function walkPipeline(node: SyntaxNode, ctx: WalkContext, stdin?: Stdin): void {
  let input = stdin;
  for (const stage of node.namedChildren) {
    if (!stage) continue;
    const before = ctx.out.commands.length;
    walk(stage, ctx, input);
    input = describeProducer(ctx.out.commands.slice(before), ctx.depth);
  }
}

function walkRedirected(node: SyntaxNode, ctx: WalkContext, stdin?: Stdin): void {
  const body = node.childForFieldName('body');
  const redirects: Redirect[] = [];
  let input = stdin;
  let tail: SyntaxNode | null = null;
  for (const child of node.namedChildren) {
    if (!child || child === body || (body && child.id === body.id)) continue;
    if (child.type === 'file_redirect') {
      const r = fileRedirect(child, ctx);
      if (r) {
        redirects.push(r);
        if (r.op === '<') input = { kind: 'file', source: r.target.value };
      }
    } else if (child.type === 'heredoc_redirect') {
      for (const part of child.namedChildren) {
        if (!part) continue;
        if (part.type === 'heredoc_body') input = { kind: 'literal', text: heredocText(part, ctx) };
        else if (part.type === 'file_redirect') {
          const r = fileRedirect(part, ctx);
          if (r) redirects.push(r);
        } else if (part.type !== 'heredoc_start' && part.type !== 'heredoc_end') tail = part;
      }
    } else if (child.type === 'herestring_redirect') {
      const w = child.namedChildren[0];
      if (w) input = { kind: 'literal', text: resolveWord(w, ctx).value };
    }
  }
  if (!body) {
    // `> file` alone truncates it: judged as `: > file`.
    if (redirects.length) emit({ name: ':', args: [], raw: node.text, assignments: {}, redirects, via: ctx.via, depth: ctx.depth, cwd: ctx.cwd }, ctx);
    return;
  }
  const before = ctx.out.commands.length;
  walk(body, ctx, input, redirects);
  if (tail) {
    // `cat <<EOF | psql`: the rest of the pipeline sits inside the heredoc redirect.
    const produced = describeProducer(ctx.out.commands.slice(before), ctx.depth);
    if (tail.type === 'pipeline') walkPipeline(tail, ctx, produced);
    else walk(tail, ctx, produced);
  }
}

function heredocText(node: SyntaxNode, ctx: WalkContext): string {
  // Expansions inside an unquoted heredoc: substitute what is known, walk substitutions.
  let out = '';
  let pos = node.startIndex;
  const src = node.text;
  const base = node.startIndex;
  for (const child of node.namedChildren) {
    if (!child) continue;
    out += src.slice(pos - base, child.startIndex - base);
    if (child.type === 'heredoc_content') out += child.text;
    else out += resolveWord(child, ctx).value;
    pos = child.endIndex;
  }
  out += src.slice(pos - base);
  return out;
}

function fileRedirect(node: SyntaxNode, ctx: WalkContext): Redirect | undefined {
  const dest = node.childForFieldName('destination');
  let op = '';
  for (const c of node.children) {
    if (c && !c.isNamed) op += c.type;
  }
  if (!dest) return undefined;
  return { op: op || '>', target: resolveWord(dest, ctx) };
}

function assign(node: SyntaxNode, ctx: WalkContext): { name: string; value: string } | undefined {
  const nameNode = node.childForFieldName('name');
  const valueNode = node.childForFieldName('value');
  if (!nameNode) return undefined;
  const name = nameNode.text;
  if (nameNode.type === 'subscript') for (const c of nameNode.namedChildren) if (c && c.type !== 'variable_name') resolveWord(c, ctx);
  const value = valueNode ? resolveWord(valueNode, ctx).value : '';
  ctx.vars.set(name, value);
  return { name, value };
}

function walkDeclaration(node: SyntaxNode, ctx: WalkContext): void {
  const head = node.child(0);
  const name = head ? head.text : 'export';
  const args: Word[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    if (child.type === 'variable_assignment') {
      const a = assign(child, ctx);
      if (a) args.push({ value: `${a.name}=${a.value}`, raw: child.text });
    } else {
      args.push(resolveWord(child, ctx));
    }
  }
  emit({ name, args, raw: node.text, assignments: {}, redirects: [], via: ctx.via, depth: ctx.depth, cwd: ctx.cwd }, ctx);
}

function walkCommand(node: SyntaxNode, ctx: WalkContext, stdin?: Stdin, redirects: Redirect[] = []): void {
  checkBudget(ctx);
  const assignments: Record<string, string> = {};
  let name: Word | undefined;
  const args: Word[] = [];
  const reds = [...redirects];
  for (const child of node.namedChildren) {
    if (!child) continue;
    switch (child.type) {
      case 'variable_assignment': {
        const n = child.childForFieldName('name');
        const v = child.childForFieldName('value');
        if (n?.type === 'subscript') for (const c of n.namedChildren) if (c && c.type !== 'variable_name') resolveWord(c, ctx);
        if (n) assignments[n.text] = v ? resolveWord(v, ctx).value : '';
        break;
      }
      case 'command_name': {
        const inner = child.namedChildren[0] ?? child;
        name = resolveWord(inner, ctx);
        if ((inner.type === 'simple_expansion' || inner.type === 'expansion') && /[ \t\n]/.test(name.value.trim())) {
          // `c="rm -rf src"; $c`: an unquoted expansion is split into words, the first is the command.
          const words = name.value.trim().split(/[ \t\n]+/);
          name = { value: words[0], raw: name.raw };
          args.push(...words.slice(1).map((w) => ({ value: w, raw: w })));
        }
        break;
      }
      case 'file_redirect': {
        const r = fileRedirect(child, ctx);
        if (r) reds.push(r);
        break;
      }
      case 'herestring_redirect': {
        const w = child.namedChildren[0];
        if (w) stdin = { kind: 'literal', text: resolveWord(w, ctx).value };
        break;
      }
      default:
        args.push(resolveWord(child, ctx));
    }
  }
  if (!name) {
    // Only assignments: `FOO=bar` with a prefix list.
    for (const [k, v] of Object.entries(assignments)) ctx.vars.set(k, v);
    return;
  }
  const origin = citeRow(ctx, node.startPosition.row);
  const cmd: SimpleCommand = {
    name: name.value,
    args,
    raw: node.text,
    assignments,
    redirects: reds,
    stdin,
    via: ctx.via,
    depth: ctx.depth,
    cwd: ctx.cwd,
    ...(origin ? { origin } : {}),
    ...(ctx.elevated ? { elevated: true } : {}),
  };
  if (name.value.includes(DYN)) {
    ctx.out.unanalysable.push({ reason: `the command name ${name.raw} is only known when it runs`, text: node.text.slice(0, 200) });
  }
  ctx.currentOrigin = origin;
  unwrapCommand(cmd, ctx);
}

/** Records a final simple command, with the side effects a shell would have (cd, alias). */
export function emit(cmd: SimpleCommand, ctx: WalkContext): void {
  ctx.out.commands.push(cmd);
  recordWrites(cmd, ctx);
  if (cmd.name === 'cd' || cmd.name === 'pushd' || cmd.name === 'popd') ctx.lastCd = { at: ctx.out.commands.length };
  if (cmd.name === 'set' && cmd.args.some((a) => /^-[a-zA-Z]*e/.test(a.value) || a.value === 'errexit')) ctx.errexit = true;
  if (cmd.name === 'popd') ctx.cwd = DYN;
  else if (cmd.name === 'cd' || cmd.name === 'pushd') {
    const target = cmd.args.find((a) => !a.value.startsWith('-'));
    if (!target) ctx.cwd = ctx.home ?? '~';
    else if (target.value.includes(DYN)) ctx.cwd = DYN;
    else ctx.cwd = resolvePath(target.value, ctx.cwd, ctx.home);
  } else if (cmd.name === 'alias') {
    for (const a of cmd.args) {
      const eq = a.value.indexOf('=');
      if (eq > 0) ctx.aliases.set(a.value.slice(0, eq), a.value.slice(eq + 1));
    }
  }
}

const WRITE_OPS = /^(?:>|>\||>>|&>|&>>|1>|1>>)$/;

/** Remembers files this command writes, with their text when the engine can tell (for `… > x.sh; bash x.sh`). */
function recordWrites(cmd: SimpleCommand, ctx: WalkContext): void {
  const set = (path: string, text: string | undefined, append: boolean) => {
    const abs = resolvePath(path, cmd.cwd ?? ctx.cwd, ctx.home);
    if (abs.includes(DYN) || !abs.startsWith('/')) return;
    let full = text;
    if (append && text !== undefined) {
      const prev = ctx.written.get(abs);
      if (prev) full = prev.text === undefined ? undefined : prev.text + text;
      else if (ctx.files) {
        const r = ctx.files.read(abs);
        full = 'text' in r ? r.text + text : r.problem === 'missing' ? text : undefined;
      }
    }
    ctx.written.set(abs, { text: full, by: cmd.name });
    // A command planted for later (`>> ~/.bashrc`, `.git/hooks/pre-commit`) is judged now too.
    const where = text !== undefined ? plantedWhere(abs, ctx.home) : undefined;
    if (where && text && !ctx.following.has(`plant:${abs}`)) {
      ctx.following.add(`plant:${abs}`);
      // It runs later, in another shell: what it defines must not leak into this line.
      const saved = { vars: ctx.vars, aliases: ctx.aliases, cwd: ctx.cwd };
      ctx.vars = new Map(ctx.vars);
      ctx.aliases = new Map(ctx.aliases);
      try {
        parseNested(abs.endsWith('.json') ? '' : text, ctx, `planted in ${abs.startsWith((ctx.home ?? '\u0000') + '/') ? '~' + abs.slice(ctx.home!.length) : abs}`);
      } finally {
        ctx.following.delete(`plant:${abs}`);
        Object.assign(ctx, saved);
      }
    }
  };
  const produced = producedText(cmd);
  for (const r of cmd.redirects) {
    if (WRITE_OPS.test(r.op)) set(r.target.value, produced, r.op.includes('>>'));
  }
  const vals = cmd.args.map((a) => a.value);
  const positional = vals.filter((v) => !v.startsWith('-'));
  switch (cmd.name) {
    case 'tee': {
      const text = cmd.stdin?.kind === 'literal' ? cmd.stdin.text : undefined;
      const append = vals.some((v) => v === '-a' || v === '--append');
      for (const p of positional) set(p, text, append);
      break;
    }
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
      if (positional.length >= 2) set(positional[positional.length - 1], undefined, false);
      break;
    case 'curl':
    case 'wget': {
      const i = vals.findIndex((v) => v === '-o' || v === '--output' || v === '-O' || v === '--output-document');
      if (i >= 0 && vals[i + 1] && !(cmd.name === 'curl' && vals[i] === '-O')) set(vals[i + 1], undefined, false);
      break;
    }
  }
}

/** printf FORMAT ARGS…: %s/%b/%d take the next argument; the format repeats while arguments remain. */
function printfText(vals: string[]): string {
  const [fmt, ...rest] = vals;
  if (fmt === undefined) return '';
  let out = '';
  let k = 0;
  for (let round = 0; round < 64; round++) {
    out += unescapeC(fmt.replace(/%%|%[-+ #0]*\d*(?:\.\d+)?[sbdiqcxXoufeEgG]/g, (m) => (m === '%%' ? '%' : (rest[k++] ?? ''))));
    if (k >= rest.length || !/%[^%]/.test(fmt)) break;
  }
  return out;
}

/** What a command prints, when it is plainly known (echo, printf, cat of a heredoc). */
function producedText(cmd: SimpleCommand): string | undefined {
  const vals = cmd.args.map((a) => a.value);
  if (vals.some((v) => v.includes(DYN))) return undefined;
  switch (cmd.name) {
    case 'echo': {
      let i = 0;
      let nl = true;
      let esc = false;
      while (i < vals.length && /^-[neE]+$/.test(vals[i])) {
        if (vals[i].includes('n')) nl = false;
        if (vals[i].includes('e')) esc = true;
        i++;
      }
      const t = vals.slice(i).join(' ');
      return (esc ? unescapeC(t) : t) + (nl ? '\n' : '');
    }
    case 'printf':
      return vals.length ? printfText(vals[0] === '--' ? vals.slice(1) : vals) : undefined;
    case 'cat':
      return vals.length === 0 && cmd.stdin?.kind === 'literal' ? cmd.stdin.text : undefined;
  }
  return undefined;
}

export function resolvePath(p: string, cwd: string | undefined, home: string | undefined): string {
  let v = p;
  if (v === '~' || v.startsWith('~/')) v = (home ?? '~') + v.slice(1);
  if (v.startsWith('/')) return posix.normalize(v);
  if (!cwd) return v;
  if (cwd.includes(DYN)) return DYN;
  return posix.normalize(posix.join(cwd, v));
}

/** What the next pipeline stage reads, judged from the commands the previous stage produced. */
function describeProducer(cmds: SimpleCommand[], depth: number): Stdin {
  const top = cmds.filter((c) => c.depth === depth);
  const c = top[top.length - 1] ?? cmds[cmds.length - 1];
  if (!c) return { kind: 'unknown' };
  const vals = c.args.map((a) => a.value);
  switch (c.name) {
    case 'echo': {
      const words = vals.filter((v, i) => !(i === 0 && /^-[neE]+$/.test(v)));
      const text = words.join(' ');
      return { kind: 'literal', text: vals[0]?.includes('e') && vals[0].startsWith('-') ? unescapeC(text) : text };
    }
    case 'printf':
      return { kind: 'literal', text: unescapeC(vals.join(' ')) };
    case 'cat': {
      const files = vals.filter((v) => !v.startsWith('-'));
      if (files.length === 0 && c.stdin) return c.stdin;
      if (files.length === 1) return { kind: 'file', source: files[0] };
      return { kind: 'unknown', source: 'cat' };
    }
    case 'curl':
    case 'wget':
    case 'http':
    case 'https':
    case 'xh':
    case 'fetch':
    case 'aria2c':
    case 'iwr':
    case 'irm': {
      const url = vals.find((v) => /^(https?|ftp):\/\//i.test(v) || /^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(v));
      return { kind: 'remote', source: url ?? c.name };
    }
    case 'base64':
    case 'base32':
    case 'basenc':
      return vals.some((v) => /^-(d|-decode|D)$/.test(v) || /^-[a-zA-Z]*d/.test(v)) ? { kind: 'decoded', source: c.name } : { kind: 'unknown', source: c.name };
    case 'xxd':
    case 'openssl':
    case 'gunzip':
    case 'zcat':
    case 'gzip':
    case 'bzip2':
    case 'xz':
    case 'uudecode':
    case 'rev':
    case 'tr':
      return { kind: 'decoded', source: c.name };
    default:
      return { kind: 'unknown', source: c.name };
  }
}

export function unescapeC(s: string): string {
  return s.replace(/\\(n|t|r|\\|'|"|x[0-9a-fA-F]{2}|0[0-7]{0,3})/g, (_m, e: string) => {
    switch (e[0]) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'x':
        return String.fromCharCode(parseInt(e.slice(1), 16));
      case '0':
        return String.fromCharCode(parseInt(e.slice(1) || '0', 8));
      default:
        return e;
    }
  });
}

/** `$'…'` escapes as bash reads them: \n \t \e \a…, octal \NNN, hex \xHH, \uHHHH, \UHHHHHHHH, \cX. */
export function ansiC(s: string): string {
  return s.replace(/\\(?:([abeEfnrtv\\'"?])|([0-7]{1,3})|x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|c(.))/g, (m, e: string, o: string, x: string, u: string, U: string, cx: string) => {
    if (e) return ({ a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' } as Record<string, string>)[e] ?? e;
    if (o) return String.fromCharCode(parseInt(o, 8) & 0xff);
    if (x) return String.fromCharCode(parseInt(x, 16));
    const cp = parseInt(u ?? U ?? '', 16);
    if (u || U) return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    return String.fromCharCode(cx.toUpperCase().charCodeAt(0) & 0x1f);
  });
}

/** Walks every `$(…)` and backtick found in text the parser kept as plain text. */
function substitutionsIn(text: string, ctx: WalkContext): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '(') {
      let d = 1;
      let j = i + 2;
      for (; j < text.length && d > 0; j++) {
        if (text[j] === '(') d++;
        else if (text[j] === ')') d--;
      }
      parseNested(text.slice(i + 2, j - 1), ctx, '${…}');
      i = j - 1;
    } else if (text[i] === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) break;
      parseNested(text.slice(i + 1, j), ctx, '${…}');
      i = j;
    }
  }
}

/** Variables the shell itself sets: never "unset" even when the request's environment lacks them. */
const SHELL_SET = /^(?:RANDOM|LINENO|SECONDS|PWD|OLDPWD|PPID|UID|EUID|GROUPS|BASHPID|BASH\w*|ZSH\w*|HOSTNAME|HOSTTYPE|OSTYPE|MACHTYPE|SHLVL|SHELL|IFS|PS\d|HISTFILE|HISTSIZE|EPOCHSECONDS|EPOCHREALTIME|SRANDOM|COLUMNS|LINES|OPTIND|OPTARG|REPLY|PIPESTATUS|FUNCNAME|DIRSTACK|USER|LOGNAME|HOME|PATH|TERM|LANG)$/;

function lookupVar(name: string, ctx: WalkContext): string | undefined {
  const v = ctx.vars.get(name);
  if (v !== undefined) return v;
  switch (name) {
    case 'HOME':
      return ctx.home ?? ctx.env?.HOME ?? '~';
    case 'PWD':
      return ctx.cwd && !ctx.cwd.includes(DYN) ? ctx.cwd : undefined;
  }
  const e = ctx.env?.[name];
  if (e !== undefined) return e;
  // With the terminal's environment known, an unset variable expands to nothing (`"$TMPDIR"/*` is `/*`).
  if (ctx.env && /^[A-Za-z_]\w*$/.test(name) && !SHELL_SET.test(name)) return '';
  return undefined;
}

/** Quote removal and known-variable expansion for one word-like node. */
export function resolveWord(node: SyntaxNode, ctx: WalkContext): Word {
  const raw = node.text;
  switch (node.type) {
    case 'word':
    case 'command_name': {
      let v = raw.includes('\\') ? raw.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1') : raw;
      if (v === '~' || v.startsWith('~/')) v = (ctx.home ?? '~') + v.slice(1);
      return { value: v, raw };
    }
    case 'number':
    case 'file_descriptor':
    case 'variable_name':
      return { value: raw, raw };
    case 'raw_string':
      return { value: raw.slice(1, -1), raw };
    case 'ansi_c_string':
      return { value: ansiC(raw.slice(2, -1)), raw };
    case 'string':
    case 'translated_string':
      return { value: pieces(node, ctx, 1, 1, true), raw };
    case 'concatenation':
      return { value: pieces(node, ctx, 0, 0, false), raw };
    case 'simple_expansion': {
      const name = raw.slice(1);
      const v = lookupVar(name, ctx);
      return { value: v ?? DYN, raw };
    }
    case 'expansion': {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=])(.*))?\}$/s.exec(raw);
      if (m) {
        const v = lookupVar(m[1], ctx);
        if (v !== undefined && (v !== '' || !m[2]?.startsWith(':'))) return { value: v, raw };
        if (m[2] && m[3] !== undefined && !/[$`]/.test(m[3])) {
          const d = m[3].replace(/^["']|["']$/g, '');
          if (m[2].endsWith('=')) ctx.vars.set(m[1], d);
          return { value: d, raw };
        }
      }
      // ${x:-$(…)}, ${x:=$(…)}, ${x#$(…)}, ${a[$(…)]}: the substitution runs when expanded.
      let walked = false;
      const visit = (n: SyntaxNode) => {
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (c.type === 'command_substitution' || c.type === 'process_substitution') {
            walk(c, ctx);
            walked = true;
          } else visit(c);
        }
      };
      visit(node);
      if (!walked && /\$\(|`/.test(raw.slice(2))) substitutionsIn(raw.slice(2, -1), ctx);
      return { value: DYN, raw };
    }
    case 'command_substitution':
    case 'process_substitution':
    case 'arithmetic_expansion':
      walk(node, ctx);
      return { value: DYN, raw };
    default:
      // Anything else (brace expressions, arrays…): walk for substitutions, keep the text.
      for (const c of node.namedChildren) if (c && (c.type === 'command_substitution' || c.type === 'process_substitution')) walk(c, ctx);
      return { value: raw, raw };
  }
}

function pieces(node: SyntaxNode, ctx: WalkContext, trimStart: number, trimEnd: number, dq: boolean): string {
  const base = node.startIndex;
  const src = node.text;
  let pos = trimStart;
  const end = src.length - trimEnd;
  let out = '';
  const unq = (s: string) => (dq ? s.replace(/\\\n/g, '').replace(/\\([\\"$`])/g, '$1') : s);
  for (const child of node.namedChildren) {
    if (!child) continue;
    const s = child.startIndex - base;
    if (s > pos) out += unq(src.slice(pos, s));
    if (child.type === 'string_content') out += unq(child.text);
    else out += resolveWord(child, ctx).value;
    pos = child.endIndex - base;
  }
  if (end > pos) out += unq(src.slice(pos, end));
  return out;
}
