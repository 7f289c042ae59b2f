/**
 * Ruby and Elixir task files, where reading them is cheap:
 *  - `rake [TASK…]`: the Rakefile's tasks (in their namespaces), prerequisites first; each
 *    task's body is read as Ruby (`sh "…"`, `system`, backticks, `%x()`, FileUtils…), and
 *    `Rake::Task["x"].invoke` runs task x.
 *  - `mix ALIAS`: the `aliases` list of mix.exs; `"cmd …"` entries run a shell command,
 *    other entries run mix tasks (themselves judged and followed); a function in the list
 *    is not followed and makes the line ask.
 * Every command cites the file and line it came from.
 */
import type { SimpleCommand } from '../model';
import type { WalkContext } from '../context';
import { parseFile } from '../extract';
import { cachedFollow } from './cache';
import { followCode } from './scripts';
import { lineOf, nearest, readForFollow, settle, shortPath, unknownFile, type Content } from './read';

/** Reads the first of `names` found in the command's folder or above (or `-f FILE`). */
function findFile(c: SimpleCommand, ctx: WalkContext, names: string[], file: string | undefined, what: string): { text: string; path: string } | undefined | true {
  let content: Content | undefined;
  if (file) content = readForFollow(file, c, ctx);
  else
    for (const n of names) {
      content = nearest(n, c, ctx);
      if (!content || !('none' in content)) break;
    }
  content = settle(content);
  if (!content || 'none' in content) return content ? true : undefined;
  if ('unknown' in content) {
    unknownFile(c, ctx, what, content);
    return true;
  }
  return content;
}

// ---------------------------------------------------------------- rake

interface RakeTask {
  deps: string[];
  /** 0-based line numbers of the task's body. */
  body: number[];
}

/** A symbol, string or bare key: `:a`, `"a"`, `'a'`, `a:`. */
const NAME = String.raw`:?["']?([\w:.-]+?)["']?:?`;

/** Names in a dependency list: `:a`, `[:a, "b"]`, `%w[a b]`. */
function names(s: string): string[] {
  const w = /%[wi][[(]([^\])]*)[\])]/.exec(s);
  if (w) return w[1].split(/\s+/).filter(Boolean);
  return [...s.matchAll(/:([\w:.-]+)|["']([^"']+)["']/g)].map((m) => m[1] ?? m[2]);
}

/** Tasks of a Rakefile, by full name (`db:reset`), read line by line with do/end nesting. */
export function parseRakefile(text: string): Map<string, RakeTask> {
  const tasks = new Map<string, RakeTask>();
  const lines = text.split('\n');
  const stack: Array<{ ns?: string; task?: RakeTask }> = [];
  const prefix = () => stack.filter((f) => f.ns).map((f) => f.ns + ':').join('');
  const current = () => [...stack].reverse().find((f) => f.task)?.task;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i].replace(/\r$/, '');
    const t = l.trim();
    if (!t || t.startsWith('#')) continue;
    const opensBlock = /\bdo\s*(?:\|[^|]*\|)?\s*(?:#.*)?$/.test(t) || /^(?:if|unless|while|until|case|begin|def|class|module|for)\b/.test(t);
    const ns = new RegExp(String.raw`^namespace\s*\(?\s*${NAME}\s*\)?\s*do\b`).exec(t);
    if (ns) {
      stack.push({ ns: ns[1] });
      continue;
    }
    const task = /^(?:multitask|task|file|directory)\s*\(?\s*(.*?)\s*\)?\s*(?:do\s*(?:\|[^|]*\|)?)?\s*(?:#.*)?$/.exec(t);
    if (task && /^(?:multitask|task)\b/.test(t)) {
      const spec = task[1];
      const m = new RegExp(String.raw`^${NAME}\s*(?:,\s*\[[^\]]*\]\s*)?(?:=>\s*|:\s+|$)(.*)$`).exec(spec);
      const name = m?.[1];
      if (name) {
        const full = prefix() + name;
        const rt = tasks.get(full) ?? { deps: [], body: [] };
        rt.deps.push(...names(m[2] ?? ''));
        tasks.set(full, rt);
        if (opensBlock) stack.push({ task: rt });
        continue;
      }
    }
    if (/^end\b/.test(t)) {
      stack.pop();
      continue;
    }
    const cur = current();
    if (cur) cur.body.push(i);
    if (opensBlock) stack.push({});
  }
  return tasks;
}

const RAKE_NOTHING = /^(?:-T|--tasks|-D|--describe|-P|--prereqs|-W|--where|-n|--dry-run|-h|-H|--help|-V|--version|-AT)$/;

/** Follows `rake [TASK…]` into the Rakefile. */
export function followRake(c: SimpleCommand, ctx: WalkContext): boolean {
  return cachedFollow('rake', c, ctx, () => walkRake(c, ctx));
}

