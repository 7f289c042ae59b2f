/**
 * Standard input modelling: what a pipeline stage hands the next one (a literal, a file, a
 * download, a decoded payload), and what a command plainly prints (echo, printf, cat of a
 * heredoc), for `… | sh` and for files written earlier on the line.
 */
import { DYN, type SimpleCommand, type Stdin } from './model';
import { unescapeC } from './words';

/** printf FORMAT ARGS…: %s/%b/%d take the next argument; the format repeats while arguments remain. */
function printfText(vals: string[]): string {
  const [fmt, ...rest] = vals;
  if (fmt === undefined) return '';
  let out = '';
  let k = 0;
  for (let round = 0; round < 64; round++) {
    out += unescapeC(fmt.replace(/%%|%[-+ #0]*\d*(?:\.\d+)?[sbdiqcxXoufeEgG]/g, (m) => (m === '%%' ? '%' : (rest[k++] ?? ''))));
    if (k >= rest.length || !/%[^%]/.test(fmt)) break;
  }
  return out;
}

/** What a command prints, when it is plainly known (echo, printf, cat of a heredoc). */
export function producedText(cmd: SimpleCommand): string | undefined {
  const vals = cmd.args.map((a) => a.value);
  if (vals.some((v) => v.includes(DYN))) return undefined;
  switch (cmd.name) {
    case 'echo': {
      let i = 0;
      let nl = true;
      let esc = false;
      while (i < vals.length && /^-[neE]+$/.test(vals[i])) {
        if (vals[i].includes('n')) nl = false;
        if (vals[i].includes('e')) esc = true;
        i++;
      }
      const t = vals.slice(i).join(' ');
      return (esc ? unescapeC(t) : t) + (nl ? '\n' : '');
    }
    case 'printf':
      return vals.length ? printfText(vals[0] === '--' ? vals.slice(1) : vals) : undefined;
    case 'cat':
      return vals.length === 0 && cmd.stdin?.kind === 'literal' ? cmd.stdin.text : undefined;
  }
  return undefined;
}

/** What the next pipeline stage reads, judged from the commands the previous stage produced. */
export function describeProducer(cmds: SimpleCommand[], depth: number): Stdin {
  const top = cmds.filter((c) => c.depth === depth);
  const c = top[top.length - 1] ?? cmds[cmds.length - 1];
  if (!c) return { kind: 'unknown' };
  const vals = c.args.map((a) => a.value);
  switch (c.name) {
    case 'echo': {
      const words = vals.filter((v, i) => !(i === 0 && /^-[neE]+$/.test(v)));
      const text = words.join(' ');
      return { kind: 'literal', text: vals[0]?.includes('e') && vals[0].startsWith('-') ? unescapeC(text) : text };
    }
    case 'printf':
      return { kind: 'literal', text: unescapeC(vals.join(' ')) };
    case 'cat': {
      const files = vals.filter((v) => !v.startsWith('-'));
      if (files.length === 0 && c.stdin) return c.stdin;
      if (files.length === 1) return { kind: 'file', source: files[0] };
      return { kind: 'unknown', source: 'cat' };
    }
    case 'curl':
    case 'wget':
    case 'http':
    case 'https':
    case 'xh':
    case 'fetch':
    case 'aria2c':
    case 'iwr':
    case 'irm': {
      const url = vals.find((v) => /^(https?|ftp):\/\//i.test(v) || /^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(v));
      return { kind: 'remote', source: url ?? c.name };
    }
    case 'base64':
    case 'base32':
    case 'basenc':
      return vals.some((v) => /^-(d|-decode|D)$/.test(v) || /^-[a-zA-Z]*d/.test(v)) ? { kind: 'decoded', source: c.name } : { kind: 'unknown', source: c.name };
    case 'xxd':
    case 'openssl':
    case 'gunzip':
    case 'zcat':
    case 'gzip':
    case 'bzip2':
    case 'xz':
    case 'uudecode':
    case 'rev':
    case 'tr':
      return { kind: 'decoded', source: c.name };
    default:
      return { kind: 'unknown', source: c.name };
  }
}

