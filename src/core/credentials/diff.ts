/**
 * A masked diff of a credential file: which keys were added, removed or changed, with
 * values masked except those that say which environment the file points at, and the
 * environment before and after. Also two masked documents (same structure as the file)
 * for an editor's side-by-side diff. No secret value ever leaves this module.
 */
import * as path from 'node:path';
import { MASK, maskSecrets, maskValue } from '../redact';
import { defaultPolicy } from '../policy/defaults';
import { mostDangerous, placementOf } from '../policy/match';
import type { Policy } from '../policy/types';
import type { EnvironmentName } from '../types';
import { hostOnly } from '../environment/values';
import { describeWhole, parseCredentialFile, type CredentialFormat, type Entry, type ParsedFile } from './formats';
import { isSecretKey, leafName, showValue } from './mask';

export interface FileEnvironment {
  environment: EnvironmentName;
  /** What places it, shown values only: `DATABASE_URL host db.prod.example.com → production`. */
  evidence: Array<{ key: string; value: string; environment: EnvironmentName }>;
}

export interface MaskedDiff {
  format: CredentialFormat;
  /** One line per changed key, values masked; a header and the environment line. */
  text: string;
  changedKeys: string[];
  added: string[];
  removed: string[];
  environmentBefore?: FileEnvironment;
  environmentAfter?: FileEnvironment;
  /** The whole file before and after, same structure, values masked (for `vscode.diff`). */
  left: string;
  right: string;
}

export interface DiffOptions {
  /** Places names and hosts (defaults: the built-in policy). */
  policy?: Policy;
  /** Shown in the header instead of the full path. */
  label?: string;
  /**
   * A guard or agent control file (policy, hooks, settings): values are configuration, not
   * credentials, so they are shown with only secret-looking values masked.
   */
  configuration?: boolean;
}

type Content = string | Uint8Array | undefined;

function byKey(entries: Entry[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of entries) {
    const list = m.get(e.key);
    if (list) list.push(e.value);
    else m.set(e.key, [e.value]);
  }
  return m;
}

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  return a.every((x, i) => x === b[i]);
}

function shownOf(parsed: ParsedFile, e: Entry, configuration = false): string {
  if (configuration && parsed.format !== 'binary') return isSecretKey(leafName(e.key)) && e.value !== '' ? maskValue(e.value) : maskSecrets(e.value);
  if (parsed.format === 'binary' || (parsed.format === 'pem' && (e.key === 'content' || e.key === 'public key' || /^-----BEGIN/.test(e.value)))) return describeWhole(e, parsed.format);
  return showValue(e.key, e.value).text;
}

/** The masked rendering of one side; changed values that would look the same are told apart. */
function renderSide(parsed: ParsedFile | undefined, changed: Set<string>, other: Map<string, string[]> | undefined, side: 'before' | 'after', configuration: boolean): string {
  if (!parsed) return '';
  return parsed.render((e) => {
    const shown = shownOf(parsed, e, configuration);
    if (changed.has(e.key) && other?.has(e.key) && shown.includes(MASK)) return `${shown} (${side}: changed)`;
    return shown;
  });
}

