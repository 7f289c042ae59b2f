/**
 * Fan-out: commands that run another command over many inputs: `xargs` (with `-I`),
 * `parallel`, `find -exec|-execdir|-ok` and `fd -x|-X` (`find … -exec rm {} \;` is judged as
 * `find … -delete`).
 */
import { DYN, type SimpleCommand, type Word } from '../model';
import { emit, parseNested, type WalkContext } from '../extract';
import { basename, skipOptions, VALUE_OPTS, type Unwrapper } from '../wrapkit';

export const fanout: Record<string, Unwrapper> = {};
fanout['xargs'] = (c) => {
  const args = c.args;
  let replace: string | undefined;
  let i = 0;
  while (i < args.length) {
    const v = args[i].value;
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-')) break;
    if (v === '-I' || v === '--replace') {
      replace = args[i + 1]?.value;
      i += 2;
      continue;
    }
    if (v.startsWith('-I') || v.startsWith('--replace=')) {
      replace = v.startsWith('-I') ? v.slice(2) : v.slice(10);
      i++;
      continue;
    }
    if (v === '-i') {
      replace = '{}';
      i++;
      continue;
    }
    i += VALUE_OPTS.xargs.has(v) ? 2 : 1;
  }
  const inner = args.slice(i);
  if (inner.length === 0) return 'done';
  let innerArgs: Word[];
  if (replace) {
    innerArgs = inner.map((w) => (w.value.includes(replace!) ? { value: w.value.split(replace!).join(DYN), raw: w.raw } : w));
  } else {
    innerArgs = [...inner, { value: DYN, raw: '<xargs input>' }];
  }
  const next: SimpleCommand = { ...c, name: innerArgs[0].value, args: innerArgs.slice(1), via: [...c.via, 'xargs'], dynamicArgs: true, stdin: undefined };
  return next;
};
fanout['parallel'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.parallel);
  let end = args.findIndex((a: Word, k: number) => k >= i && /^:::[+:]?$|^::::$/.test(a.value));
  if (end < 0) end = args.length;
  let inner: Word[] = args.slice(i, end).map((w: Word): Word => (w.value.includes('{}') ? { value: w.value.split('{}').join(DYN), raw: w.raw } : w));
  if (inner.length === 0) return 'done';
  if (inner.length === 1 && /\s/.test(inner[0].value)) {
    parseNested(inner[0].value.split(DYN).join('"$PARALLEL_ARG"'), ctx, 'parallel');
    return 'done';
  }
  if (!inner.some((w) => w.value.includes(DYN))) inner = [...inner, { value: DYN, raw: '<parallel input>' }];
  return { ...c, name: inner[0].value, args: inner.slice(1), via: [...c.via, 'parallel'], dynamicArgs: true };
};
fanout['find'] = (c, ctx) => {
  const name = c.name;
  emit(c, ctx);
  unwrapFindExec(c, ctx, name);
  return 'done';
};
fanout['fd'] = fanout['find'];
fanout['fdfind'] = fanout['find'];

function unwrapFindExec(c: SimpleCommand, ctx: WalkContext, name: string): void {
  const args = c.args;
  const roots: string[] = [];
  for (const a of args) {
    if (a.value.startsWith('-') || a.value === '(' || a.value === '!') break;
    roots.push(a.value);
  }
  const root = name === 'find' ? roots[0] ?? '.' : '.';
  for (let i = 0; i < args.length; i++) {
    const v = args[i].value;
    if (v === '-exec' || v === '-execdir' || v === '-ok' || v === '-okdir' || ((name === 'fd' || name === 'fdfind') && (v === '-x' || v === '--exec' || v === '-X' || v === '--exec-batch'))) {
      let j = i + 1;
      const inner: Word[] = [];
      while (j < args.length && args[j].value !== ';' && args[j].value !== '+') {
        const w = args[j];
        inner.push(w.value.includes('{}') ? { value: w.value.split('{}').join(root.replace(/\/$/, '') + '/' + DYN), raw: w.raw } : w);
        j++;
      }
      if (inner.length > 0 && /^(?:rm|unlink|shred|rimraf|srm)$/.test(basename(inner[0].value))) {
        // `find … -exec rm {} \;` deletes what find matches: judge it like `find … -delete`.
        emit({ ...c, args: [...args.slice(0, i), { value: '-delete', raw: `-exec ${inner[0].value}` }], via: [...c.via, `${name} ${v} ${inner[0].value}`] }, ctx);
      } else if (inner.length > 0) {
        if (!inner.slice(1).some((w) => w.value.includes(DYN))) inner.push({ value: root.replace(/\/$/, '') + '/' + DYN, raw: '{}' });
        ctx.hooks.unwrap({ ...c, name: inner[0].value, args: inner.slice(1), via: [...c.via, `${name} ${v}`], dynamicArgs: true }, ctx);
      }
      i = j;
    }
  }
}
