/**
 * What an HTTP client is asked to send, read from its arguments: the method (and any method
 * override), the URL, the bodies (inline, from files, from standard input, from a curl
 * config file) and whether a credential is given. curl, wget, httpie / xh and `gh api`.
 */
import { DYN, type SimpleCommand } from '../shell/model';
import type { RuleContext } from './util';

export interface Request {
  method?: string;
  url?: string;
  bodies: string[];
  bearer: boolean;
  unknownBody: boolean;
  /** The method is only known at run time (`-X "$M"`). */
  methodDynamic?: boolean;
  /** `X-HTTP-Method-Override: DELETE` and friends: the server acts on this method. */
  override?: string;
}

const OVERRIDE_HEADER = /^\s*x-(?:http-)?method(?:-override)?\s*:\s*(\S+)/i;

function setMethod(r: Request, v: string | undefined): void {
  if (v === undefined) return;
  if (v.includes(DYN)) {
    r.methodDynamic = true;
    r.method = undefined;
  } else r.method = v.toUpperCase();
}

function header(r: Request, h: string): void {
  if (/^authorization:\s*(?:bearer|token|basic)\s+\S/i.test(h) || /^(?:x-api-key|api-key|private-token|x-auth-token):/i.test(h)) r.bearer = true;
  const m = OVERRIDE_HEADER.exec(h);
  if (m) {
    if (m[1].includes(DYN)) r.methodDynamic = true;
    else r.override = m[1].toUpperCase();
  }
}

/** curl's short options that take a value (the rest of a cluster like `-sX` takes it from the next word). */
const CURL_SHORT_VALUE = new Set('AbcCdDeEFHKmoPQrtTuUwxXYyz'.split(''));
const CURL_LONG_VALUE = /^--(?:output|write-out|user-agent|referer|cookie|cookie-jar|config|max-time|connect-timeout|retry|retry-delay|retry-max-time|cacert|capath|cert|cert-type|key|key-type|proxy|proxy-user|resolve|connect-to|upload-file|range|continue-at|dump-header|interface|limit-rate|max-filesize|oauth2-bearer|user|request|url|header|data|data-ascii|data-binary|data-raw|data-urlencode|json|form|form-string|variable|expand-\w+|local-port|unix-socket|abstract-unix-socket|ciphers|tls-max|aws-sigv4|request-target|proto|proto-redir|netrc-file|trace|trace-ascii|stderr|quote|mail-from|mail-rcpt|telnet-option|happy-eyeballs-timeout-ms|preproxy|noproxy|dns-servers|hostpubmd5|pubkey|krb|socks\w*)$/;

