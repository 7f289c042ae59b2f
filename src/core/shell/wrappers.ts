/**
 * A registry of small unwrappers, by family (privilege, process wrappers, fan-out, shell
 * built-ins, package tools, sessions, awk, deferred work, containers, remote runners): each
 * takes a command and either hands back the
 * command it wraps (the loop in unwrap.ts goes on with it), says `'done'` (it emitted what
 * runs itself), or `undefined` (not a form it wraps: judged as it is). To find how `su -c`
 * or `docker run -v` is followed, look up its name here.
 */
import { posix } from 'node:path';
import { DYN, type SimpleCommand, type Word } from './model';
import { emit, parseNested, type WalkContext } from './extract';
import { followComposer, followJust, followMake, followScript, followTaskfile } from './follow';
import { basename, shift, skipOptions, stdinScript, VALUE_OPTS, wordsToScript } from './wrapkit';

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

const privilegeMore: Record<string, Unwrapper> = {
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
  // cmd /c "rd /s /q x" (Windows, through agent hooks): the rest of the line is what runs.
  cmd: (c, ctx) => {
    const i = c.args.findIndex((w) => /^\/[cCkK]$/.test(w.value));
    if (i < 0) return undefined;
    const rest = c.args.slice(i + 1).map((w) => (w.value.includes(DYN) ? w.raw : w.value)).join(' ');
    return nestedScript(c, ctx, { value: rest.replace(/\\/g, '/'), raw: rest }, 'cmd /c');
  },
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

const containerRun: Record<string, Unwrapper> = {
  docker: (c, ctx) => {
    const a = c.args;
    if (a[0]?.value === 'run' || (a[0]?.value === 'container' && a[1]?.value === 'run')) return dockerRun(c, ctx, `${c.name} run`, a[0].value === 'run' ? 1 : 2);
    return undefined;
  },
};
containerRun.podman = containerRun.docker;
containerRun.nerdctl = containerRun.docker;

const remoteRun: Record<string, Unwrapper> = {
  // heroku run [-a APP] [-s SIZE] CMD… : runs on the app's dyno.
  heroku: (c, ctx) => {
    const a = c.args;
    if (a[0]?.value !== 'run' && a[0]?.value !== 'run:detached') return undefined;
    const i = skipOptions(a, 1, set('-a', '--app', '-s', '--size', '-e', '--env', '-r', '--remote', '--type'));
    // The outer command too: its app is the target (like ssh's host, kubectl exec's context).
    emit(c, ctx);
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
remoteRun.flyctl = remoteRun.fly;

// ---------------------------------------------------------------- privilege, process wrappers, fan-out, shell built-ins, package tools, remote and containers

const privilege: Record<string, Unwrapper> = {};
privilege['sudo'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  if (args.some((a) => a.value === '-e' || a.value === '--edit')) return undefined;
  const i = skipOptions(args, 0, VALUE_OPTS[name]);
  const next = shift(c, i, name, { elevated: true });
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
privilege['doas'] = privilege['sudo'];

const processes: Record<string, Unwrapper> = {};
processes['nohup'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  if (name === 'command' && args.some((a) => /^-[a-zA-Z]*[vV]/.test(a.value))) {
    emit(c, ctx);
    return 'done';
  }
  const opts = VALUE_OPTS[name] ?? new Set<string>();
  let i = skipOptions(args, 0, opts);
  if (name === 'nice' && i < args.length && /^-?\d+$/.test(args[i].value)) i++;
  // `exec -c`: the command starts with an empty environment.
  const wipes = name === 'exec' && args.slice(0, i).some((a) => /^-[a-z]*c/.test(a.value));
  const next = shift(c, i, name, wipes ? { cleared: ['*'] } : undefined);
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
processes['nice'] = processes['nohup'];
processes['ionice'] = processes['nohup'];
processes['time'] = processes['nohup'];
processes['builtin'] = processes['nohup'];
processes['exec'] = processes['nohup'];
processes['chronic'] = processes['nohup'];
processes['setsid'] = processes['nohup'];
processes['unbuffer'] = processes['nohup'];
processes['caffeinate'] = processes['nohup'];
processes['command'] = processes['nohup'];
// `trap 'CODE' SIGNAL…`: CODE runs later, when the signal comes (or the shell exits).
processes['trap'] = (c, ctx) => {
  const args = c.args;
  emit(c, ctx);
  const code = args[0] && args[0].value !== '-' && !args[0].value.startsWith('-') && args.length > 1 ? args[0] : undefined;
  if (code && code.value.trim()) parseNested(code.value.split(DYN).join('"$UNKNOWN"'), ctx, 'trap');
  return 'done';
};
processes['timeout'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.timeout);
  const next = shift(c, i + 1, 'timeout');
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
processes['flock'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.flock);
  const j = i + 1;
  if (args[j] && (args[j].value === '-c' || args[j].value === '--command') && args[j + 1]) {
    parseNested(args[j + 1].value, ctx, 'flock -c');
    return 'done';
  }
  const next = shift(c, j, 'flock');
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};
processes['env'] = (c, ctx) => {
  const args = c.args;
  let i = 0;
  const assignments = { ...c.assignments };
  const cleared = [...(c.cleared ?? [])];
  while (i < args.length) {
    const v = args[i].value;
    if (v === '--') {
      i++;
      break;
    }
    if (v === '-u' || v === '--unset') cleared.push(args[i + 1]?.value ?? '');
    else if (v.startsWith('--unset=')) cleared.push(v.slice(8));
    else if (v === '-i' || v === '-' || v === '--ignore-environment') cleared.push('*');
    if (v === '-u' || v === '--unset' || v === '-C' || v === '--chdir') {
      i += 2;
      continue;
    }
    if (v === '-S' || v === '--split-string' || v.startsWith('--split-string=')) {
      const s = v.includes('=') ? v.slice(v.indexOf('=') + 1) : args[i + 1]?.value ?? '';
      const rest = wordsToScript(args.slice(v.includes('=') ? i + 1 : i + 2), true);
      parseNested(s + ' ' + rest, ctx, 'env -S', c.stdin);
      return 'done';
    }
    if (v.startsWith('-')) {
      i++;
      continue;
    }
    const eq = v.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(v.slice(0, eq))) {
      assignments[v.slice(0, eq)] = v.slice(eq + 1);
      i++;
      continue;
    }
    break;
  }
  const next = shift(c, i, 'env', { assignments, ...(cleared.length ? { cleared } : {}) });
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};

const fanout: Record<string, Unwrapper> = {};
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

const shellBuiltins: Record<string, Unwrapper> = {};
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

const packages: Record<string, Unwrapper> = {};
packages['make'] = (c, ctx) => {
  emit(c, ctx);
  followMake(c, ctx);
  return 'done';
};
packages['gmake'] = packages['make'];
packages['just'] = (c, ctx) => {
  emit(c, ctx);
  followJust(c, ctx);
  return 'done';
};
packages['task'] = (c, ctx) => {
  emit(c, ctx);
  followTaskfile(c, ctx);
  return 'done';
};
packages['go-task'] = packages['task'];
packages['composer'] = (c, ctx) => {
  emit(c, ctx);
  followComposer(c, ctx);
  return 'done';
};
packages['shx'] = (c, ctx) => {
  const args = c.args;
  const next = shift(c, skipOptions(args, 0, new Set()), 'shx');
  if (!next) {
    emit(c, ctx);
    return 'done';
  }
  return next;
};

const remote: Record<string, Unwrapper> = {};
remote['ssh'] = (c, ctx) => {
  const args = c.args;
  const i = skipOptions(args, 0, VALUE_OPTS.ssh, false);
  const host = args[i];
  const rest = args.slice(i + 1);
  emit(c, ctx);
  if (host && rest.length > 0) parseNested(rest.map((w) => (w.value.includes(DYN) ? w.raw : w.value)).join(' '), ctx, `ssh ${host.value}`);
  else if (host && c.stdin) stdinScript(c, ctx, `ssh ${host.value}`, `ssh ${host.value}`);
  return 'done';
};
remote['kubectl'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  if (args[0]?.value === 'exec' || args[0]?.value === 'debug' || args[0]?.value === 'run') {
    const dd = args.findIndex((a) => a.value === '--');
    emit(c, ctx);
    if (dd >= 0 && dd + 1 < args.length) {
      return { ...c, name: args[dd + 1].value, args: args.slice(dd + 2), via: [...c.via, `${name} exec`] };
    }
    return 'done';
  }
  return undefined;
};
remote['oc'] = remote['kubectl'];

const containers: Record<string, Unwrapper> = {};
containers['docker'] = (c, ctx) => {
  const args = c.args;
  const name = c.name;
  let k = 0;
  if (args[0]?.value === 'compose') k = 1;
  if (args[k]?.value === 'exec' || (k === 1 && args[k]?.value === 'run')) {
    const i = skipOptions(args, k + 1, VALUE_OPTS.docker_exec, false);
    const next = shift(c, i + 1, `${name} exec`);
    emit(c, ctx);
    if (!next) return 'done';
    return next;
  }
  return undefined;
};
containers['podman'] = containers['docker'];
containers['nerdctl'] = containers['docker'];
containers['docker-compose'] = (c, ctx) => {
  const args = c.args;
  if (args[0]?.value === 'exec' || args[0]?.value === 'run') {
    const i = skipOptions(args, 1, VALUE_OPTS.docker_exec, false);
    const next = shift(c, i + 1, 'docker-compose exec');
    emit(c, ctx);
    if (!next) return 'done';
    return next;
  }
  return undefined;
};

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


/** Every registered unwrapper by command name (one family per table above). */
export const UNWRAPPERS: Record<string, Unwrapper> = {
  ...privilege,
  ...privilegeMore,
  ...processes,
  ...fanout,
  ...shellBuiltins,
  ...packages,
  ...sessions,
  ...text,
  ...deferred,
  ...chain(containers, containerRun),
  ...chain(remote, remoteRun),
};

/** Two unwrappers for one name: the first that knows the form wins. */
function chain(a: Record<string, Unwrapper>, b: Record<string, Unwrapper>): Record<string, Unwrapper> {
  const out: Record<string, Unwrapper> = { ...a };
  for (const [k, f] of Object.entries(b)) {
    const g = a[k];
    out[k] = g ? (c, ctx) => f(c, ctx) ?? g(c, ctx) : f;
  }
  return out;
}

/** The command names the unwrappers look through (for the gates' word list). */
export const WRAPPER_NAMES: readonly string[] = Object.keys(UNWRAPPERS);
