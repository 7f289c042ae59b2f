/**
 * Records a final simple command with the side effects a shell would have: `cd`, `pushd`,
 * `popd`, `alias`, `set -e`, and the files it writes (with their text when known, so a script
 * written earlier on the line and run later is followed; a command planted for later in
 * `~/.bashrc` or `.git/hooks/*` is judged now).
 */
import { DYN, type SimpleCommand } from './model';
import { resolvePath, type WalkContext } from './context';
import { plantedWhere } from './plant';
import { producedText } from './stdin';

/** Records a final simple command, with the side effects a shell would have (cd, alias). */
export function emit(cmd: SimpleCommand, ctx: WalkContext): void {
  ctx.out.commands.push(cmd);
  recordWrites(cmd, ctx);
  if (cmd.name === 'cd' || cmd.name === 'pushd' || cmd.name === 'popd') ctx.lastCd = { at: ctx.out.commands.length };
  if (cmd.name === 'set' && cmd.args.some((a) => /^-[a-zA-Z]*e/.test(a.value) || a.value === 'errexit')) ctx.errexit = true;
  if (cmd.cwd?.includes(DYN) && ctx.cwdMaybe?.length && !cmd.cwdMaybe) cmd.cwdMaybe = ctx.cwdMaybe;
  if (cmd.name === 'popd') {
    ctx.cwd = DYN;
    ctx.cwdMaybe = undefined;
  } else if (cmd.name === 'cd' || cmd.name === 'pushd') {
    const target = cmd.args.find((a) => !a.value.startsWith('-'));
    const maybe = ctx.cwd?.includes(DYN) ? ctx.cwdMaybe : undefined;
    ctx.cwdMaybe = undefined;
    if (!target) ctx.cwd = ctx.home ?? '~';
    else if (target.value.includes(DYN)) ctx.cwd = DYN;
    else {
      ctx.cwd = resolvePath(target.value, ctx.cwd, ctx.home);
      // A relative cd from a folder that is one of several: one of several again.
      if (ctx.cwd.includes(DYN) && maybe?.length) ctx.cwdMaybe = maybe.map((m) => resolvePath(target.value, m, ctx.home));
    }
  } else if (cmd.name === 'alias') {
    for (const a of cmd.args) {
      const eq = a.value.indexOf('=');
      if (eq > 0) ctx.aliases.set(a.value.slice(0, eq), a.value.slice(eq + 1));
    }
  }
}

export const WRITE_OPS = /^(?:>|>\||>>|&>|&>>|1>|1>>)$/;

/** Remembers files this command writes, with their text when the engine can tell (for `… > x.sh; bash x.sh`). */
function recordWrites(cmd: SimpleCommand, ctx: WalkContext): void {
  const set = (path: string, text: string | undefined, append: boolean) => {
    const abs = resolvePath(path, cmd.cwd ?? ctx.cwd, ctx.home);
    if (abs.includes(DYN) || !abs.startsWith('/')) return;
    let full = text;
    if (append && text !== undefined) {
      const prev = ctx.written.get(abs);
      if (prev) full = prev.text === undefined ? undefined : prev.text + text;
      else if (ctx.files) {
        const r = ctx.files.read(abs);
        full = 'text' in r ? r.text + text : r.problem === 'missing' ? text : undefined;
      }
    }
    ctx.written.set(abs, { text: full, by: cmd.name });
    // A command planted for later (`>> ~/.bashrc`, `.git/hooks/pre-commit`) is judged now too.
    const where = text !== undefined ? plantedWhere(abs, ctx.home) : undefined;
    if (where && text && !ctx.following.has(`plant:${abs}`)) {
      ctx.following.add(`plant:${abs}`);
      // It runs later, in another shell: what it defines must not leak into this line.
      const saved = { vars: ctx.vars, aliases: ctx.aliases, cwd: ctx.cwd, cwdMaybe: ctx.cwdMaybe };
      ctx.vars = new Map(ctx.vars);
      ctx.aliases = new Map(ctx.aliases);
      try {
        ctx.hooks.parseNested(abs.endsWith('.json') ? '' : text, ctx, `planted in ${abs.startsWith((ctx.home ?? '\u0000') + '/') ? '~' + abs.slice(ctx.home!.length) : abs}`);
      } finally {
        ctx.following.delete(`plant:${abs}`);
        Object.assign(ctx, saved);
      }
    }
  };
  const produced = producedText(cmd);
  for (const r of cmd.redirects) {
    if (WRITE_OPS.test(r.op)) set(r.target.value, produced, r.op.includes('>>'));
  }
  const vals = cmd.args.map((a) => a.value);
  const positional = vals.filter((v) => !v.startsWith('-'));
  switch (cmd.name) {
    case 'tee': {
      const text = cmd.stdin?.kind === 'literal' ? cmd.stdin.text : undefined;
      const append = vals.some((v) => v === '-a' || v === '--append');
      for (const p of positional) set(p, text, append);
      break;
    }
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
      if (positional.length >= 2) set(positional[positional.length - 1], undefined, false);
      break;
    case 'curl':
    case 'wget': {
      const i = vals.findIndex((v) => v === '-o' || v === '--output' || v === '-O' || v === '--output-document');
      if (i >= 0 && vals[i + 1] && !(cmd.name === 'curl' && vals[i] === '-O')) set(vals[i + 1], undefined, false);
      break;
    }
  }
}

