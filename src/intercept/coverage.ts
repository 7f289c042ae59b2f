/**
 * Is a terminal's shell actually gated? Read from the shell process itself, not assumed:
 * which program it is (bash and zsh have TwoKey gates; sh, fish, PowerShell… do not) and
 * whether it started with this window's gate environment (a terminal opened before TwoKey
 * was active, or while the gates were off, has none). Linux reads /proc; macOS and the BSDs
 * ask `ps`; elsewhere the answer is unknown. No `vscode` import.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Coverage =
  /** bash or zsh started with this window's gate environment. */
  | { state: 'gated'; shell: string }
  /** bash or zsh without it: opened before TwoKey was active, or while the gates were off. */
  | { state: 'no-gate'; shell: string; reason: string }
  /** A shell TwoKey has no gate for; only the PATH shims and observation reach it. */
  | { state: 'unsupported'; shell: string; reason: string }
  /** Not a live process, or this platform cannot tell. */
  | { state: 'unknown'; reason: string };

const GATED_SHELLS = new Set(['bash', 'zsh']);

export interface ProcessFacts {
  /** The program's base name (`bash`, `zsh`, `fish`…), without a login shell's leading `-`. */
  name: string;
  /** The process's initial environment, or undefined where it cannot be read. */
  env: Record<string, string> | undefined;
}

/** Decides from what the process is and what it started with. Pure. */
export function judgeCoverage(facts: ProcessFacts | undefined, socketPath: string): Coverage {
  if (!facts) return { state: 'unknown', reason: 'the shell process is gone or cannot be read' };
  const shell = facts.name.replace(/^-/, '');
  if (!GATED_SHELLS.has(shell)) {
    return { state: 'unsupported', shell, reason: `${shell} has no TwoKey gate: only the PATH shims and observation reach it; use bash or zsh` };
  }
  if (!facts.env) return { state: 'unknown', reason: `cannot read the environment of this ${shell}` };
  if (facts.env.TWOKEY_SOCKET !== socketPath) {
    return {
      state: 'no-gate',
      shell,
      reason: facts.env.TWOKEY_SOCKET
        ? `${shell} started with another window's gate`
        : `${shell} started without the gate (opened before TwoKey was active, or while the gates were off): relaunch it`,
    };
  }
  return { state: 'gated', shell };
}

/** Parses a NUL-separated environ block (Linux /proc/<pid>/environ). */
export function parseEnviron(block: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const kv of block.split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/**
 * `ps eww -o command= -p PID` prints the command line followed by the environment as
 * `NAME=value` words. Values may hold spaces, so only the variables TwoKey needs are looked
 * for, each one ending where the next ` NAME=` begins.
 */
export function parsePsEnv(line: string, names: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of names) {
    const m = new RegExp(`(?:^| )${name}=(.*?)(?= [A-Za-z_][A-Za-z0-9_]*=|$)`).exec(line.trim());
    if (m) env[name] = m[1];
  }
  return env;
}

/** `ps` with these arguments: its output, or undefined when it fails (no such process). */
function ps(args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => execFile('ps', args, { timeout: 2000, maxBuffer: 1 << 20 }, (err, out) => resolve(err ? undefined : out)));
}

/** What the process is and what it started with; undefined if it is gone. */
export async function readProcessFacts(pid: number, platform: NodeJS.Platform = process.platform): Promise<ProcessFacts | undefined> {
  if (platform === 'linux') {
    try {
      const exe = await fs.promises.readlink(`/proc/${pid}/exe`).catch(async () => (await fs.promises.readFile(`/proc/${pid}/comm`, 'utf8')).trim());
      const block = await fs.promises.readFile(`/proc/${pid}/environ`, 'utf8').catch(() => undefined);
      return { name: path.basename(exe.replace(/ \(deleted\)$/, '')), env: block === undefined ? undefined : parseEnviron(block) };
    } catch {
      return undefined;
    }
  }
  if (platform === 'win32') return undefined;
  const comm = (await ps(['-o', 'comm=', '-p', String(pid)]))?.trim();
  if (!comm) return undefined;
  const withEnv = await ps(['eww', '-o', 'command=', '-p', String(pid)]);
  return { name: path.basename(comm), env: withEnv ? parsePsEnv(withEnv, ['TWOKEY_SOCKET']) : undefined };
}

export async function shellCoverage(pid: number, socketPath: string): Promise<Coverage> {
  return judgeCoverage(await readProcessFacts(pid), socketPath);
}

/**
 * The processes above `pid`, nearest first (the parent, its parent…), up to `depth` of them
 * and never pid 1. Linux reads /proc/<pid>/stat; elsewhere `ps -o ppid=`.
 */
export async function ancestorPids(pid: number, depth = 8, platform: NodeJS.Platform = process.platform): Promise<number[]> {
  const parentOf = async (p: number): Promise<number | undefined> => {
    if (platform === 'linux') {
      try {
        const stat = await fs.promises.readFile(`/proc/${p}/stat`, 'utf8');
        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return Number.isInteger(ppid) ? ppid : undefined;
      } catch {
        return undefined;
      }
    }
    if (platform === 'win32') return undefined;
    const out = await ps(['-o', 'ppid=', '-p', String(p)]);
    const ppid = Number(out?.trim());
    return out && Number.isInteger(ppid) ? ppid : undefined;
  };
  const chain: number[] = [];
  for (let p = pid; chain.length < depth; ) {
    const parent = await parentOf(p);
    if (!parent || parent <= 1 || chain.includes(parent)) break;
    chain.push(parent);
    p = parent;
  }
  return chain;
}

