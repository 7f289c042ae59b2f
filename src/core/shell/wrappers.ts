/**
 * A registry of small unwrappers, by family: each takes a command and either hands back the
 * command it wraps (the loop in unwrap.ts goes on with it), says `'done'` (it emitted what
 * runs itself), or `undefined` (not a form it wraps: judged as it is). To find how `su -c`
 * or `docker run -v` is followed, look up its name here.
 */
import { posix } from 'node:path';
import { DYN, type SimpleCommand, type Word } from './model';
import { emit, parseNested, type WalkContext } from './extract';
import { followScript } from './follow';
import { shift, skipOptions, stdinScript } from './wrapkit';

export type Unwrapper = (c: SimpleCommand, ctx: WalkContext) => SimpleCommand | 'done' | undefined;

const set = (...xs: string[]) => new Set(xs);

/** Parses a `-c` style script argument nested under `label`; an unknown script is unanalysable. */
function nestedScript(c: SimpleCommand, ctx: WalkContext, script: Word | undefined, label: string, extra?: Partial<SimpleCommand>): 'done' {
  emit(c, ctx);
  if (!script) return 'done';
  if (script.value.includes(DYN) && script.value.split(DYN).join('').trim() === '') {
    ctx.out.unanalysable.push({ reason: `${label} runs ${script.raw}, which is only known when it runs`, text: c.raw.slice(0, 200) });
    return 'done';
  }
  const saved = ctx.elevated;
  if (extra?.elevated) ctx.elevated = true;
  try {
    parseNested(script.value.split(DYN).join('"$UNKNOWN"'), ctx, label);
  } finally {
    ctx.elevated = saved;
  }
  return 'done';
}

// ---------------------------------------------------------------- privilege

const privilege: Record<string, Unwrapper> = {
  // su [-] [-l] [-s SHELL] [USER] [-c CMD]
  su: (c, ctx) => {
    const a = c.args;
    const i = a.findIndex((w) => w.value === '-c' || w.value === '--command' || w.value.startsWith('--command='));
    if (i < 0) return undefined;
    const script = a[i].value.startsWith('--command=') ? { value: a[i].value.slice(10), raw: a[i].raw } : a[i + 1];
    return nestedScript(c, ctx, script, 'su -c', { elevated: true });
  },
  // runuser -u USER -- CMD… | runuser [-l] USER -c CMD
  runuser: (c, ctx) => {
    const a = c.args;
    const ci = a.findIndex((w) => w.value === '-c' || w.value === '--command');
    if (ci >= 0) return nestedScript(c, ctx, a[ci + 1], 'runuser -c', { elevated: true });
    const i = skipOptions(a, 0, set('-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w', '--whitelist-environment'));
    return shift(c, i, 'runuser', { elevated: true });
  },
  setpriv: (c) => shift(c, skipOptions(c.args, 0, set('--reuid', '--regid', '--groups', '--inh-caps', '--ambient-caps', '--bounding-set', '--securebits', '--pdeathsig', '--selinux-label', '--apparmor-profile', '--landlock-access', '--landlock-rule', '--ruid', '--euid', '--rgid', '--egid')), 'setpriv'),
  // chroot [OPTS] DIR [CMD…]: the command runs against the files under DIR.
  chroot: (c) => {
    const i = skipOptions(c.args, 0, set('--userspec', '--groups'));
    return shift(c, i + 1, `chroot ${c.args[i]?.value ?? ''}`.trim(), { elevated: true });
  },
};

// ---------------------------------------------------------------- namespaces and sessions

