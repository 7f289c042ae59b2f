/**
 * Copilot's own terminal approval list, `chat.tools.terminal.autoApprove`: keys are command
 * prefixes or `/regex/`, values `true` (run without asking), `false` (always ask) or
 * `{ approve, matchCommandLine }`. Any extension or settings file can write it, in both
 * directions, so it is advisory: TwoKey offers to mark its risky commands "always ask" and
 * reports when something loosens them. Pure.
 */
import { ruleNames } from '../rules/index';

export const AUTO_APPROVE_SETTING = 'chat.tools.terminal.autoApprove';
/** Settings that approve every tool call, terminal included. */
export const GLOBAL_AUTO_APPROVE_SETTINGS = ['chat.tools.global.autoApprove', 'chat.tools.autoApprove'];

/** Commands TwoKey's rule packs know as able to destroy something (the engine's own list). */
export function riskyCommandWords(): string[] {
  return ruleNames()
    .filter((n) => /^[\w.+-]+$/.test(n))
    .sort();
}

/** TwoKey's rules for the setting: each risky command "always ask". */
export function autoApproveRules(words: string[] = riskyCommandWords()): Record<string, false> {
  const out: Record<string, false> = {};
  for (const w of words) out[w] = false;
  return out;
}

/** The setting's value with TwoKey's rules merged in; keys the user set stay, unless they approve a risky command. */
export function mergeAutoApprove(current: unknown, words: string[] = riskyCommandWords()): Record<string, unknown> {
  const base = current && typeof current === 'object' && !Array.isArray(current) ? { ...(current as Record<string, unknown>) } : {};
  return { ...base, ...autoApproveRules(words) };
}

export interface Loosening {
  key: string;
  /** Why it loosens TwoKey's rules, in one sentence. */
  reason: string;
}

function approves(v: unknown): boolean {
  if (v === true) return true;
  return !!v && typeof v === 'object' && (v as Record<string, unknown>).approve === true;
}

function regexOf(key: string): RegExp | undefined {
  const m = /^\/(.*)\/([a-z]*)$/s.exec(key);
  if (!m) return undefined;
  try {
    return new RegExp(m[1], m[2]);
  } catch {
    return undefined;
  }
}

/**
 * Where the setting (and the global auto-approve settings) let a risky command run without
 * asking: TwoKey's rule missing or turned to approve, a prefix or regex that approves one.
 */
export function findLoosening(setting: unknown, globals: Record<string, unknown> = {}, words: string[] = riskyCommandWords()): Loosening[] {
  const out: Loosening[] = [];
  for (const [k, v] of Object.entries(globals)) {
    if (v === true || (v && typeof v === 'object' && Object.values(v as Record<string, unknown>).some((x) => x === true))) {
      out.push({ key: k, reason: `${k} approves every tool call, risky commands included, without asking` });
    }
  }
  const s = setting && typeof setting === 'object' && !Array.isArray(setting) ? (setting as Record<string, unknown>) : {};
  const risky = new Set(words);
  for (const [key, v] of Object.entries(s)) {
    if (!approves(v)) continue;
    const re = regexOf(key);
    if (re) {
      const hit = words.find((w) => re.test(`${w} x`) || re.test(w));
      if (hit) out.push({ key, reason: `the rule ${key} approves risky commands such as ${hit} without asking` });
    } else {
      const first = key.trim().split(/\s+/)[0];
      if (risky.has(first)) out.push({ key, reason: `the rule "${key}" approves ${first}, which can destroy data, without asking` });
    }
  }
  const missing = words.filter((w) => s[w] !== false && !(s[w] && typeof s[w] === 'object' && (s[w] as Record<string, unknown>).approve === false));
  if (missing.length && missing.length < words.length) {
    out.push({ key: AUTO_APPROVE_SETTING, reason: `TwoKey's "always ask" rules are missing for ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''}` });
  }
  return out;
}