/** The environment a file's shown values name (most dangerous wins; nothing → unknown). */
export function fileEnvironment(parsed: ParsedFile | undefined, policy: Policy): FileEnvironment | undefined {
  if (!parsed) return undefined;
  const place = placementOf(policy);
  const evidence: FileEnvironment['evidence'] = [];
  let entries = parsed.entries;
  // A kubeconfig names many contexts; only the current one is where commands go.
  const current = entries.find((e) => e.key === 'current-context')?.value;
  if (current) entries = entries.filter((e) => e.key === 'current-context' || e.key.startsWith(`contexts[${current}]`));
  const sections = new Set<string>();
  for (const e of entries) {
    const sec = /^\[([^\]]+)\]\./.exec(e.key)?.[1];
    if (sec && !sections.has(sec)) {
      sections.add(sec);
      const name = sec.replace(/^(?:profile|configuration|host|match)\s+/i, '');
      const env = place.byName(name);
      if (env) evidence.push({ key: `[${sec}]`, value: name, environment: env });
    }
    const s = showValue(e.key, e.value);
    if (!s.identifying || !s.text || s.text.includes(MASK)) continue;
    const url = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(s.text);
    const hosts = url ? url[1].split(',').map(hostOnly).filter(Boolean) : /host|server|endpoint/i.test(leafName(e.key)) ? [hostOnly(s.text)] : [];
    let env: EnvironmentName | undefined;
    for (const h of hosts) env ??= place.explicit({ kind: 'host', value: h.toLowerCase() }) ?? place.byName(h);
    env ??= place.explicit({ kind: 'id', value: s.text }) ?? place.explicit({ kind: 'name', value: s.text });
    env ??= url ? undefined : place.byName(s.text);
    if (!env && url) env = place.byName(url[1]);
    if (env) evidence.push({ key: e.key, value: s.text, environment: env });
  }
  return { environment: evidence.length ? mostDangerous(evidence.map((x) => x.environment)) : 'unknown', evidence };
}

export function maskedDiff(file: string, before: Content, after: Content, opts: DiffOptions = {}): MaskedDiff {
  const policy = opts.policy ?? defaultPolicy();
  const b = before === undefined ? undefined : parseCredentialFile(file, before);
  const a = after === undefined ? undefined : parseCredentialFile(file, after);
  const format = (a ?? b)?.format ?? 'text';
  const bm = b ? byKey(b.entries) : new Map<string, string[]>();
  const am = a ? byKey(a.entries) : new Map<string, string[]>();
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  for (const k of am.keys()) if (!bm.has(k)) added.push(k);
  for (const k of bm.keys()) if (!am.has(k)) removed.push(k);
  for (const [k, v] of am) if (bm.has(k) && !sameList(v, bm.get(k))) changed.push(k);
  const changedSet = new Set(changed);

  const label = opts.label ?? path.basename(file);
  const lines: string[] = [];
  if (!b) lines.push(`${label} (${format}) was created`);
  else if (!a) lines.push(`${label} (${format}) was deleted`);
  else lines.push(`${label} (${format})`);
  const show = (p: ParsedFile, k: string) => {
    const e = p.entries.filter((x) => x.key === k);
    return e.map((x) => shownOf(p, x, opts.configuration).replace(/-----(?:BEGIN|END) [A-Z0-9 ]+-----\s?/g, '').trim()).join(', ');
  };
  for (const k of changed) {
    const was = show(b!, k);
    const now = show(a!, k);
    lines.push(`  ~ ${k}: ${was === now ? `${now} (value changed)` : `${was} → ${now}`}`);
  }
  for (const k of added) lines.push(`  + ${k}: ${show(a!, k)}`);
  for (const k of removed) lines.push(`  - ${k}: ${show(b!, k)}`);
  if (b && a && !changed.length && !added.length && !removed.length) lines.push('  (layout or comments changed; no value changed)');

  const environmentBefore = opts.configuration ? undefined : fileEnvironment(b, policy);
  const environmentAfter = opts.configuration ? undefined : fileEnvironment(a, policy);
  if (environmentBefore?.evidence.length || environmentAfter?.evidence.length) {
    const fmt = (e?: FileEnvironment) => (e ? `${e.environment}${e.evidence.length ? ` (${e.evidence.slice(0, 3).map((x) => `${x.key} = ${x.value}`).join('; ')})` : ''}` : 'none');
    lines.push(`Environment: ${fmt(environmentBefore)} → ${fmt(environmentAfter)}`);
  }
  return {
    format,
    text: lines.join('\n'),
    changedKeys: [...changed, ...added, ...removed],
    added,
    removed,
    environmentBefore,
    environmentAfter,
    left: renderSide(b, changedSet, am, 'before', !!opts.configuration),
    right: renderSide(a, changedSet, bm, 'after', !!opts.configuration),
  };
}