const sessions: Record<string, Unwrapper> = {
  unshare: (c) => shift(c, skipOptions(c.args, 0, set('-S', '--setuid', '-G', '--setgid', '--propagation', '-R', '--root', '-w', '--wd', '--map-user', '--map-group', '--map-users', '--map-groups')), 'unshare'),
  nsenter: (c) => shift(c, skipOptions(c.args, 0, set('-t', '--target', '-S', '--setuid', '-G', '--setgid', '-r', '-w', '--wd', '--env')), 'nsenter'),
  stdbuf: (c) => shift(c, skipOptions(c.args, 0, set('-i', '-o', '-e')), 'stdbuf'),
  // script [-q] -c CMD [FILE]
  script: (c, ctx) => {
    const a = c.args;
    const i = a.findIndex((w) => w.value === '-c' || w.value === '--command' || /^-[a-zA-Z]*c$/.test(w.value));
    if (i < 0) return undefined;
    return nestedScript(c, ctx, a[i + 1], 'script -c');
  },
  // tmux new-session [-d] [-s N] [CMD] | tmux send-keys [-t T] TEXT… Enter
  tmux: (c, ctx) => {
    const a = c.args;
    const sub = a.findIndex((w) => /^(?:new|new-session|new-window|neww|split-window|splitw|send-keys|send|respawn-pane|respawnp|run-shell|run)$/.test(w.value));
    if (sub < 0) return undefined;
    const s = a[sub].value;
    const rest = a.slice(sub + 1);
    if (s === 'send-keys' || s === 'send') {
      const i = skipOptions(rest, 0, set('-t', '-N'));
      const text = rest.slice(i).map((w) => (w.value === 'Enter' || w.value === 'C-m' ? '\n' : w.value.includes(DYN) ? w.raw : w.value)).join(' ');
      return nestedScript(c, ctx, { value: text, raw: text }, 'tmux send-keys');
    }
    const i = skipOptions(rest, 0, set('-s', '-n', '-t', '-c', '-x', '-y', '-F', '-e', '-l', '-f', '-L'));
    const cmd = rest.slice(i);
    if (cmd.length === 0) return 'done';
    return nestedScript(c, ctx, { value: cmd.map((w) => w.value).join(' '), raw: cmd.map((w) => w.raw).join(' ') }, `tmux ${s}`);
  },
  // screen -dmS NAME CMD… / screen -X stuff TEXT
  screen: (c, ctx) => {
    const a = c.args;
    const stuff = a.findIndex((w) => w.value === 'stuff');
    if (stuff >= 0) return nestedScript(c, ctx, a[stuff + 1], 'screen stuff');
    const valued = set('-S', '-c', '-e', '-h', '-Logfile', '-p', '-s', '-t', '-T', '-X');
    let i = 0;
    while (i < a.length && a[i].value.startsWith('-')) i += valued.has(a[i].value) || /^-[dmDRrAaiOqUwx]*[ScehpstTX]$/.test(a[i].value) ? 2 : 1;
    if (i >= a.length) return undefined;
    emit(c, ctx);
    return shift(c, i, 'screen');
  },
  // expect -c 'spawn rm -rf x; …' : spawn lines run commands; send "…\r" types them.
  expect: (c, ctx) => {
    const a = c.args;
    const ci = a.findIndex((w) => w.value === '-c');
    const tcl = ci >= 0 ? a[ci + 1] : undefined;
    if (!tcl) return undefined;
    emit(c, ctx);
    if (tcl.value.includes(DYN)) ctx.out.unanalysable.push({ reason: 'expect runs a script only known when it runs', text: c.raw.slice(0, 200) });
    const lines: string[] = [];
    for (const m of tcl.value.matchAll(/(?:^|[;\n{])\s*spawn\s+([^;\n}]+)/g)) lines.push(m[1]);
    for (const m of tcl.value.matchAll(/\bsend\s+(?:--\s+)?"((?:\\.|[^"\\])*)"/g)) lines.push(m[1].replace(/\\r|\\n/g, '\n'));
    if (lines.length) parseNested(lines.join('\n'), ctx, 'expect -c');
    return 'done';
  },
  toybox: (c) => shift(c, 0, 'toybox'),
  // coproc CMD… | coproc NAME { …; }: the command runs beside the shell.
  coproc: (c, ctx) => {
    const a = c.args;
    const open = a.findIndex((w, i) => i <= 1 && (w.value === '{' || w.value === '('));
    if (open < 0) return shift(c, 0, 'coproc');
    const body = a.slice(open + 1).map((w) => (w.value.includes(DYN) ? w.raw : w.value)).join(' ');
    return nestedScript(c, ctx, { value: body, raw: body }, 'coproc');
  },
};

