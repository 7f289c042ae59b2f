/**
 * The time limit every preview step runs under, and the only way the preview runs git:
 * an allow-list of read-only subcommands, killed when the time limit passes.
 */
import { execFile } from 'node:child_process';

export class TimeUp extends Error {
  constructor() {
    super('time limit');
  }
}

export class Budget {
  readonly started = Date.now();
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  /** Why parts of the preview are missing (other than the time limit). */
  readonly gaps: string[] = [];

  constructor(readonly limitMs: number) {
    this.timer = setTimeout(() => this.controller.abort(), Math.max(0, limitMs));
    this.timer.unref?.();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once any step has seen the limit pass (so the preview says it is partial). */
  ranOut = false;

  get expired(): boolean {
    if (this.finished) return true;
    if (this.controller.signal.aborted || Date.now() - this.started >= this.limitMs) this.ranOut = true;
    return this.ranOut;
  }

  remaining(): number {
    return Math.max(0, this.limitMs - (Date.now() - this.started));
  }

  /** Throws TimeUp when the limit has passed. */
  check(): void {
    if (this.expired) throw new TimeUp();
  }

  /** Resolves when the limit passes (for racing against work that cannot be interrupted). */
  whenExpired(): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted) return resolve();
      this.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  private finished = false;

  done(): void {
    this.finished = true;
    clearTimeout(this.timer);
    this.controller.abort();
  }
}

/** Git subcommands the preview may run: each reads only. `clean` is allowed only as a dry run. */
const READ_ONLY = new Set(['rev-parse', 'status', 'rev-list', 'log', 'diff', 'for-each-ref', 'config', 'symbolic-ref', 'clean', 'ls-files']);

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly code: number | string | undefined,
  ) {
    super(message);
  }
}

/** True when `args` (after `-C dir`) is a command the preview is allowed to run. */
export function isReadOnlyGit(args: string[]): boolean {
  const sub = args[0];
  if (!sub || !READ_ONLY.has(sub)) return false;
  const rest = args.slice(1);
  if (sub === 'clean') {
    const dry = rest.some((a) => a === '-n' || a === '--dry-run');
    const interactive = rest.some((a) => a === '-i' || a === '--interactive' || (/^-[a-zA-Z]+$/.test(a) && a.includes('i')));
    return dry && !interactive;
  }
  if (sub === 'config') return rest.every((a) => a === '--get' || a === '--get-all' || a === '--null' || a === '-z' || !a.startsWith('-')) && (rest[0] === '--get' || rest[0] === '--get-all');
  if (sub === 'symbolic-ref') return rest.length >= 1 && rest.every((a) => a === '-q' || a === '--short' || !a.startsWith('-')) && rest.filter((a) => !a.startsWith('-')).length === 1;
  if (sub === 'diff') return !rest.some((a) => a === '--output' || a.startsWith('--output=') || a === '--ext-diff');
  return true;
}

/**
 * Runs a read-only git command in `cwd`, killed at the time limit. Refuses anything not
 * on the read-only list, so a bug in the preview can never become the destructive command.
 */
export function runGit(budget: Budget, cwd: string, args: string[], gitPath = 'git', maxBuffer = 16 * 1024 * 1024): Promise<string> {
  if (!isReadOnlyGit(args)) return Promise.reject(new Error(`twokey preview: refusing to run git ${args[0]}: not a read-only command`));
  budget.check();
  return new Promise((resolve, reject) => {
    execFile(
      gitPath,
      // No pager, no lock files, no fsmonitor daemons or hooks started by a status.
      ['--no-pager', '-c', 'core.fsmonitor=false', '-c', 'core.untrackedCache=false', ...args],
      {
        cwd,
        encoding: 'utf8',
        maxBuffer,
        timeout: Math.max(1, budget.remaining()),
        killSignal: 'SIGKILL',
        signal: budget.signal,
        windowsHide: true,
        env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_PAGER: 'cat' },
      },
      (err, stdout, stderr) => {
        if (budget.expired) return reject(new TimeUp());
        if (err) {
          const e = err as NodeJS.ErrnoException & { code?: number | string };
          return reject(new GitError(`git ${args[0]} failed: ${(stderr || e.message).trim().split('\n')[0]}`, stderr, e.code));
        }
        resolve(stdout);
      },
    );
  });
}
