/**
 * Changes a person already approved: when someone allows `cp .env.production .env`, the
 * files that command writes are expected to change for a short while, so the file watcher
 * does not ask a second time. Pure; time comes from a clock port for tests.
 */
import * as path from 'node:path';

export interface Expectation {
  until: number;
  /** The approved command, for the record. */
  because: string;
}

export class ExpectedChanges {
  private readonly entries = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** These paths (absolute, or relative to `cwd`) may change for `ttlMs` because of `because`. */
  expectChange(paths: readonly string[], ttlMs: number, because = 'an approved command', cwd?: string): void {
    const until = this.now() + ttlMs;
    for (const p of paths) {
      if (!p || /^[a-z][a-z0-9+.-]*:\/\//i.test(p)) continue;
      const abs = path.resolve(cwd ?? '/', p);
      const prev = this.entries.get(abs);
      if (!prev || prev.until < until) this.entries.set(abs, { until, because });
    }
  }

  /** The approved command that explains a change of `file` now, if any. */
  explains(file: string): Expectation | undefined {
    const now = this.now();
    const abs = path.resolve(file);
    for (const [k, e] of this.entries) if (e.until < now) this.entries.delete(k);
    const hit = this.entries.get(abs);
    if (hit) return hit;
    // A folder target covers what is inside it (`cp -r creds/ ~/.aws/`).
    for (const [k, e] of this.entries) if (abs.startsWith(k.endsWith(path.sep) ? k : k + path.sep)) return e;
    return undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Paths a command line names, besides the engine's targets: every word that is a path
 * (`.env`, `~/.aws/credentials`, `config/prod.env`), resolved against `cwd` and `home`.
 * Redirections are split off (`>.env`).
 */
export function pathsInCommand(command: string, cwd: string | undefined, home: string): string[] {
  const out: string[] = [];
  for (const raw of command.split(/[\s;&|()<>]+/)) {
    const w = raw.replace(/^["']|["']$/g, '').replace(/^\d*>>?/, '');
    if (!w || w.startsWith('-') || w.includes('=') || /^[a-z][a-z0-9+.-]*:\/\//i.test(w)) continue;
    if (!/[./~]/.test(w)) continue;
    const p = w === '~' || w.startsWith('~/') ? path.join(home, w.slice(1)) : path.resolve(cwd ?? home, w);
    out.push(p);
  }
  return out;
}
