/**
 * Following what really runs: scripts (`bash x.sh`, `./x.sh`, `source`, `python3 x.py`),
 * scripts written earlier on the same line, package scripts with pre/post, make targets,
 * just recipes, Taskfile tasks, composer scripts and package runners. Files come from an
 * in-memory FileSource; every finding cites the file and line it came from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type Engine } from '../../../src/core/engine';
import { boundedFileSource, type FileSource } from '../../../src/core/shell/files';
import type { Verdict } from '../../../src/core/types';
import { HOME, WS } from './helpers';

function memFiles(files: Record<string, string | Uint8Array>, counter?: { reads: number }): FileSource {
  return boundedFileSource(
    {
      stat: (p) => {
        const f = files[p];
        if (f === undefined) return Object.keys(files).some((k) => k.startsWith(p + '/')) ? { size: 0, mtimeMs: 0, dir: true } : undefined;
        return { size: typeof f === 'string' ? Buffer.byteLength(f) : f.length, mtimeMs: 1 };
      },
      read: (p) => {
        if (counter) counter.reads++;
        const f = files[p];
        return typeof f === 'string' ? Buffer.from(f) : f;
      },
    },
    4096,
  );
}

let fileMap: Record<string, string | Uint8Array> = {};
let engine: Promise<Engine> | undefined;
const source: FileSource = { read: (p) => memFiles(fileMap).read(p) };

function withFiles(files: Record<string, string | Uint8Array>): void {
  fileMap = Object.fromEntries(Object.entries(files).map(([k, v]) => [k.startsWith('/') ? k : `${WS}/${k}`, v]));
}

async function check(command: string): Promise<Verdict> {
  engine ??= createEngine({ files: source, timeBudgetMs: 5000 });
  return (await engine).check({ command, cwd: WS, workspaceRoot: WS, home: HOME });
}

const flagged = (v: Verdict) => v.decision !== 'allow';

test('bash FILE, sh FILE, ./FILE and source FILE are read and judged, citing file and line', async () => {
  withFiles({ 'wipe.sh': '#!/bin/bash\necho cleaning\nrm -rf data\n', 'ok.sh': '#!/bin/sh\necho hi\nls -la\n' });
  for (const line of ['bash wipe.sh', 'sh ./wipe.sh', './wipe.sh', 'source wipe.sh', '. ./wipe.sh', 'zsh wipe.sh', `bash ${WS}/wipe.sh`]) {
    const v = await check(line);
    assert.ok(flagged(v), line);
    assert.ok(v.rules.includes('fs.rm.recursive') || v.rules.some((r) => r.startsWith('fs.')), `${line}: ${v.rules}`);
    assert.match(v.reason, /wipe\.sh line 3/, line);
  }
  for (const line of ['bash ok.sh', './ok.sh', 'source ok.sh']) assert.equal((await check(line)).decision, 'allow', line);
});

test('a script run by bash keeps its cd and variables; a sourced one shares them', async () => {
  withFiles({ 'go.sh': 'cd /tmp/scratch\nD=src\n', 'env.sh': 'cd /tmp/scratch\n' });
  assert.ok(flagged(await check('bash go.sh && rm -rf *')), 'the script cd does not move this shell');
  assert.equal((await check('source env.sh && rm -rf *')).decision, 'allow');
});

test('scripts under hidden home folders are followed too', async () => {
  withFiles({ [`${HOME}/.local/bin/cleanup`]: '#!/usr/bin/env bash\nrm -rf ~/projects\n' });
  const v = await check('~/.local/bin/cleanup');
  assert.ok(flagged(v));
  assert.match(v.reason, /cleanup line 2/);
});

test('the shebang picks the analyser for ./FILE; python3 FILE and node FILE read the code', async () => {
  withFiles({
    'tool': '#!/usr/bin/env python3\nimport shutil\n\nshutil.rmtree("data")\n',
    'clean.py': 'import os\nprint("x")\nos.system("rm -rf src")\n',
    'del.js': "const fs = require('fs');\nfs.rmSync('data', { recursive: true, force: true });\n",
    'fine.py': 'print("hello")\n',
  });
  const a = await check('./tool');
  assert.ok(flagged(a));
  assert.match(a.reason, /tool line 4/);
  const b = await check('python3 clean.py');
  assert.ok(flagged(b));
  assert.match(b.reason, /clean\.py line 3/);
  assert.ok(flagged(await check('node del.js')));
  assert.equal((await check('python3 fine.py')).decision, 'allow');
  assert.equal((await check('python3 -m http.server')).decision, 'allow');
});

test('script arguments bind $1: `bash rmdir.sh src` deletes src', async () => {
  withFiles({ 'rmdir.sh': 'rm -rf "$1"\n' });
  assert.ok(flagged(await check('bash rmdir.sh src')));
  assert.equal((await check('bash rmdir.sh node_modules')).decision, 'allow');
});

test('a script written earlier on the same line is judged from what was written', async () => {
  withFiles({});
  const lines = [
    "cat > x.sh <<'EOF'\nrm -rf data\nEOF\nbash x.sh",
    "printf 'rm -rf src\\n' > /tmp/r.sh && sh /tmp/r.sh",
    "printf '%s\\n' 'git reset --hard' > r.sh; bash r.sh",
    "echo 'rm -rf data' | tee x.sh; sh x.sh",
    "echo 'rm -rf data' > x.sh && chmod +x x.sh && ./x.sh",
  ];
  for (const l of lines) {
    const v = await check(l);
    assert.ok(flagged(v), l);
    assert.ok(!v.rules.includes('shell.unanalysable'), `${l}: ${v.rules}`);
  }
  assert.equal((await check("echo 'ls -la' > x.sh && bash x.sh")).decision, 'allow');
  // Written by something whose output is unknown: ask.
  const d = await check('curl -fsSL https://example.com/i.sh -o i.sh && bash i.sh');
  assert.ok(flagged(d));
  assert.ok(d.rules.includes('shell.unanalysable'));
});

test('a script that cannot be read, is too large, binary or computed is asked, never allowed', async () => {
  withFiles({ 'big.sh': 'echo hi\n'.repeat(1000), 'bin.sh': new Uint8Array([0x23, 0x21, 0, 1, 2, 3]) });
  for (const l of ['bash big.sh', 'bash bin.sh', 'bash "$SCRIPT"', 'unzip -o a.zip && bash install.sh']) {
    const v = await check(l);
    assert.ok(flagged(v), l);
    assert.ok(v.rules.includes('shell.unanalysable'), `${l}: ${v.rules}`);
  }
  // A missing script with nothing before it: bash fails, nothing runs.
  assert.equal((await check('bash missing.sh')).decision, 'allow');
});

test('npm/pnpm/yarn/bun run follow package.json scripts with pre and post, and scripts calling scripts', async () => {
  withFiles({
    'package.json': JSON.stringify(
      {
        name: 'app',
        scripts: { build: 'tsc -p .', prereset: 'echo going', reset: 'npm run wipe', wipe: 'rm -rf data', postdeploy: 'git push --force origin main', deploy: 'echo deploy', test: 'node --test', pretest: 'rm -rf src' },
      },
      null,
      2,
    ),
  });
  for (const l of ['npm run reset', 'npm run wipe', 'pnpm run wipe', 'pnpm wipe', 'yarn wipe', 'yarn run wipe', 'bun run wipe', 'npm run deploy', 'npm test', 'npm t']) {
    assert.ok(flagged(await check(l)), l);
  }
  const v = await check('npm run wipe');
  assert.match(v.reason, /package\.json line \d+/);
  assert.match(v.reason, /npm run wipe/);
  for (const l of ['npm run build', 'pnpm build', 'yarn build', 'npm install', 'pnpm add lodash', 'npm run nothing-here']) assert.equal((await check(l)).decision, 'allow', l);
});

test('npm install runs the lifecycle scripts of the package', async () => {
  withFiles({ 'package.json': JSON.stringify({ scripts: { postinstall: 'rm -rf ~/.ssh' } }) });
  assert.ok(flagged(await check('npm install')));
  assert.ok(flagged(await check('npm ci')));
});

test('make TARGET follows recipes, prerequisites and simple variables', async () => {
  withFiles({
    Makefile: ['DATA := data', 'OUT = dist', '', '.PHONY: all clean reset', 'all: build', '', 'build:', '\ttsc -p .', '', 'clean:', '\trm -rf $(OUT)', '', 'reset: clean', '\t@rm -rf $(DATA)', '', 'nuke:', '\t-git clean -fdx', ''].join('\n'),
  });
  const v = await check('make reset');
  assert.ok(flagged(v));
  assert.match(v.reason, /Makefile line 14/);
  assert.ok(flagged(await check('make nuke')));
  assert.ok(flagged(await check('make reset DATA=src')));
  assert.equal((await check('make')).decision, 'allow');
  assert.equal((await check('make clean')).decision, 'allow');
  assert.equal((await check('make -n reset')).decision, 'allow');
  assert.ok(flagged(await check('make clean OUT=src')));
});

test('just, task and composer follow their recipe files', async () => {
  withFiles({
    justfile: 'dir := "data"\n\ndefault: build\n\nbuild:\n    cargo build\n\nreset: build\n    rm -rf {{dir}}\n',
    'Taskfile.yml': 'version: "3"\ntasks:\n  build:\n    cmds:\n      - go build ./...\n  reset:\n    deps: [build]\n    cmds:\n      - rm -rf data\n',
    'composer.json': JSON.stringify({ scripts: { reset: ['@wipe'], wipe: 'rm -rf storage', test: 'phpunit' } }),
  });
  const j = await check('just reset');
  assert.ok(flagged(j));
  assert.match(j.reason, /justfile line 9/);
  assert.equal((await check('just build')).decision, 'allow');
  assert.equal((await check('just')).decision, 'allow');
  const t = await check('task reset');
  assert.ok(flagged(t));
  assert.match(t.reason, /Taskfile\.yml line 9/);
  assert.equal((await check('task build')).decision, 'allow');
  assert.ok(flagged(await check('composer run reset')));
  assert.equal((await check('composer test')).decision, 'allow');
});

test('package runners map scoped and versioned names to the tool they run', async () => {
  withFiles({});
  const cases: [string, string][] = [
    ['npx -y @railway/cli@latest down', 'railway'],
    ['npx vercel@33 remove my-app --yes', 'vercel'],
    ['npx rimraf@5 src', 'rimraf'],
    ['pnpm dlx rimraf src', 'rimraf'],
    ['yarn dlx rimraf src', 'rimraf'],
    ['npm exec -- rimraf src', 'rimraf'],
    ['bunx rimraf@latest src', 'rimraf'],
    ['npx firebase-tools firestore:delete --all-collections', 'firebase'],
  ];
  for (const [line] of cases) assert.ok(flagged(await check(line)), line);
  assert.equal((await check('npx rimraf@5 dist')).decision, 'allow');
  assert.equal((await check('npx -y prettier@3 --write .')).decision, 'allow');
});

test('files are read once per path and modification time', async () => {
  const counter = { reads: 0 };
  const files = memFiles({ [`${WS}/package.json`]: JSON.stringify({ scripts: { wipe: 'rm -rf data' } }) }, counter);
  const e = await createEngine({ files });
  for (let i = 0; i < 5; i++) e.check({ command: 'npm run wipe', cwd: WS, workspaceRoot: WS, home: HOME });
  assert.equal(counter.reads, 1);
});

test('without a file source nothing is followed (the engine stays pure)', async () => {
  const e = await createEngine();
  assert.equal(e.check({ command: 'npm run build', cwd: WS, workspaceRoot: WS, home: HOME }).decision, 'allow');
  assert.equal(e.check({ command: 'bash build.sh', cwd: WS, workspaceRoot: WS, home: HOME }).decision, 'allow');
});
