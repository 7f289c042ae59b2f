/**
 * Reading a credential file as entries (a key path and its raw value) plus a renderer
 * that writes the same structure with each value replaced. One reader per format:
 * dotenv, ini (AWS, gcloud, npmrc, pypirc), netrc, JSON, YAML (kubeconfig), PEM keys,
 * HCL-ish tfvars, and a line reader for the rest. Pure.
 */
import * as path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { parseAllDocuments, stringify as stringifyYaml } from 'yaml';
import { maskSecrets } from '../redact';
import { describeKeyMaterial, maskFreeText } from './mask';

export type CredentialFormat = 'dotenv' | 'ini' | 'netrc' | 'json' | 'yaml' | 'pem' | 'tfvars' | 'sshconfig' | 'binary' | 'text';

export interface Entry {
  /** Key path: `DATABASE_URL`, `[profile prod].region`, `clusters[prod].cluster.server`. */
  key: string;
  value: string;
}

export interface ParsedFile {
  format: CredentialFormat;
  entries: Entry[];
  /** Sections, profiles, contexts: structure that is always visible. */
  render(show: (e: Entry, index: number) => string): string;
}

/** Which reader a path takes (by name, then by content). */
export function formatOf(file: string, text?: string): CredentialFormat {
  const base = path.basename(file).toLowerCase();
  const dir = path.basename(path.dirname(file)).toLowerCase();
  if (base === '.env' || base.startsWith('.env.') || base.endsWith('.env')) return 'dotenv';
  if (base === '.netrc' || base === '_netrc') return 'netrc';
  if (base.endsWith('.json')) return 'json';
  if (base.endsWith('.yaml') || base.endsWith('.yml') || base.includes('kubeconfig') || (dir === '.kube' && base === 'config')) return 'yaml';
  if (base.endsWith('.pem') || base.endsWith('.key') || base.endsWith('.crt') || /^id_[a-z0-9]+$/.test(base) || (text && /^-----BEGIN [A-Z0-9 ]+-----/m.test(text) && !/^\s*[\w.-]+\s*[=:]/m.test(text))) return 'pem';
  if (base.endsWith('.tfvars') || base.endsWith('.tfvars.json')) return base.endsWith('.json') ? 'json' : 'tfvars';
  if (dir === '.ssh' && base === 'config') return 'sshconfig';
  if (base === 'credentials' || base === 'config' || base.startsWith('config_') || base === '.npmrc' || base === '.pypirc' || base.endsWith('.ini') || base.endsWith('.cfg')) return 'ini';
  if (text !== undefined && text.trimStart().startsWith('{')) return 'json';
  return 'text';
}

/** A file's text, or undefined when it is not text (a PKCS#12 bundle, a DER key). */
export function decodeText(content: string | Uint8Array | undefined): string | undefined {
  if (content === undefined) return undefined;
  if (typeof content === 'string') return content;
  const buf = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  if (buf.includes(0)) return undefined;
  const text = buf.toString('utf8');
  return text.includes('\uFFFD') ? undefined : text;
}

export function parseCredentialFile(file: string, content: string | Uint8Array): ParsedFile {
  const text = decodeText(content);
  if (text === undefined) return binaryFile(content as Uint8Array);
  const format = formatOf(file, text);
  switch (format) {
    case 'dotenv':
      return lineFile('dotenv', text, dotenvLine);
    case 'ini':
      return iniFile(text);
    case 'tfvars':
      return lineFile('tfvars', text, tfvarsLine);
    case 'netrc':
      return netrcFile(text);
    case 'json':
      return treeFile('json', text) ?? lineFile('text', text, genericLine);
    case 'yaml':
      return treeFile('yaml', text) ?? lineFile('text', text, genericLine);
    case 'pem':
      return pemFile(text);
    case 'sshconfig':
      return lineFile('sshconfig', text, sshLine);
    default:
      return lineFile('text', text, genericLine);
  }
}

// ---------------------------------------------------------------------------------------
// Line formats: each line is a comment/structure (shown, free text masked) or an entry.

type LinePart = { prefix: string; key: string; value: string; suffix: string; lines?: number };
type LineReader = (line: string, rest: string[], section: { name: string }) => LinePart | string;

function splitLines(text: string): { lines: string[]; eols: string[] } {
  const lines: string[] = [];
  const eols: string[] = [];
  const re = /\r\n|\n|\r/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push(text.slice(last, m.index));
    eols.push(m[0]);
    last = m.index + m[0].length;
  }
  lines.push(text.slice(last));
  eols.push('');
  return { lines, eols };
}

