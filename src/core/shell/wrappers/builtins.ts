/**
 * Shell built-ins that run text as code: `eval`, `source` / `.` (a name without a slash is
 * looked up on PATH first), `watch`.
 */
import { posix } from 'node:path';
import { DYN, type Word } from '../model';
import { emit, parseNested, type WalkContext } from '../extract';
import { followScript } from '../follow/scripts';
import { skipOptions, stdinScript, VALUE_OPTS, wordsToScript, type Unwrapper } from '../wrapkit';

export const shellBuiltins: Record<string, Unwrapper> = {};
shellBuiltins['watch'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.watch);
  const rest = args.slice(i);
  if (rest.length === 0) {
    emit(c, ctx);
    return 'done';
  }
  if (args.some((a) => a.value === '-x' || a.value === '--exec')) {
    return { ...c, name: rest[0].value, args: rest.slice(1), via: [...c.via, 'watch'] };
  }
  parseNested(wordsToScript(rest, false), ctx, 'watch');
  return 'done';
};
shellBuiltins['eval'] = (c, ctx) => {
  const args = c.args;
  if (args.some((a) => a.value.includes(DYN))) {
    ctx.out.unanalysable.push({ reason: 'eval runs text that is only known when it runs', text: c.raw });
  }
  const text = args.map((a) => a.value.split(DYN).join(' ')).join(' ');
  if (text.trim()) parseNested(text, ctx, 'eval', c.stdin);
  return 'done';
};
shellBuiltins['source'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  const file = args[0];
  if (file && (file.value.includes(DYN) && /^[<>]\(/.test(file.raw))) {
    ctx.out.unanalysable.push({ reason: `it sources the output of ${file.raw.slice(0, 60)}, which is only known when it runs`, text: c.raw });
  } else if (file && /^\/dev\/(stdin|fd\/0)$/.test(file.value)) {
    stdinScript(c, ctx, name, 'source');
  } else if (file) {
    followScript(c, ctx, sourcedFile(file, ctx), `${name} ${file.raw}`, 'shell', true);
  }
  emit(c, ctx);
  return 'done';
};
shellBuiltins['.'] = shellBuiltins['source'];

/**
 * The file `source NAME` reads: a name without a slash is looked up on PATH first (bash's
 * `sourcepath`, zsh alike), then in the current folder.
 */
function sourcedFile(file: Word, ctx: WalkContext): Word {
  if (file.value.includes('/') || file.value.includes(DYN) || !ctx.files) return file;
  const pathVar = ctx.vars.get('PATH') ?? ctx.env?.PATH;
  if (!pathVar || pathVar.includes(DYN)) return file;
  for (const dir of pathVar.split(':')) {
    if (!dir.startsWith('/')) continue;
    const abs = posix.join(dir, file.value);
    const r = ctx.files.read(abs);
    if (!('problem' in r) || r.problem !== 'missing') return { value: abs, raw: file.raw };
  }
  return file;
}
