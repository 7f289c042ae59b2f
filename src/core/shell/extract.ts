/**
 * Walks a tree-sitter bash tree into simple commands, following every place a command
 * can hide: lists, pipelines, subshells, groups, control flow, function bodies,
 * $(…), backticks, process substitution, heredocs. Same-line variables, aliases and
 * `cd` are tracked so later commands see their values. Wrappers are handed to the unwrapper
 * through the context's hooks (wired in analyse.ts).
 */
import type { SyntaxNode } from '../lang/treesitter';
import { DYN, type Redirect, type SimpleCommand, type Stdin, type Word } from './model';
import { BudgetExceeded, checkBudget, resolvePath, type WalkContext } from './context';
import { emit, WRITE_OPS } from './emit';
import { fileRedirect, heredocText } from './redirects';
import { describeProducer } from './stdin';
import { resolveWord } from './words';
import { GATE_BUILTINS, GATE_FUNCTION } from './gateNames';

export { BudgetExceeded, resolvePath, type WalkContext } from './context';
export { resolveWord } from './words';
export { emit } from './emit';

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
  ctx.hooks.unwrap({ name: parts[0], args: words.slice(1), raw: text, assignments: {}, redirects: [], stdin, via: ctx.via, depth: ctx.depth, cwd: ctx.cwd }, ctx);
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

export function walk(node: SyntaxNode, ctx: WalkContext, stdin?: Stdin, extraRedirects?: Redirect[]): void {
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
      const body = node.childForFieldName('body')?.text ?? '';
      if (name && new RegExp(`(?:^|[^\\w])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\|\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*&`).test(body)) {
        ctx.out.unanalysable.push({ reason: `it defines ${name}, a function that starts itself twice in the background (a fork bomb that exhausts the machine)`, text: node.text.slice(0, 200) });
      }
      if (GATE_FUNCTION.test(name) || GATE_BUILTINS.has(name)) {
        ctx.out.unanalysable.push({ reason: `it redefines ${name}, a function the TwoKey shell gate relies on`, text: node.text.slice(0, 200) });
      }
      for (const child of node.namedChildren) if (child) walk(child, ctx);
      return;
    }
    case 'subshell': {
      // ( … ) runs in a copy of the shell: its cd, variables and aliases stay inside.
      const saved = { cwd: ctx.cwd, cwdMaybe: ctx.cwdMaybe, vars: ctx.vars, aliases: ctx.aliases };
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
    const beforeMaybe = ctx.cwdMaybe;
    const mark = ctx.out.commands.length;
    walk(child, ctx, first ? stdin : undefined);
    first = false;
    const cd = ctx.lastCd;
    if (!cd || cd.at !== ctx.out.commands.length || cd.at <= mark) continue;
    const after = ctx.cwd;
    const next = kids[i + 1] && !kids[i + 1].isNamed ? kids[i + 1].type : undefined;
    // The folders the shell may be in if the cd failed or worked (for an unknown folder).
    const either = () => uncertainCwd([before, beforeMaybe], [after, ctx.cwdMaybe]);
    if (next === '&') {
      ctx.cwd = before;
      ctx.cwdMaybe = beforeMaybe;
    } else if (next === '&&' || ctx.errexit) continue;
    else if (next === undefined && i === kids.length - 1) continue; // the end of a group: the enclosing list decides
    else if (next === '||') {
      // `cd x || exit`: the rest runs only where the cd worked.
      const right = kids.slice(i + 2).find((k) => k.isNamed);
      const afterMaybe = ctx.cwdMaybe;
      ctx.cwd = before;
      ctx.cwdMaybe = beforeMaybe;
      if (right) {
        walk(right, ctx);
        i = kids.indexOf(right);
      }
      const last = ctx.out.commands[ctx.out.commands.length - 1];
      if (last && /^(?:exit|return)$/.test(last.name)) {
        ctx.cwd = after;
        ctx.cwdMaybe = afterMaybe;
      } else if (after !== before) {
        ctx.cwdMaybe = uncertainCwd([before, beforeMaybe], [after, afterMaybe]);
        ctx.cwd = DYN;
      }
    } else if (after !== before) {
      ctx.cwdMaybe = either();
      ctx.cwd = DYN;
    }
  }
}

/** Every known folder of two possibilities (each a folder, or unknown with its own candidates); undefined when one is wholly unknown. */
function uncertainCwd(...options: Array<[string | undefined, string[] | undefined]>): string[] | undefined {
  const out = new Set<string>();
  for (const [cwd, maybe] of options) {
    if (cwd === undefined) return undefined;
    if (!cwd.includes(DYN)) out.add(cwd);
    else if (maybe?.length) for (const m of maybe) out.add(m);
    else return undefined;
  }
  return [...out];
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
  if (body.type !== 'command') {
    // `{ …; } > f`, `while …; done > f`, and `a && b > f` (which the grammar reads as a list
    // with one redirect): the file is written all the same, with text not known here (so a
    // script written this way and run later on the line is asked).
    const writes = redirects.filter((r) => WRITE_OPS.test(r.op));
    if (writes.length) {
      // The last command the body ran writes the file (rules run once the line is walked);
      // a body that ran nothing empties it.
      const last = ctx.out.commands.length > before ? ctx.out.commands[ctx.out.commands.length - 1] : undefined;
      if (last) last.redirects = [...last.redirects, ...writes];
      else emit({ name: ':', args: [], raw: node.text, assignments: {}, redirects: writes, via: ctx.via, depth: ctx.depth, cwd: ctx.cwd }, ctx);
      for (const r of writes) {
        const abs = resolvePath(r.target.value, ctx.cwd, ctx.home);
        if (!abs.includes(DYN) && abs.startsWith('/')) ctx.written.set(abs, { text: undefined, by: 'a compound command' });
      }
    }
  }
  if (tail) {
    // `cat <<EOF | psql`: the rest of the pipeline sits inside the heredoc redirect.
    const produced = describeProducer(ctx.out.commands.slice(before), ctx.depth);
    if (tail.type === 'pipeline') walkPipeline(tail, ctx, produced);
    else walk(tail, ctx, produced);
  }
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
    for (const [k, v] of Object.entries(assignments)) {
      ctx.vars.set(k, v);
      (ctx.out.assigned ??= []).push({ name: k, value: v });
    }
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
  ctx.hooks.unwrap(cmd, ctx);
}
