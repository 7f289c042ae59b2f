/**
 * Preview benchmark (figures only, no assertions): "what would be lost" for `rm -rf` of a
 * 10,000-file folder in a git repository (half committed, a quarter modified, a quarter
 * untracked), cold and warm, under the default time limit; then the same under a 100 ms
 * limit, to show the preview stops on time. Also `git clean -fdx` over the same tree.
 * Run: npm run bench (or node out/test/bench/preview.bench.js after compile-tests).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createEngine } from '../../src/core/engine';
import { computePreview } from '../../src/core/preview';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const FILES = 10_000;

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd,
    stdio: 'ignore',
    env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x.invalid', GIT_CONFIG_GLOBAL: os.devNull },
  });
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-preview-bench-')));
  try {
    git(root, 'init', '-q', '-b', 'main');
    for (let i = 0; i < FILES; i++) {
      const p = path.join(root, 'data', `d${i % 100}`, `f${i}.txt`);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, `file ${i}\n`.repeat(10));
      if (i === FILES / 2 - 1) {
        git(root, 'add', '-A');
        git(root, 'commit', '-q', '-m', 'half');
      }
    }
    for (let i = 0; i < FILES / 4; i++) fs.appendFileSync(path.join(root, 'data', `d${i % 100}`, `f${i}.txt`), 'changed\n');
    const engine = await createEngine({ timeBudgetMs: 1000 });
    const req = { command: 'rm -rf data', cwd: root, workspaceRoot: root };
    const verdict = engine.check(req);
    for (const [label, opts] of [
      ['cold, default limit (3 s)', {}],
      ['warm, default limit (3 s)', {}],
      ['warm, default limit (3 s)', {}],
      ['limit 100 ms', { timeLimitMs: 100 }],
    ] as const) {
      const t = now();
      const p = await computePreview(verdict, req, opts);
      console.log(`rm -rf of ${FILES.toLocaleString('en-US')} files, ${label}: ${(now() - t).toFixed(0)} ms; ${p.summary}${p.incomplete ? ` [${p.incomplete}]` : ''}`);
    }
    const clean = { command: 'git clean -fdx', cwd: root, workspaceRoot: root };
    const t = now();
    const p = await computePreview(engine.check(clean), clean);
    console.log(`git clean -fdx over the same tree: ${(now() - t).toFixed(0)} ms; ${p.summary}${p.incomplete ? ` [${p.incomplete}]` : ''}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
