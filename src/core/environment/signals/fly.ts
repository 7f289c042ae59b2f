/** The Fly.io app of the folder's `fly.toml` (its top-level `app`). */
import * as path from 'node:path';
import { addSignal, type SignalContext } from './context';

export function parseFlyApp(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*\[/.test(line)) break; // top-level keys only
    const m = /^\s*app\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line);
    if (m) return (m[1] ?? m[2]) || undefined;
  }
  return undefined;
}

export function fly(ctx: SignalContext): void {
  for (const dir of ctx.dirs) {
    const file = path.join(dir, 'fly.toml');
    const app = ctx.files.parsed(file, 'fly', parseFlyApp);
    if (app) addSignal(ctx, { signal: 'fly:app', value: app, source: file, identities: [{ kind: 'name', value: app }] });
  }
}
