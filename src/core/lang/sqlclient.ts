/**
 * What a database client does with its input besides sending SQL: psql backslash
 * commands, sqlite3 dot-commands, mysql client commands. They run shell commands
 * (`\!`, `.shell`, `system`), read more SQL from files (`\i`, `.read`, `source`),
 * write files (`\o file`, `.output file`, `tee`) or pipe results into commands
 * (`\o |cmd`, `\g |cmd`). The SQL between them goes to the SQL parser.
 */
export type SqlClient = 'psql' | 'mysql' | 'sqlite3' | 'other';

export type Meta =
  | { kind: 'shell'; command: string; text: string }
  | { kind: 'include'; file: string; text: string }
  | { kind: 'write'; file: string; text: string }
  | { kind: 'dynamic'; text: string; why: string }
  | { kind: 'restore'; text: string };

export interface ClientInput {
  sql: string;
  metas: Meta[];
}

/** A meta-command argument: quoted ('…', "…") or a bare word. */
function firstArg(s: string): string {
  const t = s.trim();
  const m = /^'((?:[^']|'')*)'|^"((?:[^"]|"")*)"|^(\S+)/.exec(t);
  if (!m) return '';
  return m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2] !== undefined ? m[2] : m[3];
}

/** Output targets `|cmd` run a command; a file name is written. */
function output(arg: string, text: string, metas: Meta[]): void {
  const t = arg.trim();
  if (!t) return;
  if (t.startsWith('|')) metas.push({ kind: 'shell', command: t.slice(1).trim(), text });
  else metas.push({ kind: 'write', file: firstArg(t), text });
}

function psqlMeta(cmd: string, metas: Meta[]): void {
  const m = /^\\([A-Za-z!?.]+[+]?)\s*([\s\S]*)$/.exec(cmd.trim());
  if (!m) return;
  const name = m[1].replace(/\+$/, '');
  const rest = m[2];
  const text = cmd.trim();
  switch (name) {
    case '!':
      if (rest.trim()) metas.push({ kind: 'shell', command: rest.trim(), text });
      return;
    case 'i':
    case 'ir':
    case 'include':
    case 'include_relative':
      metas.push({ kind: 'include', file: firstArg(rest), text });
      return;
    case 'o':
    case 'out':
    case 'w':
    case 'write':
    case 'g':
    case 'gx':
      output(rest, text, metas);
      return;
    case 'gexec':
      metas.push({ kind: 'dynamic', text, why: 'runs the rows a query returns as SQL' });
      return;
    case 'copy': {
      const prog = /\b(?:to|from)\s+program\s+('(?:[^']|'')*'|"[^"]*")/i.exec(rest);
      if (prog) metas.push({ kind: 'shell', command: firstArg(prog[1]), text });
      else {
        const to = /\bto\s+('(?:[^']|'')*'|"[^"]*"|[^\s;]+)/i.exec(rest);
        if (to && !/^stdout$|^pstdout$/i.test(firstArg(to[1]))) metas.push({ kind: 'write', file: firstArg(to[1]), text });
      }
      return;
    }
    default:
      return;
  }
}

/**
 * Splits psql input: a backslash outside quotes, dollar quotes and comments starts a
 * meta-command that runs to the end of the line (or to `\\`).
 */
function splitPsql(text: string): ClientInput {
  const metas: Meta[] = [];
  let sql = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const e = text.indexOf(ch, i + 1);
      const end = e < 0 ? text.length : e + 1;
      sql += text.slice(i, end);
      i = end;
    } else if (ch === '-' && text[i + 1] === '-') {
      const e = text.indexOf('\n', i);
      const end = e < 0 ? text.length : e;
      sql += text.slice(i, end);
      i = end;
    } else if (ch === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      const end = e < 0 ? text.length : e + 2;
      sql += text.slice(i, end);
      i = end;
    } else if (ch === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(text.slice(i))) {
      const tag = /^\$(?:[A-Za-z_]\w*)?\$/.exec(text.slice(i))![0];
      const e = text.indexOf(tag, i + tag.length);
      const end = e < 0 ? text.length : e + tag.length;
      sql += text.slice(i, end);
      i = end;
    } else if (ch === '\\') {
      let e = text.indexOf('\n', i);
      if (e < 0) e = text.length;
      const line = text.slice(i, e);
      const sep = line.indexOf('\\\\', 1);
      const cmd = sep >= 0 ? line.slice(0, sep) : line;
      // `\g`, `\gx`, `\gexec` end the current statement; keep a separator in the SQL.
      sql += ';\n';
      psqlMeta(cmd, metas);
      i = sep >= 0 ? i + sep + 2 : e;
    } else {
      sql += ch;
      i++;
    }
  }
  return { sql, metas };
}

