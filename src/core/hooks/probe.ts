/**
 * The hook's first look at a shell command, before the policy, the environment resolver and
 * the parser's WebAssembly are loaded: the engine's rules on the line, read without the
 * parser. A line with no rule hit at all is harmless whatever the policy and the environment
 * (policy overrides only change the decision of a hit, and the environment only weighs
 * hits), so the hook can leave it to the agent at once. Anything else (a hit, a line that
 * needs the parser) goes the full way. The workspace root is found as the policy finds it
 * (rules judge paths against it).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngineWith } from '../engine';
import { NO_PARSER, ParserNeeded } from './noParser';
import { namedShell, type AgentCall } from './types';
import { shellFor } from '../lang/shells';

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};
const exists = (p: string): boolean => {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Same walk as the policy loader's findWorkspaceRoot: the nearest `.twokey/policy.json`, else the nearest `.git`. */
export function probeWorkspaceRoot(dir: string): string {
  const start = path.resolve(dir);
  let gitRoot: string | undefined;
  for (let d = start, i = 0; i < 64; i++) {
    if (isFile(path.join(d, '.twokey', 'policy.json'))) return d;
    if (!gitRoot && exists(path.join(d, '.git'))) gitRoot = d;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return gitRoot ?? start;
}

/** True when the shell call's line hits no rule at all (read without the parser). */
export function harmlessWithoutParser(call: AgentCall, env: Record<string, string | undefined> = process.env, home: string = os.homedir()): boolean {
  if (call.kind !== 'shell' || call.command === undefined) return false;
  // PowerShell and cmd lines need their own grammar (the slow path), never a first look as bash.
  if (!/^(?:bash|zsh|sh)$/.test(shellFor(namedShell(call), process.platform))) return false;
  const engine = createEngineWith(NO_PARSER);
  try {
    const root = probeWorkspaceRoot(call.roots[0] ?? call.cwd);
    const v = engine.check({ command: call.command, cwd: call.cwd, env, home, workspaceRoot: root, source: call.agent });
    return v.hits.length === 0 && v.decision === 'allow' && v.risk === 'none';
  } catch (e) {
    if (e instanceof ParserNeeded) return false;
    throw e;
  }
}
