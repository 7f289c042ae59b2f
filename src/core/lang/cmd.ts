/**
 * cmd.exe command lines (`cmd /c …`, `"shell": "cmd"`): split on `&`, `&&`, `||` and `|`
 * outside quotes, `%VAR%` expanded from the known environment (unknown values stay
 * unknown), and the built-ins that delete or move turned into their shell equivalents:
 * `rd /s /q x` → `rm -r -f x`, `del /f /s /q *.log` → `rm -r -f *.log`, `format d:` → `mkfs`.
 * Other programs (git, aws, kubectl, powershell …) pass through.
 */
import { winPath, type TranslatedScript } from './windows';
import { singleQuote } from '../argv';

const UNKNOWN = '"$CODE_VALUE"';

/** Splits a cmd line into commands on unquoted `&`, `&&`, `||`, `|` (`^` escapes). */
function splitCommands(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '^' && !quoted && i + 1 < line.length) {
      cur += line[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '&' || ch === '|')) {
      if (line[i + 1] === ch) i++;
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/** Words of one command; a word is null-marked where %VAR% is unknown. */
function words(cmd: string, env: Record<string, string | undefined>): { text: string; unknown: boolean }[] {
  const out: { text: string; unknown: boolean }[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(cmd))) {
    let unknown = false;
    const raw = m[1] ?? m[2];
    const text = raw.replace(/%([\w()]+)%/g, (_all, name: string) => {
      const upper = name.toUpperCase();
      if (upper === 'USERPROFILE' || upper === 'HOMEPATH') return '~';
      if (upper === 'CD') return '.';
      const v = env[name] ?? env[upper];
      if (v !== undefined) return v;
      unknown = true;
      return '\u0001';
    });
    out.push({ text, unknown });
  }
  return out;
}

function shellWord(w: { text: string; unknown: boolean }, path: boolean): string {
  const t = path ? winPath(w.text) : w.text;
  if (!w.unknown) return singleQuote(t);
  return t
    .split('\u0001')
    .map((p, i) => (i > 0 ? UNKNOWN : '') + (p ? singleQuote(p) : ''))
    .join('');
}

/** Reads PowerShell code run from a cmd line (`powershell -Command …`). */
export type PowerShellReader = (code: string, depth: number) => TranslatedScript;

/** A cmd.exe line in the shell engine's terms; `powershell` reads the PowerShell it runs (see powershell.ts analyseCmd). */
export function translateCmd(line: string, env: Record<string, string | undefined>, depth: number, powershell: PowerShellReader): TranslatedScript {
  const out: TranslatedScript = { lines: [], findings: [] };
  for (const c of splitCommands(line)) {
    const w = words(c.replace(/^@/, ''), env);
    if (!w.length) continue;
    const name = w[0].text.replace(/^.*[\\/]/, '').replace(/\.(?:exe|com|bat|cmd)$/i, '').toLowerCase();
    const args = w.slice(1);
    const switches = new Set(args.filter((a) => /^\/\w+$/.test(a.text)).map((a) => a.text.toLowerCase()));
    const operands = args.filter((a) => !/^\/\w*(?::\S*)?$/.test(a.text));
    if (w[0].unknown) {
      out.unanalysable ??= 'the cmd line runs a program whose name is only known at run time';
      continue;
    }
    switch (name) {
      case 'rd':
      case 'rmdir':
        for (const o of operands) out.lines.push(`rm ${switches.has('/s') ? '-r ' : ''}${switches.has('/q') ? '-f ' : ''}${shellWord(o, true)}`);
        break;
      case 'del':
      case 'erase':
        for (const o of operands) out.lines.push(`rm ${switches.has('/s') ? '-r ' : ''}${switches.has('/f') || switches.has('/q') ? '-f ' : ''}${shellWord(o, true)}`);
        break;
      case 'format':
        out.lines.push(`mkfs ${singleQuote('/dev/' + (operands[0]?.text ?? '?').replace(/:$/, ''))}`);
        break;
      case 'move':
      case 'ren':
      case 'rename':
        if (operands.length >= 2) out.lines.push(`mv ${shellWord(operands[0], true)} ${shellWord(operands[operands.length - 1], true)}`);
        break;
      case 'cmd':
        {
          const i = args.findIndex((a) => /^\/[ck]$/i.test(a.text));
          if (i >= 0 && depth < 3) {
            const rest = c.slice(c.toLowerCase().indexOf(args[i].text.toLowerCase()) + 2).trim().replace(/^"(.*)"$/, '$1');
            const inner = translateCmd(rest, env, depth + 1, powershell);
            out.lines.push(...inner.lines);
            out.findings.push(...inner.findings);
            if (inner.unanalysable) out.unanalysable ??= inner.unanalysable;
          }
        }
        break;
      case 'powershell':
      case 'pwsh': {
        const i = args.findIndex((a) => /^-c(?:ommand)?$/i.test(a.text));
        if (i >= 0 && depth < 3) {
          const rest = args.slice(i + 1);
          if (rest.some((a) => a.unknown)) out.unanalysable ??= 'the cmd line runs PowerShell built at run time';
          else {
            const inner = powershell(rest.map((a) => a.text).join(' '), depth + 1);
            out.lines.push(...inner.lines);
            out.findings.push(...inner.findings);
            if (inner.unanalysable) out.unanalysable ??= inner.unanalysable;
          }
        } else if (args.some((a) => /^-e(?:nc|ncodedcommand)?$/i.test(a.text))) out.unanalysable ??= 'the cmd line runs an encoded PowerShell command';
        break;
      }
      case 'shutdown':
        if (switches.has('/s') || switches.has('/r') || switches.has('/p')) out.findings.push({ id: 'local.shutdown', category: 'filesystem', risk: 'high', reason: `shutdown ${[...switches].join(' ')} ${switches.has('/r') ? 'restarts' : 'shuts down'} the machine` });
        break;
      case 'diskpart':
        out.unanalysable ??= 'diskpart runs a script of disk commands TwoKey does not read';
        break;
      case 'echo':
      case 'cd':
      case 'chdir':
      case 'dir':
      case 'type':
      case 'set':
      case 'rem':
      case 'cls':
      case 'title':
      case 'pushd':
      case 'popd':
      case 'where':
        break;
      default:
        out.lines.push([singleQuote(w[0].text.replace(/\.exe$/i, '')), ...args.map((a) => shellWord(a, false))].join(' '));
    }
  }
  return out;
}
