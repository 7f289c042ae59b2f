/**
 * `make [TARGET…]`: the Makefile's recipes (prerequisites first, pattern rules), with its
 * simple variables, automatic variables and command-line overrides.
 */
import type { SimpleCommand } from '../model';
import { resolvePath, type WalkContext } from '../context';
import { parseFile } from '../extract';
import { cachedFollow } from './cache';
import { readForFollow, settle, shortPath, unknownFile, type Content } from './read';

interface MakeRule {
  prereqs: string[];
  recipe: { text: string; line: number }[];
}

interface Makefile {
  vars: Map<string, string>;
  rules: Map<string, MakeRule>;
  first?: string;
}

function parseMakefile(text: string): Makefile {
  const vars = new Map<string, string>();
  const rules = new Map<string, MakeRule>();
  let first: string | undefined;
  const raw = text.split('\n');
  // Logical lines: backslash-newline joins, keeping the first physical line's number.
  const lines: { text: string; line: number }[] = [];
  for (let i = 0; i < raw.length; i++) {
    let t = raw[i];
    const start = i;
    while (t.endsWith('\\') && i + 1 < raw.length) t = t.slice(0, -1) + ' ' + raw[++i].replace(/^\t/, '');
    lines.push({ text: t.replace(/\r$/, ''), line: start });
  }
  let current: MakeRule[] = [];
  for (const { text: l, line } of lines) {
    if (l.startsWith('\t')) {
      for (const r of current) r.recipe.push({ text: l.slice(1), line });
      continue;
    }
    const t = l.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!t) continue;
    const v = /^(?:export\s+|override\s+)?([A-Za-z_][\w.-]*)\s*(::?=|:::=|\?=|\+=|!=|=)\s*(.*)$/.exec(t);
    if (v) {
      const [, name, op, value] = v;
      if (op === '?=' && vars.has(name)) continue;
      if (op === '+=') vars.set(name, ((vars.get(name) ?? '') + ' ' + value).trim());
      else if (op === '!=') vars.set(name, '$(shell)');
      else vars.set(name, value);
      current = [];
      continue;
    }
    if (/^(?:-?include|sinclude|ifeq|ifneq|ifdef|ifndef|else|endif|define|endef|export|unexport|vpath)\b/.test(t)) {
      continue;
    }
    const r = /^([^:=]+?)\s*::?\s*(?!=)(.*)$/.exec(t);
    if (r) {
      const targets = r[1].split(/\s+/).filter(Boolean);
      let rest = r[2];
      let inline: string | undefined;
      const semi = rest.indexOf(';');
      if (semi >= 0) {
        inline = rest.slice(semi + 1).trim();
        rest = rest.slice(0, semi);
      }
      const prereqs = rest.replace(/\|/g, ' ').split(/\s+/).filter(Boolean);
      current = targets.map((tg) => {
        const rule = rules.get(tg) ?? { prereqs: [], recipe: [] };
        rule.prereqs.push(...prereqs);
        rules.set(tg, rule);
        if (first === undefined && !tg.startsWith('.') && !tg.includes('%')) first = tg;
        return rule;
      });
      if (inline) for (const rule of current) rule.recipe.push({ text: inline, line });
      continue;
    }
    current = [];
  }
  return { vars, rules, first };
}

function expandMake(s: string, vars: Map<string, string>, auto: Record<string, string>, depth = 0): string {
  if (depth > 8) return '"$MAKE_VALUE"';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const nx = s[i + 1];
    if (nx === '$') {
      out += '$';
      i++;
      continue;
    }
    if (nx === '(' || nx === '{') {
      const close = nx === '(' ? ')' : '}';
      let d = 1;
      let j = i + 2;
      for (; j < s.length && d > 0; j++) {
        if (s[j] === nx) d++;
        else if (s[j] === close) d--;
      }
      const inner = s.slice(i + 2, j - 1);
      i = j - 1;
      if (inner === 'MAKE') out += 'make';
      else if (/^[\w.-]+$/.test(inner)) {
        const v = vars.get(inner);
        out += v === undefined ? '' : expandMake(v, vars, auto, depth + 1);
      } else out += '"$MAKE_VALUE"';
      continue;
    }
    if (nx && auto[nx] !== undefined) {
      out += auto[nx];
      i++;
      continue;
    }
    out += '$';
  }
  return out;
}

