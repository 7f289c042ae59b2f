/**
 * Task runners with their own files: `just [RECIPE]` (justfile: dependencies first,
 * `{{var}}` from its assignments, shebang recipes) and `task [NAME…]` (Taskfile.yml: `cmds`,
 * `cmd:` entries, `task:` calls and `deps`).
 */
import type { SimpleCommand } from '../model';
import type { WalkContext } from '../context';
import { parseFile } from '../extract';
import { cachedFollow } from './cache';
import { followCode, languageOf } from './scripts';
import { lineOf, nearest, readForFollow, settle, shortPath, unknownFile, type Content } from './read';

/** Follows `just [RECIPE]` into the justfile (dependencies first, `{{var}}` from its assignments). */
export function followJust(c: SimpleCommand, ctx: WalkContext): boolean {
  return cachedFollow('just', c, ctx, () => walkJust(c, ctx));
}

function walkJust(c: SimpleCommand, ctx: WalkContext): boolean {
  const args = c.args;
  if (args.some((a) => /^(?:-l|--list|--dry-run|-n|--summary|--show|-s|--evaluate|--help|-h|--version|-V|--choose|--dump|--fmt|--init|--edit|-e|--variables)$/.test(a.value))) return true;
  let file: string | undefined;
  const pos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-f' || v === '--justfile') file = args[++i]?.value;
    else if (v === '-d' || v === '--working-directory' || v === '--set') i += v === '--set' ? 2 : 1;
    else if (!v.startsWith('-')) pos.push(v);
  }
  let content: Content | undefined;
  if (file) content = settle(readForFollow(file, c, ctx));
  else
    for (const n of ['justfile', 'Justfile', '.justfile']) {
      content = nearest(n, c, ctx);
      if (!content || !('none' in content)) break;
    }
  content = settle(content);
  if (!content || 'none' in content) return !!content;
  if ('unknown' in content) {
    unknownFile(c, ctx, '`just`', content);
    return true;
  }
  const lines = content.text.split('\n');
  const vars = new Map<string, string>();
  const recipes = new Map<string, { deps: string[]; body: { text: string; line: number }[] }>();
  let first: string | undefined;
  let cur: { deps: string[]; body: { text: string; line: number }[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    if (/^\s+\S/.test(l) && cur) {
      cur.body.push({ text: l.trim(), line: i });
      continue;
    }
    const t = l.trim();
    if (!t || t.startsWith('#')) {
      if (!t) cur = cur && cur.body.length ? cur : cur;
      continue;
    }
    const a = /^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(['"])(.*)\2\s*$/.exec(t);
    if (a) {
      vars.set(a[1], a[3]);
      cur = undefined;
      continue;
    }
    const r = /^@?([A-Za-z_][\w-]*)((?:\s+[^:]+?)?)\s*:(?!=)\s*(.*)$/.exec(t);
    if (r && !/^(set|alias|import|mod)\b/.test(t)) {
      cur = { deps: r[3].split(/\s+/).filter(Boolean).map((d) => d.replace(/^\(|\)$/g, '')), body: [] };
      recipes.set(r[1], cur);
      first ??= r[1];
      continue;
    }
    cur = undefined;
  }
  const shown = shortPath(content.path, ctx);
  const interp = (s: string) => s.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_m, e: string) => (vars.has(e) ? vars.get(e)! : '"$JUST_VALUE"'));
  const done = new Set<string>();
  const run = (name: string, depth: number): void => {
    const r = recipes.get(name);
    if (!r || done.has(name) || depth > 16) return;
    done.add(name);
    for (const d of r.deps) run(d, depth + 1);
    if (r.body[0]?.text.startsWith('#!')) {
      const lang = languageOf(r.body.map((b) => b.text).join('\n'), '', 'shell');
      const body = r.body.slice(1).map((b) => interp(b.text)).join('\n');
      if (lang === 'shell') parseFile(body, ctx, `just ${name}`, { file: shown, base: r.body[0].line + 1 });
      else followCode(c, ctx, lang, body, shown, `just ${name}`);
      return;
    }
    for (const b of r.body) {
      const text = interp(b.text.replace(/^[@-]+/, ''));
      if (text.trim() && !text.startsWith('#')) parseFile(text, ctx, `just ${name}`, { file: shown, base: b.line });
    }
  };
  const list = pos.filter((p) => recipes.has(p));
  if (list.length === 0 && first && (pos.length === 0 || !recipes.has(pos[0]))) list.push(pos[0] && !recipes.has(pos[0]) ? '' : first);
  for (const n of list) if (n) run(n, 0);
  return true;
}

