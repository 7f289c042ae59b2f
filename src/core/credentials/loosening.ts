/**
 * Does a change to a guard or agent control file loosen the guard? The workspace policy
 * (an override that becomes more permissive, a removed ask/confirm/deny, a removed
 * production pattern, host or resource, a removed watched file, shim or protected
 * variable), the agents' hook files (a TwoKey hook removed or changed, `failClosed` off,
 * permissions widened) and VS Code settings that let agents run without approval. Pure.
 */
import * as path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { parsePolicyLayer } from '../policy/parse';
import type { OverrideDecision, PolicyInput, RuleOverride } from '../policy/types';
import { canonicalJson } from '../json';

/** `agent-settings`: another agent's hook or approval file from the guard path registry, whose format is not read: any change asks. */
export type GuardKind = 'policy' | 'cursor-hooks' | 'claude-settings' | 'copilot-hooks' | 'vscode-settings' | 'twokey-state' | 'agent-settings';

export interface Loosening {
  loosening: boolean;
  reasons: string[];
}

/** The guard kind of a path relative to the workspace root (`/` separators), if it is one. */
export function guardKindOf(rel: string): GuardKind | undefined {
  const r = rel.split(path.sep).join('/');
  if (r === '.twokey/policy.json') return 'policy';
  if (r.startsWith('.twokey/')) {
    const base = r.slice('.twokey/'.length);
    // The audit log and its lock and rotation are TwoKey's own appends, not configuration.
    if (/^audit(?:\.\d+)?\.jsonl$|^audit\.lock|^\.gitignore$/.test(base)) return undefined;
    return 'twokey-state';
  }
  if (r === '.cursor/hooks.json') return 'cursor-hooks';
  if (/^\.claude\/settings(?:\.[\w-]+)?\.json$/.test(r)) return 'claude-settings';
  if (/^\.github\/hooks\/[^/]+\.json$/.test(r)) return 'copilot-hooks';
  if (r === '.vscode/settings.json') return 'vscode-settings';
  return undefined;
}

const STRICTNESS: Readonly<Record<OverrideDecision, number>> = { allow: 0, ask: 1, confirm: 2, deny: 3 };

function json(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || !text.trim()) return {};
  const errors: ParseError[] = [];
  const v = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length || !v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  return v as Record<string, unknown>;
}

function removed(before: readonly string[] | undefined, after: readonly string[] | undefined): string[] {
  const a = new Set(after ?? []);
  return (before ?? []).filter((x) => !a.has(x));
}

function added(before: readonly string[] | undefined, after: readonly string[] | undefined): string[] {
  return removed(after, before);
}

export function isLoosening(kind: GuardKind, before: string | undefined, after: string | undefined): Loosening {
  if (before === after) return { loosening: false, reasons: [] };
  switch (kind) {
    case 'policy':
      return policyLoosening(before, after);
    case 'cursor-hooks':
    case 'copilot-hooks':
      return hooksLoosening(kind, before, after);
    case 'claude-settings':
      return claudeLoosening(before, after);
    case 'vscode-settings':
      return settingsLoosening(before, after);
    case 'twokey-state':
      return { loosening: false, reasons: [] };
    case 'agent-settings':
      return { loosening: true, reasons: ["an agent's hook or approval settings changed, and TwoKey cannot tell whether the change loosens them"] };
  }
}

// ---------------------------------------------------------------------------------------
// .twokey/policy.json

function layerOf(text: string | undefined): PolicyInput | undefined {
  if (text === undefined || !text.trim()) return {};
  return parsePolicyLayer(text).layer;
}

function overrideKey(o: RuleOverride): string {
  return canonicalJson({ rule: o.rule, commands: o.commands ?? [], paths: o.paths ?? [], hosts: o.hosts ?? [], environments: o.environments ?? [] });
}

function describeOverride(o: RuleOverride): string {
  const crit = [o.commands?.length ? `commands ${o.commands.join(', ')}` : '', o.paths?.length ? `paths ${o.paths.join(', ')}` : '', o.hosts?.length ? `hosts ${o.hosts.join(', ')}` : '', o.environments?.length ? `in ${o.environments.join(', ')}` : '']
    .filter(Boolean)
    .join('; ');
  return `"${o.rule}"${crit ? ` (${crit})` : ''}`;
}

