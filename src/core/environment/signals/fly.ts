/** The Fly.io app of the folder's `fly.toml` (its top-level `app`), read with a TOML parser. */
import * as path from 'node:path';
import { addSignal, str, type SignalContext } from './context';

/** The top-level `app` of a `fly.toml`; a file that is not TOML names no app. */
export function parseFlyApp(text: string): string | undefined {
  // Loaded on first use: most checks never read a fly.toml.
  const doc = (require('smol-toml') as typeof import('smol-toml')).parse(text) as Record<string, unknown>;
  return str(doc.app);
}

export function fly(ctx: SignalContext): void {
  for (const dir of ctx.dirs) {
    const file = path.join(dir, 'fly.toml');
    const app = ctx.files.parsed(file, 'fly', parseFlyApp);
    if (app) addSignal(ctx, { signal: 'fly:app', value: app, source: file, identities: [{ kind: 'name', value: app }] });
  }
}