function lineFile(format: CredentialFormat, text: string, read: LineReader): ParsedFile {
  const { lines, eols } = splitLines(text);
  const parts: Array<{ literal: string } | { entry: number; part: LinePart }> = [];
  const entries: Entry[] = [];
  const section = { name: '' };
  for (let i = 0; i < lines.length; i++) {
    const r = read(lines[i], lines.slice(i + 1), section);
    if (typeof r === 'string') {
      parts.push({ literal: r + eols[i] });
      continue;
    }
    const used = r.lines ?? 1;
    const key = section.name ? `[${section.name}].${r.key}` : r.key;
    entries.push({ key, value: r.value });
    parts.push({ entry: entries.length - 1, part: { ...r, suffix: r.suffix + eols[i + used - 1] } });
    i += used - 1;
  }
  return {
    format,
    entries,
    render: (show) =>
      parts.map((p) => ('literal' in p ? p.literal : p.part.prefix + show(entries[p.entry], p.entry) + p.part.suffix)).join(''),
  };
}

function comment(line: string): string {
  return maskFreeText(maskSecrets(line));
}

/** `export KEY="value" # comment`, including double-quoted values over several lines. */
function dotenvLine(line: string, rest: string[]): LinePart | string {
  const m = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=\s*)(.*)$/.exec(line);
  if (!m) return comment(line);
  const [, lead, key, eq, raw] = m;
  const q = raw[0];
  if ((q === '"' || q === "'" || q === '`') && raw.length > 0) {
    const close = raw.indexOf(q, 1);
    if (close > 0) return { prefix: lead + key + eq + q, key, value: raw.slice(1, close), suffix: q + comment(raw.slice(close + 1)) };
    // A quoted value over several lines (a PEM key in a .env).
    const body = [raw.slice(1)];
    for (let j = 0; j < rest.length; j++) {
      const end = rest[j].indexOf(q);
      if (end >= 0) {
        body.push(rest[j].slice(0, end));
        return { prefix: lead + key + eq + q, key, value: body.join('\n'), suffix: q + comment(rest[j].slice(end + 1)), lines: j + 2 };
      }
      body.push(rest[j]);
    }
    return { prefix: lead + key + eq + q, key, value: body.join('\n'), suffix: '', lines: rest.length + 1 };
  }
  const hash = raw.search(/\s+#/);
  const value = hash >= 0 ? raw.slice(0, hash) : raw;
  return { prefix: lead + key + eq, key, value: value.trim(), suffix: (value.match(/\s*$/)?.[0] ?? '') + (hash >= 0 ? comment(raw.slice(hash)) : '') };
}

