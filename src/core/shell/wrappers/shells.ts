/**
 * Shells: `sh|bash|zsh|dash|… -c SCRIPT`, `bash FILE` (followed, with $1…$9 bound),
 * `bash -s` / `bash` reading a script on stdin, `busybox APPLET`.
 */
import { DYN, type SimpleCommand, type Word } from '../model';
import { emit, parseNested, type WalkContext } from '../extract';
import { followScript } from '../follow/scripts';
import { stdinScript, withPositional } from '../wrapkit';

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'fish', 'busybox', 'rbash', 'yash', 'csh', 'tcsh']);

export function unwrapShell(c: SimpleCommand, ctx: WalkContext, name: string): void {
  const args = c.args;
  let i = 0;
  let script: Word | undefined;
  let hasC = false;
  let stdinMode = false;
  if (name === 'busybox') {
    if (args[0] && SHELLS.has(args[0].value)) {
      unwrapShell({ ...c, name: args[0].value, args: args.slice(1) }, ctx, args[0].value);
    } else if (args[0]) {
      ctx.hooks.unwrap({ ...c, name: args[0].value, args: args.slice(1), via: [...c.via, 'busybox'] }, ctx);
    }
    return;
  }
  while (i < args.length) {
    const v = args[i].value;
    if (v === '--' || v === '-') {
      i++;
      if (v === '-') stdinMode = true;
      break;
    }
    if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(v) || v === '--command') {
      hasC = true;
      i++;
      continue;
    }
    if (v === '-o' || v === '+o' || v === '--rcfile' || v === '--init-file' || v === '-O' || v === '+O') {
      i += 2;
      continue;
    }
    if (/^[-+]/.test(v)) {
      if (/^-[a-zA-Z]*s/.test(v)) stdinMode = true;
      i++;
      continue;
    }
    break;
  }
  if (hasC) {
    script = args[i];
    emit(c, ctx);
    if (!script) return;
    if (script.value.includes(DYN) && script.value.replace(new RegExp(DYN, 'g'), '').trim() === '') {
      ctx.out.unanalysable.push({ reason: `${name} -c runs ${script.raw}, which is only known when it runs`, text: c.raw });
      return;
    }
    const text = script.value.split(DYN).join('"$UNKNOWN"');
    parseNested(text, ctx, `${name} -c`);
    return;
  }
  emit(c, ctx);
  const file = args[i];
  if (file && !stdinMode) {
    if (file.value.includes(DYN) && /^[<>]\(/.test(file.raw)) {
      ctx.out.unanalysable.push({ reason: `${name} runs the output of ${file.raw.slice(0, 80)}, which is only known when it runs`, text: c.raw });
    } else if (/^\/dev\/(stdin|fd\/0)$/.test(file.value)) {
      stdinScript(c, ctx, name, name);
    } else {
      withPositional(ctx, args.slice(i + 1), () => followScript({ ...c, args: args.slice(i + 1) }, ctx, file, `${name} ${file.raw}`, 'shell'));
    }
    return;
  }
  stdinScript(c, ctx, `${name} (stdin)`, name);
}
