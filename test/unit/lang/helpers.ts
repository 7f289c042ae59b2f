import { createEngine, type Engine } from '../../../src/core/engine';
import type { EnvironmentName, ShellName, Verdict } from '../../../src/core/types';

const engines = new Map<EnvironmentName, Promise<Engine>>();

export function engineFor(env: EnvironmentName, files: Record<string, string> = {}): Promise<Engine> {
  let e = engines.get(env);
  if (!e) {
    e = createEngine({ resolveEnvironment: () => ({ environment: env, evidence: [] }), readFile: (p) => files[p] ?? FILES[p] });
    engines.set(env, e);
  }
  return e;
}

export const FILES: Record<string, string> = {};

export async function check(command: string, env: EnvironmentName = 'production', extra: { shell?: ShellName } = {}): Promise<Verdict> {
  return (await engineFor(env)).check({ command, cwd: '/home/dev/app', workspaceRoot: '/home/dev/app', home: '/home/dev', ...extra });
}
