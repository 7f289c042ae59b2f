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
import { GATE_BUILTINS, GATE_FUNCTION } from '../rules/guard';

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
}

const MAX_NESTED = 8;

export function newContext(
  parser: BashParser,
  opts: { env?: Record<string, string | undefined>; home?: string; cwd?: string; deadline: number },
): WalkContext {
  return {
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

const PLAIN = /^[A-Za-z0-9_./:@%+,=-]+(?: +[A-Za-z0-9_./:@%+,=-]+)*$/;
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'function', 'select', 'time', 'coproc', 'in']);

/**
 * A line of plain words (letters, digits and `_./:@%+,=-` separated by single spaces) has no
 * quoting, expansion, globbing or operators, so its words are exactly the space-separated
 * parts. Such lines skip the tree-sitter round trip; everything else goes through the parser.
 */
function fastPath(text: string, ctx: WalkContext, stdin?: Stdin): boolean {
  if (text.length > 400 || !PLAIN.test(text)) return false;
  const parts = text.split(' ');
  if (parts[0].includes('=') || RESERVED.has(parts[0])) return false;
  const words = parts.map((p) => ({ value: p, raw: p }));
  unwrapCommand({ name: parts[0], args: words.slice(1), raw: text, assignments: {}, redirects: [], stdin, via: ctx.via, depth: ctx.depth, cwd: ctx.cwd }, ctx);
  return true;
}

/** Parses nested code with one more level of depth and a wrapper label. */
export function parseNested(text: string, ctx: WalkContext, label: string, stdin?: Stdin): void {
  const saved = { depth: ctx.depth, via: ctx.via };
  ctx.depth++;
  ctx.via = [...ctx.via, label];
  try {
    parseScript(text, ctx, stdin);
  } finally {
    ctx.depth = saved.depth;
    ctx.via = saved.via;
  }
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
      // Judged against the protected variables (the gate's own among them) after the walk.
      const a = assign(node, ctx);
      if (a) (ctx.out.assigned ??= []).push({ ...a, raw: node.text });
      return;
    }
    case 'for_statement': {
      const v = node.childForFieldName('variable');
      if (v) (ctx.out.assigned ??= []).push({ name: v.text, value: DYN });
      for (const child of node.namedChildren) if (child && child !== v && child.id !== v?.id) walk(child, ctx);
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
      if (GATE_FUNCTION.test(name) || GATE_BUILTINS.has(name)) {
        ctx.out.unanalysable.push({ reason: `it redefines ${name}, a function the TwoKey shell gate relies on`, text: node.text.slice(0, 200) });
      }
      for (const child of node.namedChildren) if (child) walk(child, ctx);
      return;
    }
    default: {
      checkBudget(ctx);
      let first = true;
      for (const child of node.namedChildren) {
        if (!child) continue;
        walk(child, ctx, first ? stdin : undefined);
        first = false;
      }
    }
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
  if (!body) return;
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
        if (n) assignments[n.text] = v ? resolveWord(v, ctx).value : '';
        break;
      }
      case 'command_name':
        name = resolveWord(child.namedChildren[0] ?? child, ctx);
        break;
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
    for (const [k, v] of Object.entries(assignments)) {
      ctx.vars.set(k, v);
      (ctx.out.assigned ??= []).push({ name: k, value: v });
    }
    return;
  }
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
  };
  if (name.value.includes(DYN)) {
    ctx.out.unanalysable.push({ reason: `the command name ${name.raw} is only known when it runs`, text: node.text.slice(0, 200) });
  }
  unwrapCommand(cmd, ctx);
}

/** Records a final simple command, with the side effects a shell would have (cd, alias). */
export function emit(cmd: SimpleCommand, ctx: WalkContext): void {
  ctx.out.commands.push(cmd);
  if (cmd.name === 'cd' || cmd.name === 'pushd') {
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

function lookupVar(name: string, ctx: WalkContext): string | undefined {
  const v = ctx.vars.get(name);
  if (v !== undefined) return v;
  switch (name) {
    case 'HOME':
      return ctx.home ?? ctx.env?.HOME ?? '~';
    case 'PWD':
      return ctx.cwd && !ctx.cwd.includes(DYN) ? ctx.cwd : undefined;
    case 'TMPDIR':
    case 'TMP':
    case 'TEMP':
      return ctx.env?.[name] ?? '/tmp';
  }
  return ctx.env?.[name];
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
      return { value: unescapeC(raw.slice(2, -1)), raw };
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
        if (m[2] && m[3] !== undefined) return { value: m[3].replace(/^["']|["']$/g, ''), raw };
      }
      for (const c of node.namedChildren) if (c && c.type.endsWith('substitution')) walk(c, ctx);
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
