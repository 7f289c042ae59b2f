import { createEngine, type Engine } from '../../../src/core/engine';
import type { CheckRequest, Verdict } from '../../../src/core/types';

let engine: Promise<Engine> | undefined;

export function getEngine(): Promise<Engine> {
  engine ??= createEngine();
  return engine;
}

export const WS = '/home/dev/app';
export const HOME = '/home/dev';

export async function check(command: string, extra: Partial<CheckRequest> = {}): Promise<Verdict> {
  const e = await getEngine();
  return e.check({ command, cwd: WS, workspaceRoot: WS, home: HOME, ...extra });
}

export async function commandsOf(command: string): Promise<{ name: string; args: string[]; via: string[] }[]> {
  const e = await getEngine();
  return e.explain({ command, cwd: WS, workspaceRoot: WS, home: HOME }).commands;
}