/** `[section]` and `key = value` (AWS, gcloud, npmrc with `//registry/:_authToken=…`, pypirc). */
function iniFile(text: string): ParsedFile {
  return lineFile('ini', text, (line, _rest, section) => {
    const s = /^\s*\[([^\]]*)\]\s*$/.exec(line);
    if (s) {
      section.name = s[1].trim();
      return maskFreeText(line);
    }
    const m = /^(\s*)([^=;#\s][^=]*?)(\s*=\s*)(.*?)(\s*)$/.exec(line);
    if (!m) return comment(line);
    const [, lead, key, eq, value, trail] = m;
    return { prefix: lead + key + eq, key: key.trim(), value, suffix: trail };
  });
}

function tfvarsLine(line: string): LinePart | string {
  const m = /^(\s*)([A-Za-z_][\w-]*)(\s*=\s*)(".*"|[^{[\s#].*?)(\s*(?:#.*|\/\/.*)?)$/.exec(line);
  if (!m) return comment(line);
  const [, lead, key, eq, raw, trail] = m;
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) return { prefix: lead + key + eq + '"', key, value: raw.slice(1, -1), suffix: '"' + comment(trail) };
  return { prefix: lead + key + eq, key, value: raw, suffix: comment(trail) };
}

function sshLine(line: string, _rest: string[], section: { name: string }): LinePart | string {
  const m = /^(\s*)(\S+)(\s+|\s*=\s*)(.*?)(\s*)$/.exec(line);
  if (!m || m[2].startsWith('#')) return comment(line);
  if (/^(?:host|match)$/i.test(m[2])) {
    section.name = '';
    const r = { prefix: m[1] + m[2] + m[3], key: m[2], value: m[4], suffix: m[5] };
    section.name = `${m[2]} ${m[4]}`;
    return r;
  }
  return { prefix: m[1] + m[2] + m[3], key: m[2], value: m[4], suffix: m[5] };
}

function genericLine(line: string): LinePart | string {
  const m = /^(\s*"?)([A-Za-z_][\w.-]*)("?\s*[=:]\s*)(.*?)(\s*)$/.exec(line);
  if (!m || !m[4]) return comment(line);
  return { prefix: m[1] + m[2] + m[3], key: m[2], value: m[4], suffix: m[5] };
}

/** `machine host login user password secret` (tokens may span lines). */
function netrcFile(text: string): ParsedFile {
  const entries: Entry[] = [];
  const tokens = text.split(/(\s+)/);
  let machine = '';
  const pieces: Array<string | number> = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    pieces.push(t);
    if (/^\s*$/.test(t)) continue;
    const lower = t.toLowerCase();
    if (['machine', 'login', 'password', 'account', 'port'].includes(lower) || lower === 'default') {
      if (lower === 'default') {
        machine = 'default';
        continue;
      }
      // next non-space token is the value
      let j = i + 1;
      while (j < tokens.length && /^\s*$/.test(tokens[j])) pieces.push(tokens[j++]);
      if (j >= tokens.length) break;
      if (lower === 'machine') machine = tokens[j];
      const key = lower === 'machine' ? 'machine' : `[${machine}].${lower}`;
      entries.push({ key, value: tokens[j] });
      pieces.push(entries.length - 1);
      i = j;
    } else if (lower === 'macdef') {
      // A macro runs until an empty line: shown as text.
      continue;
    }
  }
  return {
    format: 'netrc',
    entries,
    render: (show) => pieces.map((p) => (typeof p === 'number' ? show(entries[p], p) : p)).join(''),
  };
}

function pemFile(text: string): ParsedFile {
  const entries: Entry[] = [];
  const out: Array<string | number> = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?(?:-----END \1-----|$)/g;
  let last = 0;
  let n = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push(maskFreeText(text.slice(last, m.index)));
    entries.push({ key: `${m[1]} #${++n}`, value: m[0] });
    out.push(entries.length - 1);
    last = m.index + m[0].length;
  }
  const tail = text.slice(last);
  if (entries.length === 0 && tail.trim()) {
    // A key file without PEM armour (an OpenSSH public key, a raw token): all of it is the value.
    const isPublic = /^(?:ssh-|ecdsa-|sk-ssh)/.test(tail.trim());
    entries.push({ key: isPublic ? 'public key' : 'content', value: tail });
    return {
      format: 'pem',
      entries,
      render: (show) => show(entries[0], 0) + (tail.endsWith('\n') ? '\n' : ''),
    };
  }
  out.push(maskFreeText(tail));
  return { format: 'pem', entries, render: (show) => out.map((p) => (typeof p === 'number' ? show(entries[p], p) : p)).join('') };
}

function binaryFile(content: Uint8Array): ParsedFile {
  const entries: Entry[] = [{ key: 'content', value: Buffer.from(content).toString('base64') }];
  return { format: 'binary', entries, render: (show) => show(entries[0], 0) + '\n' };
}

/** Renders key material for a PEM/binary entry. */
export function describeWhole(e: Entry, format: CredentialFormat): string {
  if (format === 'binary') return `(binary content, ${Buffer.from(e.value, 'base64').length} bytes, ${describeKeyMaterial('BINARY', e.value).replace(/^.*(sha256:\w+).*$/, '$1')})`;
  const m = /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(e.value);
  if (m) return `-----BEGIN ${m[1]}----- ${describeKeyMaterial(m[1], e.value)} -----END ${m[1]}-----`;
  if (e.key === 'public key') {
    const [type, , ...comment] = e.value.trim().split(/\s+/);
    return `${type} ${describeKeyMaterial('PUBLIC KEY', e.value).replace(/^public key /, '')}${comment.length ? ' ' + maskFreeText(comment.join(' ')) : ''}`;
  }
  return describeKeyMaterial('CONTENT', e.value);
}

// ---------------------------------------------------------------------------------------
// Trees: JSON (service accounts, docker config, railway config, tfvars.json) and YAML
// (kubeconfig). Array items with a `name` are keyed by it: `contexts[prod-eu].context`.

function treeFile(format: 'json' | 'yaml', text: string): ParsedFile | undefined {
  let docs: unknown[];
  if (format === 'json') {
    const errors: ParseError[] = [];
    const v = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
    if (errors.length) return undefined;
    docs = [v];
  } else {
    try {
      const parsed = parseAllDocuments(text);
      if (!Array.isArray(parsed) || parsed.some((d) => d.errors.length)) return undefined;
      docs = parsed.map((d) => d.toJS());
    } catch {
      return undefined;
    }
  }
  const entries: Entry[] = [];
  const walk = (v: unknown, key: string): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        const name = item && typeof item === 'object' && typeof (item as Record<string, unknown>).name === 'string' ? (item as Record<string, unknown>).name : i;
        walk(item, `${key}[${name}]`);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(x, key ? `${key}.${k}` : k);
    } else {
      entries.push({ key: key || '(value)', value: v === null || v === undefined ? 'null' : String(v) });
    }
  };
  docs.forEach((d, i) => walk(d, docs.length > 1 ? `#${i + 1}` : ''));
  return {
    format,
    entries,
    render: (show) => {
      let n = 0;
      const rebuild = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(rebuild);
        if (v && typeof v === 'object') {
          const o: Record<string, unknown> = {};
          for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = rebuild(x);
          return o;
        }
        const i = n++;
        const shown = show(entries[i], i);
        // Numbers and booleans that are shown unchanged keep their type.
        return shown === entries[i].value && typeof v !== 'string' ? v : shown;
      };
      const out = docs.map(rebuild);
      if (format === 'json') return JSON.stringify(out[0], null, 2) + '\n';
      return out.map((d) => stringifyYaml(d)).join('---\n');
    },
  };
}