export function policyLoosening(beforeText: string | undefined, afterText: string | undefined): Loosening {
  const reasons: string[] = [];
  const b = layerOf(beforeText) ?? {};
  let a = layerOf(afterText);
  if (!a) {
    // A broken file contributes nothing: everything it asked for is gone.
    a = {};
    if (Object.keys(b).some((k) => k !== '$schema' && k !== 'version')) reasons.push('the policy file no longer parses, so everything it adds is dropped');
  }
  // A deleted file is an empty layer: what it tightened is compared below like any removal.

  // Overrides: matched on what they select.
  const before = new Map<string, RuleOverride>();
  for (const o of b.overrides ?? []) before.set(overrideKey(o), o);
  const after = new Map<string, RuleOverride>();
  for (const o of a.overrides ?? []) after.set(overrideKey(o), o);
  for (const [k, o] of before) {
    const n = after.get(k);
    if (!n) {
      if (o.decision !== 'allow') reasons.push(`override ${describeOverride(o)} with decision "${o.decision}" was removed`);
    } else if (STRICTNESS[n.decision] < STRICTNESS[o.decision]) {
      reasons.push(`override ${describeOverride(o)} went from "${o.decision}" to "${n.decision}"`);
    }
  }
  for (const [k, o] of after) {
    if (!before.has(k) && o.decision === 'allow') reasons.push(`new override ${describeOverride(o)} allows without asking`);
  }

  // Environments: production may only grow; staging and development may only shrink.
  for (const part of ['patterns', 'hosts', 'resources'] as const) {
    const gone = removed(b.environments?.production?.[part], a.environments?.production?.[part]);
    if (gone.length) reasons.push(`production ${part} removed: ${gone.join(', ')}`);
    for (const env of ['staging', 'development'] as const) {
      const more = added(b.environments?.[env]?.[part], a.environments?.[env]?.[part]);
      if (more.length) reasons.push(`${env} ${part} added (no longer treated as production): ${more.join(', ')}`);
    }
  }

  const shimsGone = removed(b.shims, a.shims).filter((s) => !s.startsWith('!'));
  if (shimsGone.length) reasons.push(`shims removed: ${shimsGone.join(', ')}`);
  const shimsDisabled = added(b.shims, a.shims).filter((s) => s.startsWith('!'));
  if (shimsDisabled.length) reasons.push(`shims turned off: ${shimsDisabled.map((s) => s.slice(1)).join(', ')}`);
  const watchGone = removed(b.watch, a.watch);
  if (watchGone.length) reasons.push(`watched files removed: ${watchGone.join(', ')}`);
  const protGone = removed(b.protectedVariables, a.protectedVariables);
  if (protGone.length) reasons.push(`protected variables removed: ${protGone.join(', ')}`);
  const maskGone = removed(b.maskedVariables, a.maskedVariables);
  if (maskGone.length) reasons.push(`variables no longer kept out of terminals: ${maskGone.join(', ')}`);
  for (const part of ['variables', 'urlVariables', 'dotenvFiles'] as const) {
    const more = added(b.signals?.[part], a.signals?.[part]);
    if (more.length) reasons.push(`environment signals added (they can place the workspace outside production): ${part} ${more.join(', ')}`);
    const gone = removed(b.signals?.[part], a.signals?.[part]);
    if (gone.length) reasons.push(`environment signals removed: ${part} ${gone.join(', ')}`);
  }
  // The workspace's mark: anything but production lowers an unknown workspace.
  if (a.workspaceEnvironment !== b.workspaceEnvironment && a.workspaceEnvironment && a.workspaceEnvironment !== 'production') {
    reasons.push(`the workspace is marked ${a.workspaceEnvironment}${b.workspaceEnvironment ? ` (was ${b.workspaceEnvironment})` : ''}`);
  } else if (b.workspaceEnvironment === 'production' && a.workspaceEnvironment !== 'production') {
    reasons.push('the workspace is no longer marked production');
  }
  for (const k of ['staging', 'unknown'] as const) {
    if (a.stateChanges?.[k] === 'allow' && b.stateChanges?.[k] !== 'allow') reasons.push(`state changes to ${k} targets run without asking`);
  }
  return { loosening: reasons.length > 0, reasons };
}

// ---------------------------------------------------------------------------------------
// Agent hook files

function isTwoKeyHook(command: unknown): boolean {
  return typeof command === 'string' && /twokey|cli\.js/i.test(command) && /\bhook\s+(?:cursor|claude-code|copilot)\b/.test(command);
}

/** TwoKey's entries per event: canonical JSON of each entry (all of its fields, failClosed included). */
function twoKeyEntries(doc: Record<string, unknown> | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const hooks = doc?.hooks;
  if (!hooks || typeof hooks !== 'object') return out;
  for (const [event, list] of Object.entries(hooks as Record<string, unknown>)) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!entry || typeof entry !== 'object') continue;
      const e = entry as Record<string, unknown>;
      const ours = isTwoKeyHook(e.command) || isTwoKeyHook(e.bash) || (Array.isArray(e.hooks) && e.hooks.some((h) => isTwoKeyHook((h as Record<string, unknown>)?.command)));
      if (!ours) continue;
      const arr = out.get(event) ?? [];
      arr.push(canonicalJson(e));
      out.set(event, arr);
    }
  }
  return out;
}

function hookReasons(b: Record<string, unknown> | undefined, a: Record<string, unknown> | undefined, file: string): string[] {
  const reasons: string[] = [];
  const before = twoKeyEntries(b);
  const after = twoKeyEntries(a);
  for (const [event, entries] of before) {
    const now = after.get(event) ?? [];
    const gone = entries.filter((x) => !now.includes(x));
    if (!gone.length) continue;
    if (now.length === 0) reasons.push(`the TwoKey hook on ${event} was removed from ${file}`);
    else {
      const wasFailClosed = gone.some((x) => x.includes('"failClosed":true'));
      const stillFailClosed = now.every((x) => x.includes('"failClosed":true'));
      reasons.push(wasFailClosed && !stillFailClosed ? `failClosed was turned off for the TwoKey hook on ${event}` : `the TwoKey hook on ${event} was changed`);
    }
  }
  return reasons;
}

