import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPolicy, mergePolicy, type PolicyInput } from '../../../src/core/policy';
import { createEnvironmentResolver, type TwoKeyEnvironmentResolver } from '../../../src/core/environment';

/** A real temporary folder with a home and a workspace; files written by relative path. */
export class Fixture {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-env-'));
  readonly home = path.join(this.dir, 'home');
  readonly ws = path.join(this.dir, 'ws');

  constructor() {
    fs.mkdirSync(this.home, { recursive: true });
    fs.mkdirSync(this.ws, { recursive: true });
  }

  /** Write `text` at `rel`, where rel starts with `~/` (home) or is relative to the workspace. */
  write(rel: string, text: string): string {
    const p = rel.startsWith('~/') ? path.join(this.home, rel.slice(2)) : path.isAbsolute(rel) ? rel : path.join(this.ws, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  }

  resolver(opts: { policy?: PolicyInput; hostEnv?: Record<string, string | undefined> } = {}): TwoKeyEnvironmentResolver {
    const policy = opts.policy ? mergePolicy([{ source: 'user', policy: opts.policy }], { trusted: true }) : defaultPolicy();
    return createEnvironmentResolver({ policy, homeDir: this.home, hostEnv: opts.hostEnv ?? {} });
  }

  /** Resolve the workspace with the given terminal env and targets. */
  resolve(opts: { policy?: PolicyInput; hostEnv?: Record<string, string | undefined>; env?: Record<string, string | undefined>; targets?: string[]; cwd?: string } = {}) {
    return this.resolver(opts)({ cwd: opts.cwd ?? this.ws, workspaceRoot: this.ws, env: opts.env, targets: opts.targets ?? [] });
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export function signalOf(r: { evidence: Array<{ signal: string; value: string; environment: string }> }, prefix: string) {
  return r.evidence.filter((e) => e.signal.startsWith(prefix));
}
