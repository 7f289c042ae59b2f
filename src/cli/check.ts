/**
 * `twokey check -- <command>` and `twokey check --batch` (JSON lines in, one request
 * `{"command", "cwd"?, "env"?, "shell"?}` a line; JSON lines out, one verdict a line, in the
 * same order). Exit codes: 0 allow, 1 ask, 2 deny, 64 usage error.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve, isAbsolute } from 'node:path';
import type { CheckRequest, Verdict } from '../core/types';
import type { Engine } from '../core/engine';
import { parseWithCommandTail, UsageError } from './args';
import { argvToLine } from '../core/argv';

const USAGE = `usage: twokey check [--json] [--explain] [--cwd DIR] [--env-file FILE] -- <command line>
       twokey check --batch [--cwd DIR] [--env-file FILE]   (JSON lines on stdin: {"command","cwd"?,"env"?})
exit: 0 allow, 1 ask, 2 deny, 64 usage error`;

interface Options {
  json: boolean;
  explain: boolean;
  batch: boolean;
  cwd?: string;
  envFile?: string;
  command?: string;
}

const OPTIONS = {
  json: { type: 'boolean' },
  explain: { type: 'boolean' },
  batch: { type: 'boolean' },
  cwd: { type: 'string' },
  'env-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseOptions(args: string[]): Options {
  const { values, tail, terminator } = parseWithCommandTail(args, OPTIONS);
  if (values.help) throw new UsageError('');
  if (terminator && tail.length === 0) throw new UsageError('nothing to check after --');
  // Without `--` the first word that is not an option starts the command: `twokey check "rm -rf x"`.
  const o: Options = {
    json: !!values.json,
    explain: !!values.explain,
    batch: !!values.batch,
    cwd: values.cwd,
    envFile: values['env-file'],
    command: tail.length ? joinArgv(tail) : undefined,
  };
  if (o.batch && o.command !== undefined) throw new UsageError('--batch reads commands from stdin; do not also give one after --');
  if (!o.batch && o.command === undefined) throw new UsageError('give a command after --, or use --batch');
  return o;
}

/** One argument is a whole command line; several are argv words the shell already split, so re-quote them. */
function joinArgv(words: string[]): string {
  if (words.length === 1) return words[0];
  return argvToLine(words);
}

function loadEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --env-file ${file}: ${(e as Error).message}`);
  }
  const dotenv = require('dotenv') as typeof import('dotenv');
  return dotenv.parse(text);
}

function readFileForEngine(base: string): (p: string) => string | undefined {
  return (p: string) => {
    try {
      const full = isAbsolute(p) ? p : resolve(base, p);
      if (statSync(full).size > 1_000_000) return undefined;
      return readFileSync(full, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * The engine with the workspace policy (untrusted: it can only tighten the defaults) and the
 * environment resolver, for the workspace that holds `cwd`.
 */
async function makeEngine(cwd: string, home: string, hostEnv: Record<string, string | undefined>): Promise<Engine> {
  const { createWorkspaceEngine } = await import('../core/workspaceEngine');
  const { findWorkspaceRoot } = await import('../core/policy');
  const ws = await createWorkspaceEngine({
    workspaceRoot: findWorkspaceRoot(cwd),
    trusted: false,
    homeDir: home,
    hostEnv,
    readFile: readFileForEngine(cwd),
  });
  return ws.engine;
}

function line(v: Verdict): string {
  return JSON.stringify({
    decision: v.decision,
    risk: v.risk,
    category: v.category,
    environment: v.environment,
    rules: v.rules,
    targets: v.targets,
    reason: v.reason,
    typedConfirmation: v.typedConfirmation,
  });
}

export async function runCheck(args: string[]): Promise<number> {
  let o: Options;
  try {
    o = parseOptions(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write((e.message ? `twokey check: ${e.message}\n` : '') + USAGE + '\n');
      return 64;
    }
    throw e;
  }
  let env: Record<string, string | undefined> = { ...process.env };
  if (o.envFile) {
    try {
      env = { ...env, ...loadEnvFile(o.envFile) };
    } catch (e) {
      process.stderr.write(`twokey check: ${(e as Error).message}\n`);
      return 64;
    }
  }
  const cwd = resolve(o.cwd ?? process.cwd());
  const home = homedir();
  // In batch mode the process environment is not the commands': only each line's env (and --env-file).
  const hostEnv = o.batch ? (o.envFile ? env : { HOME: home }) : env;
  const engine = await makeEngine(cwd, home, hostEnv);

  if (o.batch) return runBatch(engine, { cwd, env, home, envFileGiven: !!o.envFile });

  const { findWorkspaceRoot } = await import('../core/policy');
  const req: CheckRequest = { command: o.command!, cwd, env, home, workspaceRoot: findWorkspaceRoot(cwd), source: 'cli' };
  if (o.explain) {
    const r = engine.explain(req);
    process.stdout.write(JSON.stringify({ verdict: r.verdict, commands: r.commands, unanalysable: r.unanalysable }, null, 2) + '\n');
    return exitCode(r.verdict);
  }
  const v = engine.check(req);
  if (o.json) process.stdout.write(line(v) + '\n');
  else process.stdout.write(`${v.decision} (${v.risk}${v.rules.length ? ', ' + v.rules.join(', ') : ''}): ${v.reason}\n`);
  return exitCode(v);
}

function exitCode(v: Verdict): number {
  return v.decision === 'allow' ? 0 : v.decision === 'ask' ? 1 : 2;
}

interface BatchDefaults {
  cwd: string;
  env: Record<string, string | undefined>;
  home: string;
  envFileGiven: boolean;
}

/** JSONL in, JSONL out, in order; reads stdin in chunks and writes in large buffered blocks. */
function runBatch(engine: Engine, d: BatchDefaults): Promise<number> {
  return new Promise((done) => {
    let pending = '';
    let out: string[] = [];
    let outLen = 0;
    const flush = (force: boolean) => {
      if (outLen === 0 || (!force && outLen < 1 << 16)) return;
      const chunk = out.join('');
      out = [];
      outLen = 0;
      if (!process.stdout.write(chunk)) {
        process.stdin.pause();
        process.stdout.once('drain', () => process.stdin.resume());
      }
    };
    // In batch mode the process environment is not the command's: only the env given per line (and --env-file).
    const baseEnv: Record<string, string | undefined> = d.envFileGiven ? d.env : { HOME: d.home };
    const handle = (text: string) => {
      const trimmed = text.trim();
      if (trimmed === '') return;
      let res: string;
      try {
        const item = JSON.parse(trimmed) as { command?: unknown; cwd?: unknown; env?: unknown; shell?: unknown };
        if (typeof item.command !== 'string') throw new Error('missing "command" string');
        const cwd = typeof item.cwd === 'string' ? resolve(d.cwd, item.cwd) : d.cwd;
        const env = item.env && typeof item.env === 'object' ? { ...baseEnv, ...(item.env as Record<string, string>) } : baseEnv;
        const shell = typeof item.shell === 'string' ? (item.shell.toLowerCase() as CheckRequest['shell']) : undefined;
        const v = engine.check({ command: item.command, cwd, env, home: d.home, workspaceRoot: cwd, source: 'cli', ...(shell ? { shell } : {}) });
        res = line(v);
      } catch (e) {
        res = JSON.stringify({
          decision: 'ask',
          risk: 'high',
          category: 'unanalysable',
          environment: 'unknown',
          rules: ['shell.unanalysable'],
          targets: [],
          reason: `Stopped: the input line is not a valid request (${(e as Error).message}); send {"command": "..."} as one JSON object per line.`,
          typedConfirmation: true,
        });
      }
      out.push(res, '\n');
      outLen += res.length + 1;
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      pending += chunk;
      let start = 0;
      let nl: number;
      while ((nl = pending.indexOf('\n', start)) >= 0) {
        handle(pending.slice(start, nl));
        start = nl + 1;
      }
      pending = pending.slice(start);
      flush(false);
    });
    process.stdin.on('end', () => {
      if (pending) handle(pending);
      flush(true);
      // Per-line decisions are in the output; the exit code only reports usage errors.
      done(0);
    });
  });
}