function hooksLoosening(kind: GuardKind, beforeText: string | undefined, afterText: string | undefined): Loosening {
  const file = kind === 'cursor-hooks' ? '.cursor/hooks.json' : 'the Copilot hook file';
  const b = json(beforeText);
  const a = afterText === undefined ? {} : json(afterText);
  const reasons = hookReasons(b, a ?? {}, file);
  if (!a && twoKeyEntries(b).size) reasons.push(`${file} no longer parses, so the agent may skip its hooks`);
  return { loosening: reasons.length > 0, reasons };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function claudeLoosening(beforeText: string | undefined, afterText: string | undefined): Loosening {
  const b = json(beforeText) ?? {};
  const a = afterText === undefined ? {} : json(afterText);
  const reasons = hookReasons(b, a ?? {}, 'the Claude Code settings');
  if (!a && twoKeyEntries(b).size) reasons.push('the Claude Code settings no longer parse, so the agent may skip its hooks');
  const after = a ?? {};
  const bp = (b.permissions ?? {}) as Record<string, unknown>;
  const ap = (after.permissions ?? {}) as Record<string, unknown>;
  const allowMore = added(strings(bp.allow), strings(ap.allow));
  if (allowMore.length) reasons.push(`Claude Code may now run without asking: ${allowMore.join(', ')}`);
  const denyGone = removed(strings(bp.deny), strings(ap.deny));
  if (denyGone.length) reasons.push(`Claude Code deny rules removed: ${denyGone.join(', ')}`);
  const askGone = removed(strings(bp.ask), strings(ap.ask));
  if (askGone.length) reasons.push(`Claude Code ask rules removed: ${askGone.join(', ')}`);
  if (ap.defaultMode !== bp.defaultMode && (ap.defaultMode === 'bypassPermissions' || ap.defaultMode === 'acceptEdits')) reasons.push(`Claude Code permission mode set to ${String(ap.defaultMode)}`);
  if (after.disableAllHooks === true && b.disableAllHooks !== true) reasons.push('Claude Code hooks were all turned off (disableAllHooks)');
  return { loosening: reasons.length > 0, reasons };
}

// ---------------------------------------------------------------------------------------
// VS Code settings that let agents act without approval

/** A settings value by its dotted key, flat (`"chat.tools.autoApprove": true`) or nested. */
function setting(doc: Record<string, unknown>, key: string): unknown {
  if (key in doc) return doc[key];
  let cur: unknown = doc;
  for (const part of key.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** Entries of an auto-approve map that approve (`true`, or `{ approve: true }`). */
function approving(v: unknown): Map<string, boolean> {
  const out = new Map<string, boolean>();
  if (!v || typeof v !== 'object' || Array.isArray(v)) return out;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const yes = x === true || (!!x && typeof x === 'object' && (x as Record<string, unknown>).approve === true);
    out.set(k, yes);
  }
  return out;
}

export const APPROVAL_SETTINGS: readonly string[] = [
  'chat.tools.autoApprove',
  'chat.tools.global.autoApprove',
  'chat.tools.edits.autoApprove',
  'chat.tools.terminal.autoApprove',
  'chat.tools.terminal.enableAutoApprove',
  'chat.tools.urls.autoApprove',
  'chat.agent.terminal.allowList',
  'chat.agent.terminal.denyList',
  'github.copilot.chat.agent.autoFix',
  'github.copilot.chat.agent.terminal.allowList',
  'github.copilot.chat.agent.terminal.denyList',
];

function settingsLoosening(beforeText: string | undefined, afterText: string | undefined): Loosening {
  const b = json(beforeText) ?? {};
  const a = json(afterText) ?? {};
  const reasons: string[] = [];
  for (const key of APPROVAL_SETTINGS) {
    const bv = setting(b, key);
    const av = setting(a, key);
    if (canonicalJson(bv) === canonicalJson(av)) continue;
    if (typeof av === 'boolean' || typeof bv === 'boolean') {
      if (av === true && bv !== true) reasons.push(`${key} turned on: agents act without asking`);
      continue;
    }
    const before = approving(bv);
    const after = approving(av);
    const isDeny = /denyList$/.test(key);
    for (const [k, yes] of after) {
      const was = before.get(k);
      if (isDeny) continue;
      if (yes && was !== true) reasons.push(`${key}: "${k}" now runs without approval`);
    }
    for (const [k, yes] of before) {
      const now = after.get(k);
      if (isDeny ? yes && (now === undefined || now === false) : !yes && now === undefined) reasons.push(`${key}: the ${isDeny ? 'deny' : 'never-approve'} entry "${k}" was removed`);
    }
  }
  return { loosening: reasons.length > 0, reasons };
}