// ---------------------------------------------------------------- awk

function awkSystem(c: SimpleCommand, ctx: WalkContext): 'done' {
  emit(c, ctx);
  const prog = c.args.find((w, i) => !w.value.startsWith('-') && !(i > 0 && /^-[fvF]$/.test(c.args[i - 1].value)));
  if (!prog || !/system\s*\(|\|\s*"|\|&/.test(prog.value)) return 'done';
  const lines: string[] = [];
  let unknown = false;
  for (const m of prog.value.matchAll(/system\s*\(\s*("(?:\\.|[^"\\])*"(?:\s*[^)]*)?)\)/g)) {
    const parts = [...m[1].matchAll(/"((?:\\.|[^"\\])*)"/g)].map((x) => x[1].replace(/\\"/g, '"'));
    const rest = m[1].replace(/"(?:\\.|[^"\\])*"/g, '').trim();
    lines.push(parts.join(rest ? '"$AWK_VALUE"' : ''));
  }
  for (const m of prog.value.matchAll(/\|\s*"((?:\\.|[^"\\])*)"/g)) lines.push(m[1]);
  if (/system\s*\(\s*[^"\s)]/.test(prog.value)) unknown = true;
  if (unknown) ctx.out.unanalysable.push({ reason: 'awk runs a command built at run time (system())', text: c.raw.slice(0, 200) });
  if (lines.length) parseNested(lines.join('\n'), ctx, `${c.name} system()`);
  return 'done';
}

const text: Record<string, Unwrapper> = { awk: awkSystem, gawk: awkSystem, mawk: awkSystem, nawk: awkSystem, busybox_awk: awkSystem };

// ---------------------------------------------------------------- deferred work

const deferred: Record<string, Unwrapper> = {
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

// ---------------------------------------------------------------- remote and containers

/** Where each bind mount of `docker run` puts a host folder: container path → host path. */
function mounts(a: Word[], upTo: number, cwd: string | undefined): Map<string, string> {
  const m = new Map<string, string>();
  const host = (p: string) => (p.startsWith('/') || p.includes(DYN) ? p : cwd ? posix.join(cwd, p) : p);
  for (let i = 0; i < upTo; i++) {
    const v = a[i].value;
    let spec: string | undefined;
    if (v === '-v' || v === '--volume') spec = a[i + 1]?.value;
    else if (v.startsWith('--volume=')) spec = v.slice(9);
    else if (v.startsWith('-v') && v.length > 2) spec = v.slice(2);
    if (spec) {
      const parts = spec.split(':');
      if (parts.length >= 2 && (parts[0].startsWith('/') || parts[0].startsWith('.') || parts[0].startsWith('~') || parts[0].includes(DYN))) m.set(parts[1].replace(/\/$/, '') || '/', host(parts[0]));
      continue;
    }
    const mount = v === '--mount' ? a[i + 1]?.value : v.startsWith('--mount=') ? v.slice(8) : undefined;
    if (mount && /type=bind/.test(mount)) {
      const src = /(?:source|src)=([^,]+)/.exec(mount)?.[1];
      const dst = /(?:target|destination|dst)=([^,]+)/.exec(mount)?.[1];
      if (src && dst) m.set(dst.replace(/\/$/, '') || '/', host(src));
    }
  }
  return m;
}

const DOCKER_RUN_VALUE = set(
  '-v', '--volume', '--mount', '-e', '--env', '--env-file', '-w', '--workdir', '-u', '--user', '--name', '-p', '--publish', '--network', '--net', '--entrypoint',
  '-h', '--hostname', '-l', '--label', '--platform', '--pull', '--restart', '-m', '--memory', '--cpus', '--add-host', '--device', '--cap-add', '--cap-drop',
  '--security-opt', '--tmpfs', '--volumes-from', '--ipc', '--pid', '--log-driver', '--log-opt', '--gpus', '--shm-size', '--ulimit', '--dns', '--stop-signal', '-a', '--attach',
);

/** `docker run -v "$PWD":/w alpine rm -rf /w/src`: the inner command's paths under a bind mount are the host's. */
function dockerRun(c: SimpleCommand, ctx: WalkContext, label: string, from: number): SimpleCommand | 'done' {
  const a = c.args;
  emit(c, ctx);
  const img = skipOptions(a, from, DOCKER_RUN_VALUE, false);
  const m = mounts(a, img, c.cwd ?? ctx.cwd);
  if (m.size === 0 || img + 1 >= a.length) return 'done';
  const wi = a.findIndex((w, i) => i < img && (w.value === '-w' || w.value === '--workdir'));
  const workdir = wi >= 0 ? a[wi + 1]?.value : a.find((w, i) => i < img && w.value.startsWith('--workdir='))?.value.slice(10);
  const toHost = (p: string): string | undefined => {
    for (const [dst, src] of m) {
      if (p === dst || p.startsWith(dst + '/')) return src + p.slice(dst.length);
      if (dst.startsWith(p === '/' ? '/' : p + '/')) return src; // deleting a parent deletes the mount
    }
    return undefined;
  };
  const hostCwd = workdir ? toHost(workdir) : undefined;
  let touches = false;
  const args = a.slice(img + 2).map((w) => {
    const h = w.value.startsWith('/') ? toHost(w.value) : undefined;
    if (h !== undefined) {
      touches = true;
      return { value: h, raw: w.raw };
    }
    return w;
  });
  if (!touches && !hostCwd) return 'done';
  const label2 = `${label} (bind mount)`;
  return { ...c, name: a[img + 1].value, args, via: [...c.via, label2], ...(hostCwd ? { cwd: hostCwd } : {}) };
}

const containers: Record<string, Unwrapper> = {
  docker: (c, ctx) => {
    const a = c.args;
    if (a[0]?.value === 'run' || (a[0]?.value === 'container' && a[1]?.value === 'run')) return dockerRun(c, ctx, `${c.name} run`, a[0].value === 'run' ? 1 : 2);
    return undefined;
  },
};
containers.podman = containers.docker;
containers.nerdctl = containers.docker;

const remote: Record<string, Unwrapper> = {
  // heroku run [-a APP] [-s SIZE] CMD… : runs on the app's dyno.
  heroku: (c) => {
    const a = c.args;
    if (a[0]?.value !== 'run' && a[0]?.value !== 'run:detached') return undefined;
    const i = skipOptions(a, 1, set('-a', '--app', '-s', '--size', '-e', '--env', '-r', '--remote', '--type'));
    return shift(c, i, `heroku ${a[0].value}`);
  },
  // fly ssh console -C "CMD"
  fly: (c, ctx) => {
    const a = c.args;
    if (a[0]?.value !== 'ssh' || a[1]?.value !== 'console') return undefined;
    const i = a.findIndex((w) => w.value === '-C' || w.value === '--command');
    if (i < 0) return undefined;
    return nestedScript(c, ctx, a[i + 1], 'fly ssh console');
  },
};
remote.flyctl = remote.fly;

/** Every registered unwrapper by command name (one family per table above). */
export const UNWRAPPERS: Record<string, Unwrapper> = { ...privilege, ...sessions, ...text, ...deferred, ...containers, ...remote };

/** The command names the unwrappers look through (for the gates' word list). */
export const WRAPPER_NAMES: readonly string[] = Object.keys(UNWRAPPERS);