/** Turns a curl config file (`-K`) into arguments: `request = "DELETE"`, `--data @x`, `url https://…`. */
function configArgs(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(-{0,2}[\w-]+)\s*(?:[=:]\s*|\s+)?(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1].startsWith('-') ? m[1] : m[1].length === 1 ? '-' + m[1] : '--' + m[1];
    let value = m[2].trim();
    if (/^".*"$/.test(value)) value = value.slice(1, -1).replace(/\\(["\\])/g, '$1');
    out.push(name);
    if (value) out.push(value);
  }
  return out;
}

export function parseCurl(c: SimpleCommand, ctx: RuleContext): Request {
  const r: Request = { bodies: [], bearer: false, unknownBody: false };
  const readBody = (v: string, raw = false) => {
    if (!raw && v.startsWith('@')) {
      const file = v.slice(1);
      if (file === '-') {
        if (c.stdin?.kind === 'literal' && c.stdin.text) r.bodies.push(c.stdin.text);
        else r.unknownBody = true;
      } else {
        const t = file.includes(DYN) ? undefined : ctx.readFile?.(file);
        if (t !== undefined) r.bodies.push(t);
        else r.unknownBody = true;
      }
    } else {
      if (v.includes(DYN) && v.split(DYN).join('').trim() === '') r.unknownBody = true;
      r.bodies.push(v);
    }
  };
  /** `--data-urlencode query@file` / `name=value`: the value part is the body's content. */
  const urlencoded = (v: string) => {
    const at = /^([\w-]*)@(.*)$/.exec(v);
    if (at) readBody('@' + at[2]);
    else r.bodies.push(v.includes('=') ? v.slice(0, v.indexOf('=')) + '=' + v.slice(v.indexOf('=') + 1) : v);
  };
  /** `-F 'operations={…}'`, `-F query=@q.graphql`. */
  const form = (v: string) => {
    const eq = v.indexOf('=');
    const val = eq >= 0 ? v.slice(eq + 1) : v;
    if (val.startsWith('@') || val.startsWith('<')) readBody('@' + val.slice(1).replace(/;.*$/, ''));
    else r.bodies.push(val);
  };
  let formUsed = false;
  const apply = (name: string, value: string | undefined, depth: number): void => {
    switch (name) {
      case '-X':
      case '--request':
        setMethod(r, value);
        return;
      case '-d':
      case '--data':
      case '--data-ascii':
      case '--data-binary':
      case '--json':
        if (value !== undefined) readBody(value);
        return;
      case '--data-raw':
        if (value !== undefined) readBody(value, true);
        return;
      case '--data-urlencode':
        if (value !== undefined) urlencoded(value);
        return;
      case '-F':
      case '--form':
      case '--form-string':
        if (value !== undefined) {
          form(value);
          formUsed = true;
        }
        return;
      case '-H':
      case '--header':
        if (value !== undefined) header(r, value);
        return;
      case '-u':
      case '--user':
      case '--oauth2-bearer':
        r.bearer = true;
        return;
      case '--url':
        if (value && !r.url) r.url = value;
        return;
      case '-I':
      case '--head':
        r.method ??= 'HEAD';
        return;
      case '-K':
      case '--config': {
        const t = value && !value.includes(DYN) ? (value === '-' ? (c.stdin?.kind === 'literal' ? c.stdin.text : undefined) : ctx.readFile?.(value)) : undefined;
        if (t === undefined) r.unknownBody = true;
        else if (depth < 3) walk(configArgs(t), depth + 1);
        return;
      }
      default:
        return;
    }
  };
  const walk = (a: string[], depth: number): void => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v === '--') {
        for (const u of a.slice(i + 1)) if (!r.url) r.url = u;
        return;
      }
      if (v.startsWith('--')) {
        const eq = v.indexOf('=');
        if (eq > 2) {
          apply(v.slice(0, eq), v.slice(eq + 1), depth);
          continue;
        }
        if (CURL_LONG_VALUE.test(v)) {
          apply(v, a[i + 1], depth);
          i++;
        } else apply(v, undefined, depth);
        continue;
      }
      if (/^-[^-]/.test(v)) {
        // A cluster of short options: -sSfLX DELETE, -XDELETE, -sXPOST, -d@body.json
        for (let j = 1; j < v.length; j++) {
          const ch = v[j];
          if (CURL_SHORT_VALUE.has(ch)) {
            const rest = v.slice(j + 1);
            if (rest) apply('-' + ch, rest, depth);
            else {
              apply('-' + ch, a[i + 1], depth);
              i++;
            }
            break;
          }
          apply('-' + ch, undefined, depth);
        }
        continue;
      }
      if (!r.url) r.url = v;
    }
  };
  walk(c.args.map((w) => w.value), 0);
  if (!r.method && !r.methodDynamic && (r.bodies.length || r.unknownBody || formUsed)) r.method = 'POST';
  methodInBody(r);
  return r;
}

/** `_method=DELETE` in a form body or the query string (Rails, Laravel, Symfony). */
function methodInBody(r: Request): void {
  const sources = [...r.bodies, r.url ?? ''];
  for (const b of sources) {
    const m = /(?:^|[?&\s"'{,])_method["']?\s*[=:]\s*["']?([A-Za-z]+)/.exec(b);
    if (m) {
      r.override = m[1].toUpperCase();
      return;
    }
  }
}

export function parseWget(c: SimpleCommand, ctx: RuleContext): Request {
  const r: Request = { bodies: [], bearer: false, unknownBody: false };
  const a = c.args.map((w) => w.value);
  const bodyFile = (f: string) => {
    const t = f.includes(DYN) ? undefined : ctx.readFile?.(f);
    if (t !== undefined) r.bodies.push(t);
    else r.unknownBody = true;
  };
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    const eq = v.startsWith('--') ? v.indexOf('=') : -1;
    const name = eq > 0 ? v.slice(0, eq) : v;
    const takes = /^--(?:method|body-data|post-data|body-file|post-file|header|user|password|http-user|http-password|output-document|output-file|user-agent|referer|load-cookies|save-cookies|timeout|tries|directory-prefix)$|^-[OoUPTt]$/.test(name);
    const value = eq > 0 ? v.slice(eq + 1) : takes ? a[++i] : undefined;
    if (name === '--method') setMethod(r, value);
    else if ((name === '--body-data' || name === '--post-data') && value !== undefined) r.bodies.push(value);
    else if ((name === '--body-file' || name === '--post-file') && value !== undefined) bodyFile(value);
    else if (name === '--header' && value !== undefined) header(r, value);
    else if (name === '--user' || name === '--password' || name === '--http-user' || name === '--http-password') r.bearer = true;
    else if (!takes && !v.startsWith('-') && !r.url) r.url = v;
  }
  if (!r.method && !r.methodDynamic && (r.bodies.length || r.unknownBody)) r.method = 'POST';
  methodInBody(r);
  return r;
}

const METHODS = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i;