const MAKE_VALUE_OPTS = new Set(['-f', '--file', '--makefile', '-C', '--directory', '-j', '--jobs', '-l', '--load-average', '-o', '--old-file', '-W', '--what-if', '-I', '--include-dir', '-O', '--output-sync']);

/** Follows `make [TARGET…]` into the Makefile's recipes (prerequisites first), with its simple variables. */
export function followMake(c: SimpleCommand, ctx: WalkContext): boolean {
  return cachedFollow('make', c, ctx, () => walkMake(c, ctx));
}

function walkMake(c: SimpleCommand, ctx: WalkContext): boolean {
  const args = c.args;
  let file: string | undefined;
  let dir: string | undefined;
  const targets: string[] = [];
  const overrides = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (/^-[a-zA-Z]*[nq]/.test(v) && !v.startsWith('--') && !MAKE_VALUE_OPTS.has(v)) return true; // -n/-q: nothing runs
    if (v === '--dry-run' || v === '--just-print' || v === '--recon' || v === '--question' || v === '--help' || v === '-h' || v === '--version' || v === '-v') return true;
    if (v === '-f' || v === '--file' || v === '--makefile') file = args[++i]?.value;
    else if (v.startsWith('--file=') || v.startsWith('--makefile=')) file = v.slice(v.indexOf('=') + 1);
    else if (v === '-C' || v === '--directory') dir = args[++i]?.value;
    else if (v.startsWith('-C') && v.length > 2) dir = v.slice(2);
    else if (v.startsWith('--directory=')) dir = v.slice(12);
    else if (MAKE_VALUE_OPTS.has(v)) i++;
    else if (v.startsWith('-')) continue;
    else if (/^[A-Za-z_][\w.-]*=/.test(v)) overrides.set(v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1));
    else targets.push(v);
  }
  const base = dir ? resolvePath(dir, c.cwd ?? ctx.cwd, ctx.home) : (c.cwd ?? ctx.cwd);
  let content: Content | undefined;
  if (file) content = settle(readForFollow(file, { ...c, cwd: base }, ctx));
  else {
    for (const n of ['GNUmakefile', 'makefile', 'Makefile']) {
      content = readForFollow(n, { ...c, cwd: base }, ctx);
      if (!content || !('none' in content)) break;
    }
    content = settle(content);
  }
  if (!content || 'none' in content) return !!content;
  if ('unknown' in content) {
    unknownFile(c, ctx, '`make`', content);
    return true;
  }
  const mk = parseMakefile(content.text);
  for (const [k, v] of overrides) mk.vars.set(k, v);
  const shown = shortPath(content.path, ctx);
  const done = new Set<string>();
  const saved = ctx.cwd;
  ctx.cwd = base;
  try {
    const run = (target: string, depth: number): void => {
      if (done.has(target) || depth > 16) return;
      done.add(target);
      let rule = mk.rules.get(target);
      if (!rule) {
        for (const [pat, r] of mk.rules) {
          if (!pat.includes('%')) continue;
          const [a, b] = pat.split('%');
          if (target.startsWith(a) && target.endsWith(b) && r.recipe.length) {
            rule = r;
            break;
          }
        }
      }
      if (!rule) return;
      for (const p of rule.prereqs) run(expandMake(p, mk.vars, {}), depth + 1);
      const auto = { '@': target, '<': rule.prereqs[0] ?? '', '^': rule.prereqs.join(' '), '*': target.replace(/\.[^.]*$/, ''), '?': rule.prereqs.join(' ') };
      for (const step of rule.recipe) {
        const text = expandMake(step.text.replace(/^[\s@+-]+/, ''), mk.vars, auto);
        if (text.trim()) parseFile(text, ctx, `make ${target}`, { file: shown, base: step.line });
      }
    };
    const list = targets.length ? targets : mk.first ? [mk.first] : [];
    for (const t of list) run(t, 0);
  } finally {
    ctx.cwd = saved;
  }
  return true;
}
