/** Heroku apps named by the repository's git remotes (`https://git.heroku.com/<app>.git`). */
import { parseIni } from '../ini';
import { addSignal, type SignalContext } from './context';
import { findGitConfig } from './git';

export function parseHerokuRemotes(text: string): Array<{ remote: string; app: string }> {
  const out: Array<{ remote: string; app: string }> = [];
  for (const [section, keys] of parseIni(text)) {
    const m = /^remote "(.+)"$/.exec(section);
    const url = keys.get('url');
    if (!m || !url) continue;
    const app = /heroku\.com[:/]([^/\s]+?)(?:\.git)?\/?$/i.exec(url)?.[1];
    if (app) out.push({ remote: m[1], app });
  }
  return out;
}

export function heroku(ctx: SignalContext): void {
  const file = findGitConfig(ctx);
  if (!file) return;
  for (const r of ctx.files.parsed(file, 'heroku', parseHerokuRemotes) ?? []) {
    addSignal(ctx, {
      signal: 'heroku:remote',
      value: `${r.remote} → ${r.app}`,
      source: file,
      identities: [
        { kind: 'name', value: r.app },
        { kind: 'name', value: r.remote },
      ],
    });
  }
}
