/** Real temporary git repositories for the preview tests (no network: the "remote" is a bare folder). */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { createEngine, type Engine } from '../../../src/core/engine';
import type { Verdict } from '../../../src/core/types';

const made: string[] = [];
after(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary folder (realpath: macOS /var → /private/var), removed after the file's tests. */
export function tmp(prefix = 'twokey-preview-'): string {
  const d = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(d);
  return d;
}

// Git must never find a repository above the temporary folders, whatever machine runs this.
process.env.GIT_CEILING_DIRECTORIES = fs.realpathSync(os.tmpdir());

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: os.devNull,
};

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function write(root: string, rel: string, content: string | Buffer): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** A repository with one commit holding `files`. */
export function repo(files: Record<string, string> = { 'README.md': 'hello\n' }, dir = tmp()): string {
  git(dir, 'init', '-q', '-b', 'main');
  for (const [rel, content] of Object.entries(files)) write(dir, rel, content);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return dir;
}

export function commit(dir: string, rel: string, content: string, message: string): void {
  write(dir, rel, content);
  git(dir, 'add', '--', rel);
  git(dir, 'commit', '-q', '-m', message);
}

let engine: Promise<Engine> | undefined;

/** The engine's real verdict for a command run in `cwd` (the workspace). */
export async function verdictFor(command: string, cwd: string): Promise<Verdict> {
  // A generous budget: test files run in parallel and a loaded machine must not turn a verdict into "unanalysable".
  engine ??= createEngine({ timeBudgetMs: 5000 });
  return (await engine).check({ command, cwd, workspaceRoot: cwd, home: os.homedir() });
}

export function allText(p: { sections: { heading: string; lines: string[] }[]; summary: string }): string {
  return [p.summary, ...p.sections.flatMap((s) => [s.heading, ...s.lines])].join('\n');
}

export function section(p: { sections: { heading: string; lines: string[] }[] }, heading: RegExp): string[] {
  const s = p.sections.find((x) => heading.test(x.heading));
  if (!s) throw new Error(`no section ${heading} in: ${p.sections.map((x) => x.heading).join(' | ')}`);
  return s.lines;
}
