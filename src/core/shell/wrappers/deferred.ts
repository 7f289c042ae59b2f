/**
 * Deferred work: `at`, `batch`, `crontab` (a table from stdin or a file, `-r`),
 * `systemd-run`. What runs later is judged now, as if typed now.
 */
import { posix } from 'node:path';
import type { SimpleCommand, Word } from '../model';
import { emit, parseNested, type WalkContext } from '../extract';
import { followScript } from '../follow/scripts';
import { set, shift, skipOptions, stdinScript, type Unwrapper } from '../wrapkit';

export const deferred: Record<string, Unwrapper> = {
  // at TIME < script | echo CMD | at now | at -f FILE TIME: the script runs later, as if typed now.
  at: (c, ctx) => deferredScript(c, ctx, 'at'),
  batch: (c, ctx) => deferredScript(c, ctx, 'batch'),
  crontab: (c, ctx) => {
    emit(c, ctx);
    const a = c.args;
    if (a.some((w) => /^-[a-zA-Z]*[rle]/.test(w.value))) return 'done';
    const pos = a.filter((w, i) => !w.value.startsWith('-') && !(i > 0 && /^-[us]$/.test(a[i - 1].value)));
    const file = pos[0];
    let table: string | undefined;
    if (!file || file.value === '-') {
      if (c.stdin?.kind === 'literal') table = c.stdin.text;
      else if (c.stdin && c.stdin.kind !== 'file') stdinScript(c, ctx, 'crontab', 'crontab');
      else if (c.stdin?.kind === 'file' && c.stdin.source) return crontabFile(c, ctx, { value: c.stdin.source, raw: c.stdin.source });
    } else return crontabFile(c, ctx, file);
    if (table !== undefined) parseNested(cronCommands(table), ctx, 'crontab');
    return 'done';
  },
  'systemd-run': (c) =>
    shift(
      c,
      skipOptions(c.args, 0, set('-u', '--unit', '-p', '--property', '-E', '--setenv', '-M', '--machine', '-H', '--host', '--uid', '--gid', '--nice', '--working-directory', '-d', '--on-active', '--on-boot', '--on-startup', '--on-unit-active', '--on-unit-inactive', '--on-calendar', '--on-clock-change', '--on-timezone-change', '--timer-property', '--path-property', '--socket-property', '--description', '--slice', '--service-type', '--expand-environment')),
      'systemd-run',
      { elevated: true },
    ),
};

function deferredScript(c: SimpleCommand, ctx: WalkContext, name: string): 'done' {
  emit(c, ctx);
  const a = c.args;
  if (a.some((w) => /^-[lrdc]$/.test(w.value))) return 'done'; // list / remove / cat jobs
  const f = a.findIndex((w) => w.value === '-f');
  if (f >= 0 && a[f + 1]) {
    if (!followScript(c, ctx, a[f + 1], `${name} -f ${a[f + 1].raw}`, 'shell')) ctx.out.unanalysable.push({ reason: `${name} runs ${a[f + 1].raw} later, and TwoKey does not read files here`, text: c.raw.slice(0, 200) });
    return 'done';
  }
  if (c.stdin?.kind === 'file' && c.stdin.source) {
    followScript(c, ctx, { value: c.stdin.source, raw: c.stdin.source }, `${name} < ${c.stdin.source}`, 'shell');
    return 'done';
  }
  if (c.stdin) stdinScript(c, ctx, name, name);
  else ctx.out.unanalysable.push({ reason: `${name} runs commands typed later on its input, which cannot be checked now`, text: c.raw.slice(0, 200) });
  return 'done';
}

/** The commands of a crontab: the five time fields (or @reboot, @daily…) and env lines dropped. */
export function cronCommands(table: string): string {
  const out: string[] = [];
  for (const raw of table.split('\n')) {
    const l = raw.trim();
    if (!l || l.startsWith('#') || /^[A-Za-z_]\w*\s*=/.test(l)) {
      out.push('');
      continue;
    }
    const m = /^(?:@\w+|(?:\S+\s+){4}\S+)\s+(.*)$/.exec(l);
    out.push(m ? m[1].split('%')[0] : '');
  }
  return out.join('\n');
}

function crontabFile(c: SimpleCommand, ctx: WalkContext, file: Word): 'done' {
  // The file's cron lines are what will run: followed like a script, with the time fields cut.
  const wrapped: SimpleCommand = { ...c };
  const read = ctx.files;
  if (!read && !ctx.written.size) {
    ctx.out.unanalysable.push({ reason: `crontab installs ${file.raw}, whose commands run later and are not read here`, text: c.raw.slice(0, 200) });
    return 'done';
  }
  const shadow: WalkContext['files'] = read && {
    read: (p) => {
      const r = read.read(p);
      return 'text' in r ? { text: cronCommands(r.text) } : r;
    },
  };
  const savedFiles = ctx.files;
  const abs = posix.isAbsolute(file.value) ? file.value : undefined;
  const w = abs ? ctx.written.get(abs) : undefined;
  if (w?.text !== undefined && abs) ctx.written.set(abs, { ...w, text: cronCommands(w.text) });
  ctx.files = shadow;
  try {
    if (!followScript(wrapped, ctx, file, `crontab ${file.raw}`, 'shell')) {
      ctx.out.unanalysable.push({ reason: `crontab installs ${file.raw}, whose commands run later`, text: c.raw.slice(0, 200) });
    }
  } finally {
    ctx.files = savedFiles;
    if (w && abs) ctx.written.set(abs, w);
  }
  return 'done';
}
