/**
 * What embedded code does, in the shell's terms. The language modules (python.ts, js.ts,
 * ruby.ts, php.ts, powershell.ts) read their syntax tree, resolve each call to a
 * qualified name (`shutil.rmtree`, `child_process.execSync`, `boto3.client(ec2).delete_volume`)
 * and its argument values, and report effects here; each effect becomes the shell command
 * it amounts to, so the same rule packs judge it: `shutil.rmtree("data")` → `rm -r data`,
 * `requests.delete(url)` → `curl -X DELETE url`, `cur.execute("DROP TABLE t")` → `psql -c …`.
 */
import { singleQuote } from '../argv';

/** A value as far as it is known: strings with unknown parts, lists, dicts, references to modules and objects. */
export type Value =
  | { kind: 'str'; parts: (string | null)[] }
  | { kind: 'list'; items: Value[] }
  | { kind: 'dict'; entries: [string, Value][] }
  | { kind: 'ref'; path: string; arg?: Value; args?: Value[] }
  | { kind: 'num'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'unknown' };

export const UNKNOWN: Value = { kind: 'unknown' };

export function str(s: string): Value {
  return { kind: 'str', parts: [s] };
}

export function concat(a: Value, b: Value): Value {
  if (a.kind === 'str' && b.kind === 'str') return { kind: 'str', parts: [...a.parts, ...b.parts] };
  if (a.kind === 'str') return { kind: 'str', parts: [...a.parts, null] };
  if (b.kind === 'str') return { kind: 'str', parts: [null, ...b.parts] };
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', items: [...a.items, ...b.items] };
  return UNKNOWN;
}

/** Marks where the shell engine substituted a value only known at run time into the code (see shell/wrappers/interpreters.ts). */
export const DYNAMIC_MARK = '__dynamic__';

/** Unknown parts as null (the marker included), adjacent known parts merged. */
function norm(parts: (string | null)[]): (string | null)[] {
  const out: (string | null)[] = [];
  const push = (x: string | null) => {
    const prev = out.length ? out[out.length - 1] : undefined;
    if (x !== null && typeof prev === 'string') out[out.length - 1] = prev + x;
    else out.push(x);
  };
  for (const p of parts) {
    if (p === null || !p.includes(DYNAMIC_MARK)) push(p);
    else
      p.split(DYNAMIC_MARK).forEach((x, i) => {
        if (i > 0) push(null);
        push(x);
      });
  }
  return out;
}

/** The string when fully known. */
export function literal(v: Value | undefined): string | undefined {
  if (!v || v.kind !== 'str' || v.parts.some((p) => p === null)) return undefined;
  const s = v.parts.join('');
  return s.includes(DYNAMIC_MARK) ? undefined : s;
}

/** Text with unknown parts shown as `…` (for reasons). */
export function shown(v: Value | undefined): string {
  if (!v) return '…';
  if (v.kind === 'str') return v.parts.map((p) => p ?? '…').join('');
  if (v.kind === 'num') return String(v.value);
  return '…';
}

const UNKNOWN_WORD = '"$CODE_VALUE"';

/** One shell word for a value: known parts quoted, unknown parts an unset variable (so the engine sees them as unknown). */
export function word(v: Value | undefined): string {
  if (!v) return UNKNOWN_WORD;
  if (v.kind === 'num') return String(v.value);
  if (v.kind === 'bool') return String(v.value);
  if (v.kind !== 'str') return UNKNOWN_WORD;
  const parts = norm(v.parts).filter((p) => p !== '');
  if (!parts.length) return "''";
  return parts.map((p) => (p === null ? UNKNOWN_WORD : singleQuote(p))).join('');
}

/** Shell text for a command string: known parts as they are, unknown parts an unset variable. */
export function shellText(v: Value): string | undefined {
  if (v.kind !== 'str') return undefined;
  return norm(v.parts)
    .map((p) => (p === null ? UNKNOWN_WORD : p))
    .join('');
}

/** JSON for a dict/list value when every leaf is known. */
export function toJson(v: Value): unknown {
  switch (v.kind) {
    case 'str':
      return v.parts.map((p) => p ?? 'x').join('');
    case 'num':
      return v.value;
    case 'bool':
      return v.value;
    case 'list':
      return v.items.map(toJson);
    case 'dict':
      return Object.fromEntries(v.entries.map(([k, x]) => [k, toJson(x)]));
    default:
      return null;
  }
}