function walkRake(c: SimpleCommand, ctx: WalkContext): boolean {
  const args = c.args;
  if (args.some((a) => RAKE_NOTHING.test(a.value))) return true;
  let file: string | undefined;
  const targets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-f' || v === '--rakefile') file = args[++i]?.value;
    else if (v === '-C' || v === '--directory' || v === '-I' || v === '--libdir' || v === '-r' || v === '--require' || v === '-j' || v === '--jobs') i++;
    else if (v.startsWith('-') || /^[A-Za-z_]\w*=/.test(v)) continue;
    else targets.push(v.replace(/\[.*$/, ''));
  }
  const found = findFile(c, ctx, ['Rakefile', 'rakefile', 'Rakefile.rb', 'rakefile.rb'], file, '`rake`');
  if (found === undefined || found === true) return !!found;
  const tasks = parseRakefile(found.text);
  const shown = shortPath(found.path, ctx);
  const lines = found.text.split('\n');
  const done = new Set<string>();
  const run = (name: string, depth: number): void => {
    const task = tasks.get(name);
    if (!task || done.has(name) || depth > 16) return;
    done.add(name);
    for (const d of task.deps) run(tasks.has(d) ? d : (name.includes(':') ? name.slice(0, name.lastIndexOf(':') + 1) : '') + d, depth + 1);
    if (!task.body.length) return;
    // The task's lines in place (others blank), so each command cites its own line; `sh` is Rake's `system`.
    const keep = new Set(task.body);
    const text = lines.map((l, i) => (keep.has(i) ? l.replace(/(^|[\s;({])sh(\s*\(|\s+(?=["'%]))/g, '$1system$2') : '')).join('\n');
    followCode(c, ctx, 'ruby', text, shown, `rake ${name}`);
    for (const i of task.body) for (const m of lines[i].matchAll(/Rake::Task\[\s*["':]([\w:.-]+)["']?\s*\]\s*\.\s*(?:invoke|execute)/g)) run(m[1], depth + 1);
  };
  for (const t of targets.length ? targets : ['default']) run(t, 0);
  return true;
}

// ---------------------------------------------------------------- mix

/** Splits `s` at top-level commas (outside brackets and strings). */
function topLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[' || ch === '(' || ch === '{') depth++;
    else if (ch === ']' || ch === ')' || ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    } else if (ch === '#' && depth >= 0) {
      const nl = s.indexOf('\n', i);
      i = nl < 0 ? s.length : nl;
    }
  }
  out.push(s.slice(start));
  return out.map((x) => x.trim()).filter(Boolean);
}

/** The bracketed list that starts at or after `from` (its inside), or undefined. */
function listAt(text: string, from: number): string | undefined {
  const open = text.indexOf('[', from);
  if (open < 0) return undefined;
  let depth = 0;
  let quote = '';
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

/** mix.exs aliases: name → entries (each a string literal, or the source of something else). */
export function mixAliases(text: string): Map<string, Array<{ task?: string; other?: string }>> {
  const out = new Map<string, Array<{ task?: string; other?: string }>>();
  const def = /\bdefp?\s+aliases\b[^\n]*\bdo\b/.exec(text);
  const body = def ? listAt(text, def.index + def[0].length) : undefined;
  if (body === undefined) return out;
  for (const entry of topLevel(body)) {
    const m = /^(?:"([^"]+)"|([\w.]+)):\s*([\s\S]*)$/.exec(entry);
    if (!m) continue;
    const value = m[3].trim();
    const items = value.startsWith('[') ? topLevel(value.slice(1, value.lastIndexOf(']'))) : [value];
    out.set(
      m[1] ?? m[2],
      items.map((it) => {
        const s = /^"((?:\\.|[^"\\])*)"$/.exec(it);
        return s ? { task: s[1].replace(/\\(.)/g, '$1') } : { other: it };
      }),
    );
  }
  return out;
}

/** Follows `mix ALIAS` into mix.exs's aliases. */
export function followMix(c: SimpleCommand, ctx: WalkContext): boolean {
  return cachedFollow('mix', c, ctx, () => walkMix(c, ctx));
}

function walkMix(c: SimpleCommand, ctx: WalkContext): boolean {
  const name = c.args.find((a) => !a.value.startsWith('-'))?.value;
  if (!name || name === 'help') return true;
  const found = findFile(c, ctx, ['mix.exs'], undefined, '`mix`');
  if (found === undefined || found === true) return !!found;
  const alias = mixAliases(found.text).get(name);
  if (!alias) return true;
  const key = `${found.path}#${name}`;
  // `test: ["ecto.create", "test"]`: the inner `mix test` is the task itself, not the alias again.
  if (ctx.following.has(key)) return true;
  const shown = shortPath(found.path, ctx);
  const extra = c.args.slice(c.args.findIndex((a) => a.value === name) + 1).map((a) => a.raw);
  ctx.following.add(key);
  try {
    alias.forEach((item, i) => {
      if (item.task === undefined) {
        ctx.out.unanalysable.push({ reason: `\`mix ${name}\` runs ${item.other?.slice(0, 60)} from ${shown}, an Elixir function TwoKey does not follow`, text: c.raw.slice(0, 200) });
        return;
      }
      const line = lineOf(found.text, JSON.stringify(item.task));
      const args = i === alias.length - 1 && extra.length ? ' ' + extra.join(' ') : '';
      const cmd = /^cmd\s/.test(item.task) ? item.task.slice(4).trim() : `mix ${item.task}`;
      parseFile(cmd + args, ctx, `mix ${name}`, { file: shown, base: line });
    });
  } finally {
    ctx.following.delete(key);
  }
  return true;
}
