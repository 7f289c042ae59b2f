/**
 * Writes that plant a command for later: `>> ~/.bashrc`, `.envrc`, `.git/hooks/*`,
 * `package.json`, `Makefile`, `.vscode/tasks.json`, cron tables. What is planted runs
 * without a check, so the write itself is asked (the planted text is also judged, when the
 * line shows it). `crontab -r` drops every scheduled job.
 */
import { posix } from 'node:path';
import type { RuleHit } from '../types';
import { DYN, type SimpleCommand, type Word } from '../shell/model';
import { plantedWhere } from '../shell/plant';
import { writtenPaths } from './local';
import { hit, type Rule, type RuleContext } from './util';

const REMOVERS = new Set(['rm', 'unlink', 'shred', 'truncate', 'chmod', 'chown', 'chattr', 'rimraf']);

function absolute(w: Word, c: SimpleCommand, ctx: RuleContext): string | undefined {
  let v = w.value;
  if (v.includes(DYN)) return undefined;
  const home = ctx.home ?? ctx.env?.HOME;
  if ((v === '~' || v.startsWith('~/')) && home) v = home + v.slice(1);
  if (v.startsWith('/')) return posix.normalize(v);
  const cwd = c.cwd ?? ctx.cwd;
  return cwd && !cwd.includes(DYN) ? posix.join(cwd, v) : undefined;
}

/** Runs on every command: planted writes. */
export const plantRule: Rule = (c, ctx) => {
  if (!c.redirects.length && !/^(?:tee|cp|mv|install|ln|rsync|sed|gsed|perl|dd)$/.test(c.name)) return;
  let paths = REMOVERS.has(c.name) ? c.redirects.filter((r) => r.op.includes('>')).map((r) => r.target) : writtenPaths(c);
  if (c.name === 'mv') paths = paths.slice(-1);
  if (c.name === 'dd') paths = c.args.filter((a) => a.value.startsWith('of=')).map((a) => ({ value: a.value.slice(3), raw: a.raw }));
  const out: RuleHit[] = [];
  for (const p of paths) {
    const abs = absolute(p, c, ctx);
    if (!abs) continue;
    const where = plantedWhere(abs, ctx.home ?? ctx.env?.HOME);
    if (where) out.push(hit('shell.plants-command', 'filesystem', 'high', `${c.name === 'tee' || !c.redirects.length ? c.name : 'the redirect'} writes ${p.raw}, whose commands run later in ${where} without a check`, [abs]));
  }
  return out;
};

/** crontab -r removes every scheduled job of the user. */
export const deferredRules: Record<string, Rule[]> = {
  crontab: [
    (c) => {
      if (c.args.some((a) => /^-[a-zA-Z]*r/.test(a.value) && !a.value.startsWith('--'))) return hit('deferred.crontab-remove', 'filesystem', 'high', 'crontab -r removes every scheduled job of the user, with no copy kept');
      return undefined;
    },
  ],
};
