/**
 * Terminals and sessions that run a command given as text: `script -c`, `tmux new` /
 * `send-keys`, `screen -dm` / `stuff`, `expect -c`, `toybox`, Windows `cmd /c`, `coproc`,
 * and awk's `system()` and pipes.
 */
import { DYN, type SimpleCommand } from '../model';
import { emit, parseNested, type WalkContext } from '../extract';
import { nestedScript, set, shift, skipOptions, type Unwrapper } from '../wrapkit';

export const sessions: Record<string, Unwrapper> = {
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

export const awk: Record<string, Unwrapper> = { awk: awkSystem, gawk: awkSystem, mawk: awkSystem, nawk: awkSystem, busybox_awk: awkSystem };