/** httpie / xh options that take a value (so `--auth user:pass DELETE url` still finds the method). */
const HTTPIE_VALUE = /^(?:-a|--auth|-A|--auth-type|--session|--session-read-only|-o|--output|--verify|--cert|--cert-key|--cert-key-pass|--proxy|--timeout|--max-redirects|-p|--print|-P|--history-print|--pretty|-s|--style|--format-options|--default-scheme|--boundary|--raw|--response-charset|--response-mime|--ssl|--ciphers|--bearer|--http-version|--resolve|--interface|--unix-socket)$/;

/** httpie / xh: `http DELETE url`, `http --auth u:p delete url`, `http POST url query='mutation…'`, `xh delete url`. */
export function parseHttpie(c: SimpleCommand): Request {
  const r: Request = { bodies: [], bearer: false, unknownBody: false };
  const pos: string[] = [];
  const a = c.args.map((w) => w.value);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (v === '--') {
      pos.push(...a.slice(i + 1));
      break;
    }
    if (v.startsWith('-') && v.length > 1) {
      const eq = v.startsWith('--') ? v.indexOf('=') : -1;
      const name = eq > 0 ? v.slice(0, eq) : v;
      const value = eq > 0 ? v.slice(eq + 1) : HTTPIE_VALUE.test(name) ? a[++i] : undefined;
      if (/^(?:-a|--auth|--bearer)$/.test(name)) r.bearer = true;
      if (name === '--raw' && value !== undefined) r.bodies.push(value);
      continue;
    }
    pos.push(v);
  }
  let i = 0;
  if (pos[0] !== undefined && (METHODS.test(pos[0]) || (pos[1] !== undefined && pos[0].includes(DYN) && !/[/.:]/.test(pos[0].split(DYN).join(''))))) {
    setMethod(r, pos[0]);
    i = 1;
  }
  r.url = pos[i];
  const fields: Record<string, string> = {};
  for (const w of pos.slice(i + 1)) {
    const m = /^([^=:@]+)(:=@|=@|:=|==|=|:|@)(.*)$/s.exec(w);
    if (!m) continue;
    if (m[2] === ':') header(r, `${m[1]}: ${m[3]}`);
    else if (m[2] === '=' || m[2] === ':=') fields[m[1]] = m[3];
    else if (m[2] === '==' && m[1] === '_method') r.override = m[3].toUpperCase();
    else if (m[2] === '=@' || m[2] === ':=@' || m[2] === '@') r.unknownBody = true;
  }
  if (Object.keys(fields).length) r.bodies.push(JSON.stringify(fields));
  if (c.stdin?.kind === 'literal' && c.stdin.text) r.bodies.push(c.stdin.text);
  if (!r.method && !r.methodDynamic) r.method = r.bodies.length || r.unknownBody ? 'POST' : 'GET';
  methodInBody(r);
  return r;
}

/** gh api: `gh api -X DELETE repos/o/r`, `gh api graphql -f query='mutation …'`. */
export function parseGhApi(c: SimpleCommand, ctx: RuleContext): Request | undefined {
  if (c.args[0]?.value !== 'api') return undefined;
  const r: Request = { bodies: [], bearer: true, unknownBody: false };
  const a = c.args.slice(1);
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    const next = a[i + 1]?.value;
    if (v === '-X' || v === '--method') {
      setMethod(r, next);
      i++;
    } else if (v.startsWith('--method=')) setMethod(r, v.slice(9));
    else if (/^-X.+/.test(v)) setMethod(r, v.slice(2));
    else if ((v === '-f' || v === '-F' || v === '--field' || v === '--raw-field') && next !== undefined) {
      const eq = next.indexOf('=');
      const val = eq >= 0 ? next.slice(eq + 1) : '';
      if (val.startsWith('@')) {
        const t = ctx.readFile?.(val.slice(1));
        if (t !== undefined) r.bodies.push(t);
        else r.unknownBody = true;
      } else r.bodies.push(val);
      i++;
    } else if (v === '--input' && next) {
      const t = next === '-' ? (c.stdin?.kind === 'literal' ? c.stdin.text : undefined) : ctx.readFile?.(next);
      if (t !== undefined) r.bodies.push(t);
      else r.unknownBody = true;
      i++;
    } else if ((v === '-H' || v === '--header') && next !== undefined) {
      header(r, next);
      i++;
    } else if (v === '--hostname' || v === '-q' || v === '--jq' || v === '-t' || v === '--template' || v === '--cache' || v === '-p' || v === '--preview') i++;
    else if (!v.startsWith('-') && !r.url) r.url = v === 'graphql' ? 'https://api.github.com/graphql' : /^https?:/.test(v) ? v : `https://api.github.com/${v.replace(/^\//, '')}`;
  }
  if (!r.method) r.method = r.bodies.length ? 'POST' : 'GET';
  return r;
}
