/**
 * Scripts run by a shell or an interpreter (`bash x.sh`, `./x.sh`, `source x`, `python3 x.py`):
 * the shebang (else the extension) picks the analyser; shell files are walked by the same
 * engine, other languages are translated into the shell commands they run. Every command
 * cites the file and line it came from.
 */
import { posix } from 'node:path';
import { DYN, type SimpleCommand, type Word } from '../model';
import type { WalkContext } from '../context';
import { parseFile } from '../extract';
import { codeToShell, type CodeLang } from '../code';
import { cachedFollow } from './cache';
import { readForFollow, settle, shortPath, unknownFile } from './read';

const SHEBANG_LANG: Record<string, CodeLang | 'shell'> = {
  sh: 'shell', bash: 'shell', zsh: 'shell', dash: 'shell', ksh: 'shell', ash: 'shell', mksh: 'shell', busybox: 'shell',
  python: 'python', python2: 'python', python3: 'python', pypy: 'python', pypy3: 'python',
  node: 'js', nodejs: 'js', bun: 'js', deno: 'js', tsx: 'js', 'ts-node': 'js',
  perl: 'perl', ruby: 'ruby', php: 'php',
};

const EXT_LANG: Record<string, CodeLang | 'shell'> = {
  '.sh': 'shell', '.bash': 'shell', '.zsh': 'shell', '.py': 'python', '.js': 'js', '.mjs': 'js', '.cjs': 'js', '.ts': 'js', '.mts': 'js', '.cts': 'js',
  '.rb': 'ruby', '.pl': 'perl', '.php': 'php',
};

/** The language a file is written in: its shebang, else its extension, else the given default. */
export function languageOf(text: string, path: string, fallback: CodeLang | 'shell'): CodeLang | 'shell' {
  const m = /^#!\s*(\S+)(?:\s+(?:-\S+\s+)*(\S+))?/.exec(text);
  if (m) {
    let prog = posix.basename(m[1]);
    if (prog === 'env' && m[2]) prog = posix.basename(m[2]);
    prog = prog.replace(/\d+(?:\.\d+)*$/, (d) => (SHEBANG_LANG[prog] ? d : ''));
    const lang = SHEBANG_LANG[prog] ?? SHEBANG_LANG[prog.replace(/[\d.]+$/, '')];
    if (lang) return lang;
  }
  return EXT_LANG[posix.extname(path)] ?? fallback;
}

/**
 * Follows a script file: `label` is how it was run (`bash x.sh`, `./x.sh`, `python3 x.py`).
 * Returns false when the engine reads no files (the caller keeps its old behaviour).
 */
export function followScript(c: SimpleCommand, ctx: WalkContext, file: Word, label: string, lang: CodeLang | 'shell' | undefined, sourced = false): boolean {
  // A sourced file changes this shell (variables, aliases, folder): walked every time.
  if (sourced) return walkScript(c, ctx, file, label, lang, true);
  return cachedFollow(`script ${JSON.stringify([file.value, file.raw, label, lang])}`, c, ctx, () => walkScript(c, ctx, file, label, lang, false));
}

function walkScript(c: SimpleCommand, ctx: WalkContext, file: Word, label: string, lang: CodeLang | 'shell' | undefined, sourced: boolean): boolean {
  if (/^[<>]\(/.test(file.raw)) return false;
  const content = settle(readForFollow(file.value, c, ctx));
  if (!content) return false;
  if ('none' in content) return true;
  if ('unknown' in content) {
    unknownFile(c, ctx, `\`${label}\``, content);
    return true;
  }
  const key = content.path;
  if (ctx.following.has(key)) return true;
  const l = languageOf(content.text, content.path, lang ?? 'shell');
  ctx.following.add(key);
  // A script run by a new process keeps its cd, variables and aliases; `source` shares ours.
  const saved = sourced ? undefined : { cwd: ctx.cwd, vars: ctx.vars, aliases: ctx.aliases, errexit: ctx.errexit };
  if (saved) {
    ctx.vars = new Map(ctx.vars);
    ctx.aliases = new Map(ctx.aliases);
    ctx.errexit = false;
  }
  try {
    if (l === 'shell') parseFile(content.text, ctx, label, { file: shortPath(content.path, ctx), base: 0 });
    else followCode(c, ctx, l, content.text, shortPath(content.path, ctx), label);
  } finally {
    ctx.following.delete(key);
    if (saved) Object.assign(ctx, saved);
  }
  return true;
}

/** Code in another language: translated into the shell commands it runs, each cited by the line that runs it. */
export function followCode(c: SimpleCommand, ctx: WalkContext, lang: CodeLang, text: string, file: string, label: string): void {
  const script = codeToShell(lang, text.split(DYN).join('__dynamic__'));
  if (script.unanalysable) ctx.out.unanalysable.push({ reason: `${script.unanalysable} (${file})`, text: c.raw.slice(0, 200) });
  if (script.lines.length === 0) return;
  const src = text.split('\n');
  const perLine: string[][] = src.map((l) => (l.length < 4000 && /\w\s*[(`'"]|`/.test(l) ? codeToShell(lang, l).lines : []));
  for (const out of script.lines) {
    const row = perLine.findIndex((ls) => ls.includes(out));
    parseFile(out, ctx, label, { file, base: row >= 0 ? row : -1 });
  }
}