/** Follows `task [NAME…]` into Taskfile.yml: `cmds` (strings, `cmd:` entries, `task:` calls) and `deps`. */
export function followTaskfile(c: SimpleCommand, ctx: WalkContext): boolean {
  return cachedFollow('task', c, ctx, () => walkTaskfile(c, ctx));
}

function walkTaskfile(c: SimpleCommand, ctx: WalkContext): boolean {
  const args = c.args;
  if (args.some((a) => /^(?:-l|--list|--list-all|-a|--dry|-n|--summary|--help|-h|--version|--init|-i)$/.test(a.value))) return true;
  let content: Content | undefined;
  for (const n of ['Taskfile.yml', 'Taskfile.yaml', 'taskfile.yml', 'taskfile.yaml', 'Taskfile.dist.yml']) {
    content = nearest(n, c, ctx);
    if (!content || !('none' in content)) break;
  }
  content = settle(content);
  if (!content || 'none' in content) return !!content;
  if ('unknown' in content) {
    unknownFile(c, ctx, '`task`', content);
    return true;
  }
  let doc: { tasks?: Record<string, unknown>; vars?: Record<string, unknown> };
  try {
    // Loaded on first use: most lines never read a Taskfile, and the parser is large.
    doc = (((require('yaml') as typeof import('yaml')).parse(content.text) as unknown) ?? {}) as typeof doc;
  } catch {
    ctx.out.unanalysable.push({ reason: `${shortPath(content.path, ctx)} is not valid YAML, so its tasks cannot be checked`, text: c.raw.slice(0, 200) });
    return true;
  }
  const tasks = (doc.tasks ?? {}) as Record<string, unknown>;
  const vars = new Map<string, string>();
  for (const [k, v] of Object.entries(doc.vars ?? {})) if (typeof v === 'string' || typeof v === 'number') vars.set(k, String(v));
  const shown = shortPath(content.path, ctx);
  const text = content.text;
  const interp = (s: string) => s.replace(/\{\{\s*\.([\w]+)\s*\}\}/g, (_m, k: string) => vars.get(k) ?? '"$TASK_VALUE"').replace(/\{\{[^}]*\}\}/g, '"$TASK_VALUE"');
  const done = new Set<string>();
  const run = (name: string, depth: number): void => {
    if (done.has(name) || depth > 16) return;
    done.add(name);
    let t = tasks[name];
    if (typeof t === 'string') t = { cmds: [t] };
    if (Array.isArray(t)) t = { cmds: t };
    if (!t || typeof t !== 'object') return;
    const task = t as { cmds?: unknown[]; deps?: unknown[]; cmd?: unknown };
    for (const d of task.deps ?? []) {
      const n = typeof d === 'string' ? d : (d as { task?: unknown })?.task;
      if (typeof n === 'string') run(n, depth + 1);
    }
    const cmds = task.cmds ?? (task.cmd !== undefined ? [task.cmd] : []);
    for (const entry of cmds) {
      if (typeof entry === 'string') parseFile(interp(entry), ctx, `task ${name}`, { file: shown, base: lineOf(text, entry.split('\n')[0]) });
      else if (entry && typeof entry === 'object') {
        const e = entry as { cmd?: unknown; task?: unknown };
        if (typeof e.cmd === 'string') parseFile(interp(e.cmd), ctx, `task ${name}`, { file: shown, base: lineOf(text, e.cmd.split('\n')[0]) });
        else if (typeof e.task === 'string') run(e.task, depth + 1);
      }
    }
  };
  const pos = args.filter((a) => !a.value.startsWith('-') && !a.value.includes('=')).map((a) => a.value);
  for (const n of pos.length ? pos : ['default']) run(n, 0);
  return true;
}
