/**
 * The workspace's dotenv files, read as the tools load them: `.env`, `.env.local`, the
 * policy's extra files, and `.env.<name>` (+ `.local`) for each name a selector variable
 * (`NODE_ENV`, `APP_ENV`, …) chooses, in the terminal or in those files.
 */
import * as path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { DOTENV_SELECTORS } from '../../policy/defaults';
import { rel, type SignalContext } from './context';
import { variableSignal } from './variables';

const SELECTOR_VALUE = /^[A-Za-z0-9_-]{1,40}$/;

/** The workspace's dotenv files as tools load them, in order (`.env`, `.env.local`, the policy's, then `.env.<name>` for each selected name). */
export function workspaceDotenv(ctx: SignalContext): Array<{ file: string; shown: string; vars: Record<string, string> }> {
  const selected = new Set<string>();
  const select = (v: string | undefined) => {
    if (v && SELECTOR_VALUE.test(v.trim())) selected.add(v.trim());
  };
  for (const s of DOTENV_SELECTORS) select(ctx.get(s));
  const out: Array<{ file: string; shown: string; vars: Record<string, string> }> = [];
  const seen = new Set<string>();
  for (const dir of ctx.dirs) {
    const read = (name: string) => {
      const file = path.resolve(dir, name);
      return { file, vars: ctx.files.parsed(file, 'dotenv', parseDotenvFile) };
    };
    const base = ['.env', '.env.local', ...ctx.policy.signals.dotenvFiles].map(read);
    const names = new Set(selected);
    for (const b of base) for (const s of DOTENV_SELECTORS) {
      const v = b.vars?.[s];
      if (v && SELECTOR_VALUE.test(v.trim())) names.add(v.trim());
    }
    const chosen = [...names].flatMap((n) => [read(`.env.${n}`), read(`.env.${n}.local`)]);
    for (const { file, vars } of [...base, ...chosen]) {
      if (!vars || seen.has(file)) continue;
      seen.add(file);
      out.push({ file, shown: rel(ctx, file), vars });
    }
  }
  return out;
}

/** `.env`, `.env.local`, the policy's extra files, and `.env.<name>` (+ `.local`) for each selected name. */
export function dotenvFiles(ctx: SignalContext): void {
  for (const { file, shown, vars } of workspaceDotenv(ctx)) {
    for (const [k, v] of Object.entries(vars)) {
      // The terminal's own variable wins over the workspace's file (dotenv does not override);
      // the resolver still judges the file without the terminal's variables, so it cannot lower it.
      if (ctx.get(k) !== undefined) continue;
      variableSignal(ctx, k, v, `file:${shown}:${k}`, file);
    }
  }
}

export function parseDotenvFile(text: string): Record<string, string> {
  return parseDotenv(text);
}
