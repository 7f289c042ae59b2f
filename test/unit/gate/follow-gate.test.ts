/**
 * Indirection end to end in real shells: the bash and zsh gates ask the real engine (with
 * the bounded disk reader), which reads the script, package.json, Makefile or Python file
 * the line runs. Each is held, the data stays, and the refusal names the file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bakedGate } from './baked';
import type { GateFiles } from '../../../src/intercept/gateFiles';

const OUT_SRC = path.resolve(__dirname, '..', '..', '..', 'src');

/** Stands in for dist/gate.js: the real engine over the real disk; any non-allow verdict refuses. */
function writeHelper(dir: string): string {
  const file = path.join(dir, 'engine-helper.js');
  fs.writeFileSync(
    file,
    `const { createEngine } = require(${JSON.stringify(path.join(OUT_SRC, 'core', 'engine.js'))});
const { nodeFileSource } = require(${JSON.stringify(path.join(OUT_SRC, 'core', 'shell', 'files.js'))});
const argv = process.argv.slice(2);
const cwd = argv[argv.indexOf('--cwd') + 1];
const line = argv.slice(argv.indexOf('--') + 1).join(' ');
createEngine({ files: nodeFileSource(), timeBudgetMs: 10000 }).then((e) => {
  const v = e.check({ command: line, cwd, workspaceRoot: cwd, home: process.env.HOME, env: process.env });
  if (v.decision === 'allow') process.exit(0);
  process.stderr.write('TwoKey refused: ' + v.reason + '\\n');
  process.exit(126);
});
`,
  );
  return file;
}

function project(): { dir: string; work: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-follow-'));
  const work = path.join(dir, 'work');
  fs.mkdirSync(path.join(work, 'data'), { recursive: true });
  fs.writeFileSync(path.join(work, 'data', 'keep.txt'), 'precious\n');
  fs.writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'p', scripts: { build: 'echo built', wipe: 'rm -rf data' } }, null, 2) + '\n');
  fs.writeFileSync(path.join(work, 'Makefile'), 'build:\n\techo ok\n\nreset:\n\trm -rf data\n');
  fs.writeFileSync(path.join(work, 'clean.py'), 'import shutil\nshutil.rmtree("data")\n');
  fs.writeFileSync(path.join(work, 'old.sh'), '#!/bin/sh\necho start\nrm -rf data\n');
  return { dir, work };
}

const LINES = [
  { line: "printf 'echo hi\\nrm -rf data\\n' > wipe.sh && bash wipe.sh", cites: /wipe\.sh line 2/ },
  { line: 'bash old.sh', cites: /old\.sh line 3/ },
  { line: 'npm run wipe', cites: /package\.json line 5/ },
  { line: 'make reset', cites: /Makefile line 5/ },
  { line: 'python3 clean.py', cites: /clean\.py line 2/ },
];

/** The gate files as the extension writes them, with this test's helper baked in. */
function gateFor(dir: string): GateFiles {
  return bakedGate({ node: process.execPath, gateJs: writeHelper(dir), dir: path.join(dir, 'gate'), userZdotdir: path.join(dir, 'user') });
}

function runBash(work: string, dir: string, lines: string[]): string {
  const r = spawnSync('bash', ['--norc', '--noprofile', '-i'], {
    cwd: work,
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, HISTFILE: path.join(dir, '.hist'), PROMPT_COMMAND: `source '${gateFor(dir).bashGate}'` },
  });
  return r.stdout + r.stderr;
}

function runZsh(work: string, dir: string, lines: string[]): string {
  const user = path.join(dir, 'user');
  fs.mkdirSync(user, { recursive: true });
  const r = spawnSync('zsh', ['-i'], {
    cwd: work,
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, ZDOTDIR: gateFor(dir).zshDir },
  });
  return r.stdout + r.stderr;
}

const hasZsh = spawnSync('zsh', ['-c', 'true']).status === 0;

for (const [shell, run] of [
  ['bash', runBash],
  ['zsh', runZsh],
] as const) {
  test(`${shell} gate: a written script, an npm script, a make target and a Python file are held, data intact, citing file and line`, { skip: shell === 'zsh' && !hasZsh }, () => {
    for (const { line, cites } of LINES) {
      const { dir, work } = project();
      const out = run(work, dir, [line, 'echo "rc=$?" > rc.txt']);
      assert.equal(fs.readFileSync(path.join(work, 'data', 'keep.txt'), 'utf8'), 'precious\n', `${shell}: ${line} deleted the data\n${out}`);
      assert.match(out, /TwoKey refused/, `${shell}: ${line}\n${out}`);
      assert.match(out, cites, `${shell}: ${line}\n${out}`);
      assert.equal(fs.readFileSync(path.join(work, 'rc.txt'), 'utf8').trim(), `rc=${shell === 'bash' ? 130 : 126}`, `${shell}: ${line}`);
    }
  });

  test(`${shell} gate: a harmless npm script and make target still run`, { skip: shell === 'zsh' && !hasZsh }, () => {
    const { dir, work } = project();
    const out = run(work, dir, ['npm run build > npm.txt', 'make build > make.txt']);
    assert.match(fs.readFileSync(path.join(work, 'npm.txt'), 'utf8'), /built/, out);
    assert.match(fs.readFileSync(path.join(work, 'make.txt'), 'utf8'), /ok/, out);
  });
}