export function dictGet(v: Value | undefined, key: string): Value | undefined {
  if (!v || v.kind !== 'dict') return undefined;
  return v.entries.find(([k]) => k === key)?.[1];
}

export interface Effects {
  lines: string[];
  unanalysable?: string;
}

export class Collector implements Effects {
  lines: string[] = [];
  unanalysable?: string;

  line(s: string): void {
    if (this.lines.length < 200 && !this.lines.includes(s)) this.lines.push(s);
  }

  ask(reason: string): void {
    this.unanalysable ??= reason;
  }

  /** Deletes a path; `recursive` for trees. */
  remove(path: Value | undefined, recursive: boolean): void {
    this.line(`rm ${recursive ? '-rf ' : '-f '}${word(path)}`);
  }

  /** Opens a file for writing (truncating, or appending): judged as the redirect it amounts to. */
  write(path: Value | undefined, append = false): void {
    this.line(`: ${append ? '>>' : '>'} ${word(path)}`);
  }

  /** Runs a command: a shell string, or an argv list. */
  exec(cmd: Value | undefined, how: string): void {
    if (!cmd) return;
    if (cmd.kind === 'list') {
      if (cmd.items.length === 0) return;
      this.line(cmd.items.map(word).join(' '));
      return;
    }
    const text = shellText(cmd);
    if (text === undefined || text.trim() === UNKNOWN_WORD) {
      this.ask(`the inline code runs a command built at run time (${how})`);
      return;
    }
    this.line(text);
  }

  /** An HTTP request: method, URL, body. */
  http(method: string | undefined, url: Value | undefined, body?: Value): void {
    const m = (method ?? 'GET').toUpperCase();
    let data = '';
    if (body && body.kind !== 'unknown') {
      const text = body.kind === 'str' ? shown(body) : JSON.stringify(toJson(body));
      data = ` --data-raw ${singleQuote(text)}`;
    }
    if (m === 'GET' && !data) return;
    this.line(`curl -X ${m} ${url && url.kind === 'str' ? word(url) : singleQuote('https://unknown.invalid/')}${data}`);
  }

  /** SQL sent to a database through a client library. */
  sql(text: Value | undefined, client: 'psql' | 'mysql' | 'sqlite3' = 'psql'): void {
    if (!text || text.kind !== 'str') return;
    const known = shown(text);
    if (!SQL_START.test(known)) return;
    const flag = client === 'psql' ? '-c' : client === 'mysql' ? '-e' : '';
    const cmd = client === 'sqlite3' ? `sqlite3 :memory: ${word(text)}` : `${client} ${flag} ${word(text)}`;
    this.line(cmd);
  }
}

/** Text that reads as an SQL statement (so `executor.execute("job")` is not taken for SQL). */
export const SQL_START = /^\s*(?:with|select|insert|update|delete|drop|truncate|alter|create|grant|revoke|copy|do|vacuum|merge|replace|rename|call|exec|execute)\b/i;

/** Method names of cloud SDKs and clients that delete, terminate or revoke. */
export const SDK_DESTRUCTIVE = /^(?:delete|terminate|remove|purge|destroy|drop|deregister|revoke|detach|disable|wipe|erase|empty|batch_?delete|bulk_?delete)(?:[A-Z_]|$)/;

function kebab(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

/** A cloud SDK call that deletes: the equivalent CLI command, so the cloud rules judge it. */
export function cloudDelete(c: Collector, provider: 'aws' | 'gcloud' | 'az' | 'kubectl', service: string, method: string, target?: Value): void {
  const t = target ? ' ' + word(target) : '';
  switch (provider) {
    case 'aws':
      c.line(`aws ${kebab(service).replace(/^client-/, '')} ${kebab(method)}${t}`);
      return;
    case 'gcloud':
      c.line(`gcloud ${kebab(service) || 'resources'} resources delete${t || ' "$CODE_VALUE"'}`);
      return;
    case 'az':
      c.line(`az ${kebab(service) || 'resource'} delete${t ? ' --name' + t : ''}`);
      return;
    case 'kubectl': {
      // deleteNamespacedPod / delete_namespaced_pod / deleteCollectionNamespacedPod → kubectl delete pod
      const m = kebab(method).replace(/^delete-(?:collection-)?/, '').replace(/^namespaced-/, '');
      const all = /collection/i.test(method) ? ' --all' : '';
      c.line(`kubectl delete ${m || 'resource'}${t}${all}`);
      return;
    }
  }
}