/** sqlite3: dot-commands are lines that start with `.` outside a statement. */
function splitSqlite(text: string): ClientInput {
  const metas: Meta[] = [];
  const sqlLines: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (pending.trim() === '' && t.startsWith('.')) {
      const m = /^\.(\w+)\s*([\s\S]*)$/.exec(t);
      if (m) {
        const name = m[1].toLowerCase();
        const rest = m[2];
        if (name === 'shell' || name === 'system') metas.push({ kind: 'shell', command: rest.trim(), text: t });
        else if (name === 'read') {
          const arg = rest.trim();
          if (arg.startsWith('|')) metas.push({ kind: 'shell', command: arg.slice(1).trim(), text: t });
          else metas.push({ kind: 'include', file: firstArg(arg), text: t });
        } else if (name === 'output' || name === 'once' || name === 'save' || name === 'backup' || name === 'excel') {
          const args = rest.trim().split(/\s+/).filter((a) => !a.startsWith('-'));
          const target = name === 'backup' ? args[args.length - 1] ?? '' : rest.trim().replace(/^(?:-\S+\s+)*/, '');
          if (target) output(target, t, metas);
        } else if (name === 'open' && /(?:^|\s)--new\b/.test(rest)) {
          const f = rest.trim().split(/\s+/).filter((a) => !a.startsWith('-')).pop();
          if (f) metas.push({ kind: 'write', file: firstArg(f), text: t });
        } else if (name === 'restore') metas.push({ kind: 'restore', text: t });
        else if (name === 'load') metas.push({ kind: 'dynamic', text: t, why: 'loads a native extension into the database engine' });
        continue;
      }
    }
    sqlLines.push(line);
    pending = /;\s*(?:--.*)?$/.test(t) ? '' : pending + t;
  }
  return { sql: sqlLines.join('\n'), metas };
}

/** mysql: `source f`, `\. f`, `system cmd`, `\! cmd`, `tee f`, `\T f` at the start of a statement; `\!` etc. anywhere. */
function splitMysql(text: string): ClientInput {
  const metas: Meta[] = [];
  const sqlLines: string[] = [];
  let atStart = true;
  for (const line of text.split('\n')) {
    const t = line.trim();
    const word = /^(source|system|tee|pager)\b\s*([\s\S]*?);?\s*$/i.exec(t);
    const bs = /^\\([.!Tq])\s*([\s\S]*?);?\s*$/.exec(t);
    if (atStart && (word || bs)) {
      const name = word ? word[1].toLowerCase() : bs![1];
      const rest = (word ? word[2] : bs![2]).trim();
      if (name === 'system' || name === '!') metas.push({ kind: 'shell', command: rest, text: t });
      else if (name === 'source' || name === '.') metas.push({ kind: 'include', file: firstArg(rest), text: t });
      else if (name === 'tee' || name === 'T') metas.push({ kind: 'write', file: firstArg(rest), text: t });
      else if (name === 'pager' && rest) metas.push({ kind: 'shell', command: rest, text: t });
      continue;
    }
    sqlLines.push(line);
    if (t) atStart = /;\s*$/.test(t);
  }
  return { sql: sqlLines.join('\n'), metas };
}

export function splitClientInput(text: string, client: SqlClient): ClientInput {
  switch (client) {
    case 'psql':
      return text.includes('\\') ? splitPsql(text) : { sql: text, metas: [] };
    case 'sqlite3':
      return /^\s*\./m.test(text) ? splitSqlite(text) : { sql: text, metas: [] };
    case 'mysql':
      return /\\|^\s*(?:source|system|tee|pager)\b/im.test(text) ? splitMysql(text) : { sql: text, metas: [] };
    default:
      return { sql: text, metas: [] };
  }
}
