/**
 * Word resolution: quote removal, escapes, and expansion of the variables the engine knows
 * (same-line assignments, the request's environment); unknown parts become DYN. Command
 * substitutions met inside words are walked through the context's hooks.
 */
import type { SyntaxNode } from '../lang/treesitter';
import { DYN, type Word } from './model';
import type { WalkContext } from './context';

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
export function substitutionsIn(text: string, ctx: WalkContext): void {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '(') {
      let d = 1;
      let j = i + 2;
      for (; j < text.length && d > 0; j++) {
        if (text[j] === '(') d++;
        else if (text[j] === ')') d--;
      }
      ctx.hooks.parseNested(text.slice(i + 2, j - 1), ctx, '${…}');
      i = j - 1;
    } else if (text[i] === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) break;
      ctx.hooks.parseNested(text.slice(i + 1, j), ctx, '${…}');
      i = j;
    }
  }
}

/** Variables the shell itself sets: never "unset" even when the request's environment lacks them. */
const SHELL_SET = /^(?:RANDOM|LINENO|SECONDS|PWD|OLDPWD|PPID|UID|EUID|GROUPS|BASHPID|BASH\w*|ZSH\w*|HOSTNAME|HOSTTYPE|OSTYPE|MACHTYPE|SHLVL|SHELL|IFS|PS\d|HISTFILE|HISTSIZE|EPOCHSECONDS|EPOCHREALTIME|SRANDOM|COLUMNS|LINES|OPTIND|OPTARG|REPLY|PIPESTATUS|FUNCNAME|DIRSTACK|USER|LOGNAME|HOME|PATH|TERM|LANG)$/;

export function lookupVar(name: string, ctx: WalkContext): string | undefined {
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
  // With every variable of the shell known, an unset one expands to nothing (`"$TMPDIR"/*` is
  // `/*`). A gate or hook sends only some of them: there a missing one is unknown, never empty
  // (an empty `--context "$CTX"` would read as the current context).
  if (ctx.env && ctx.envComplete && /^[A-Za-z_]\w*$/.test(name) && !SHELL_SET.test(name)) return '';
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
            ctx.hooks.walk(c, ctx);
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
      ctx.hooks.walk(node, ctx);
      return { value: DYN, raw };
    default:
      // Anything else (brace expressions, arrays…): walk for substitutions, keep the text.
      for (const c of node.namedChildren) if (c && (c.type === 'command_substitution' || c.type === 'process_substitution')) ctx.hooks.walk(c, ctx);
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
