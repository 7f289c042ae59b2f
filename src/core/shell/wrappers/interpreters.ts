/**
 * Interpreters: `python -c`, `node -e`, `perl -e`, `ruby -e`, `php -r`, `deno eval`, code on
 * stdin, and script files (`python3 x.py`, followed into the file): the code is translated into
 * the shell commands it runs.
 */
import { DYN, type SimpleCommand, type Word } from '../model';
import { parseNested, type WalkContext } from '../extract';
import { codeToShell, type CodeLang } from '../code';
import { followScript } from '../follow/scripts';
import { skipOptions, stdinScript, withPositional } from '../wrapkit';

export const INTERPRETERS: Record<string, CodeLang> = {
  python: 'python', python2: 'python', python3: 'python', pypy: 'python', pypy3: 'python', ipython: 'python',
  node: 'js', nodejs: 'js', bun: 'js', deno: 'js', tsx: 'js', 'ts-node': 'js',
  perl: 'perl', ruby: 'ruby', php: 'php',
};

/** Index of the script file an interpreter runs (`python3 -u x.py a b`), or -1 (`-m mod`, `-c`, stdin). */
function scriptFileIndex(args: Word[], lang: CodeLang): number {
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '--') return i + 1 < args.length ? i + 1 : -1;
    if (v === '-') return -1;
    if (lang === 'python' && (v === '-m' || /^-[a-zA-Z]*m$/.test(v))) return -1;
    if (lang === 'js' && (v === 'run' || v === 'test' || v === 'eval' || v === 'repl' || v === 'install' || v === 'add' || v === 'x')) {
      if (v !== 'run') return -1;
      continue;
    }
    if (v.startsWith('-')) {
      if ((lang === 'python' && /^-[WXQ]$/.test(v)) || (lang === 'js' && /^(?:-r|--require|--import|--loader|--env-file|-C|--conditions)$/.test(v)) || (lang === 'ruby' && /^-[rIC]$/.test(v)) || (lang === 'perl' && /^-[IM]$/.test(v))) i++;
      continue;
    }
    return i;
  }
  return -1;
}

export function unwrapInterpreter(c: SimpleCommand, ctx: WalkContext, name: string, lang: CodeLang): void {
  const args = c.args;
  let code: string | undefined;
  let label = name;
  if (name === 'deno') {
    if (args[0]?.value === 'eval') {
      const i = skipOptions(args, 1, new Set());
      code = args[i]?.value;
      label = 'deno eval';
    }
  } else {
    for (let i = 0; i < args.length; i++) {
      const v = args[i].value;
      const isFlag =
        (lang === 'python' && /^-[a-zA-Z]*c$/.test(v)) ||
        (lang === 'js' && (v === '-e' || v === '--eval' || v === '-p' || v === '--print' || v === '-pe')) ||
        ((lang === 'perl' || lang === 'ruby') && /^-[a-zA-Z]*[eE]$/.test(v)) ||
        (lang === 'php' && v === '-r');
      if (isFlag && args[i + 1]) {
        code = (code ? code + '\n' : '') + args[i + 1].value;
        label = `${name} ${v}`;
        if (lang !== 'perl' && lang !== 'ruby') break;
        i++;
        continue;
      }
      if (v.startsWith('--eval=')) {
        code = v.slice(7);
        label = `${name} --eval`;
        break;
      }
      if (!v.startsWith('-') && lang !== 'perl' && lang !== 'ruby') break; // a script file: its arguments are not ours
      if (v === '-' ) break;
    }
    const fileAt = code === undefined ? scriptFileIndex(args, lang) : -1;
    if (fileAt >= 0) {
      const file = args[fileAt];
      withPositional(ctx, args.slice(fileAt + 1), () => followScript(c, ctx, file, `${name} ${file.raw}`, lang));
      return;
    }
    if (code === undefined && c.stdin && c.stdin.kind === 'literal' && !args.some((a) => !a.value.startsWith('-'))) {
      code = c.stdin.text;
      label = `${name} (stdin)`;
    } else if (code === undefined && c.stdin && (c.stdin.kind === 'remote' || c.stdin.kind === 'decoded') && !args.some((a) => !a.value.startsWith('-'))) {
      stdinScript(c, ctx, name, name);
    }
  }
  if (!code) return;
  const script = codeToShell(lang, code.split(DYN).join('__dynamic__'));
  if (script.unanalysable) ctx.out.unanalysable.push({ reason: script.unanalysable, text: c.raw });
  if (script.lines.length > 0) parseNested(script.lines.join('\n'), ctx, label);
}
