/**
 * Following benchmark (not a test: prints figures, asserts nothing).
 *  - lines that read no file, with the disk reader wired in: median and p99 ms per line
 *  - lines that follow a package.json script / Makefile target / 83-line shell script /
 *    Python file / Rakefile task / mix alias on a real disk: the first (cold) check, then
 *    median and p99 of repeated checks with only the file reads cached (the analysis redone),
 *    and with the analysis cached too (replayed while the files keep their size and mtime)
 */
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createEngine } from '../../src/core/engine';
import { nodeFileSource, type FileSource } from '../../src/core/shell/files';

const root = resolve(__dirname, '../../..');

function corpus(): string[] {
  const dir = join(root, 'test/corpus');
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) if (line.trim()) out.push((JSON.parse(line) as { command: string }).command);
  }
  return out;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

async function main(): Promise<void> {
  const ws = mkdtempSync(join(tmpdir(), 'twokey-follow-bench-'));
  mkdirSync(join(ws, 'scripts'));
  const scripts: Record<string, string> = { build: 'tsc -p .', test: 'node --test', lint: 'eslint src', wipe: 'npm run clean && rm -rf data', clean: 'rimraf dist' };
  for (let i = 0; i < 40; i++) scripts[`task${i}`] = `node scripts/task${i}.js --flag ${i}`;
  writeFileSync(join(ws, 'package.json'), JSON.stringify({ name: 'bench', version: '1.0.0', scripts, dependencies: Object.fromEntries(Array.from({ length: 60 }, (_x, i) => [`dep${i}`, '^1.0.0'])) }, null, 2));
  writeFileSync(join(ws, 'Makefile'), ['SRC := src', 'OUT = dist', '.PHONY: all build clean reset', 'all: build', 'build:', '\ttsc -p .', 'clean:', '\trm -rf $(OUT)', 'reset: clean', '\trm -rf data', ...Array.from({ length: 40 }, (_x, i) => `t${i}:\n\techo ${i}`)].join('\n') + '\n');
  writeFileSync(join(ws, 'scripts', 'deploy.sh'), ['#!/usr/bin/env bash', 'set -euo pipefail', ...Array.from({ length: 80 }, (_x, i) => `echo "step ${i}" && ls -la "$HOME" > /dev/null`), 'rm -rf data', ''].join('\n'));
  writeFileSync(join(ws, 'scripts', 'small.sh'), ['#!/bin/sh', 'set -e', ...Array.from({ length: 15 }, (_x, i) => `echo "step ${i}"`), 'rm -rf data', ''].join('\n'));
  writeFileSync(join(ws, 'Rakefile'), ['namespace :db do', '  task :backup do', '    puts "backup"', '  end', '  task reset: [:backup] do', '    sh "rm -rf data"', '  end', 'end', ...Array.from({ length: 20 }, (_x, i) => `task :t${i} do\n  sh "echo ${i}"\nend`)].join('\n') + '\n');
  writeFileSync(join(ws, 'mix.exs'), ['defmodule Bench.MixProject do', '  defp aliases do', '    [', '      setup: ["deps.get", "ecto.setup"],', '      wipe: ["cmd rm -rf priv/static", "compile"]', '    ]', '  end', 'end'].join('\n') + '\n');
  writeFileSync(join(ws, 'clean.py'), ['import os, shutil', ...Array.from({ length: 80 }, (_x, i) => `print("line ${i}")`), 'shutil.rmtree("data")', ''].join('\n'));

  const engine = await createEngine({ files: nodeFileSource() });
  const req = (command: string) => ({ command, cwd: ws, workspaceRoot: ws, home: '/home/dev' });

  const lines = corpus().filter((c) => !/\b(?:npm|pnpm|yarn|bun|make|just|task|composer)\b|\.(?:sh|py|js)\b|^\.\/|\b(?:bash|sh|zsh|source)\s/.test(c));
  for (const c of lines) engine.check(req(c));
  const plain: number[] = [];
  const fastest = lines.map(() => Infinity);
  for (let pass = 0; pass < 5; pass++) {
    lines.forEach((c, i) => {
      const s = performance.now();
      engine.check(req(c));
      const d = performance.now() - s;
      plain.push(d);
      fastest[i] = Math.min(fastest[i], d);
    });
  }
  plain.sort((a, b) => a - b);
  fastest.sort((a, b) => a - b);
  console.log(`lines that read no file (reader wired in): ${lines.length} lines × 5: median ${pct(plain, 0.5).toFixed(3)} ms, p99 ${pct(plain, 0.99).toFixed(3)} ms per line; each line's fastest pass: median ${pct(fastest, 0.5).toFixed(3)} ms, p99 ${pct(fastest, 0.99).toFixed(3)} ms`);

  const deployLines = readFileSync(join(ws, 'scripts', 'deploy.sh'), 'utf8').split('\n').length - 1;
  console.log(`(scripts/deploy.sh has ${deployLines} lines)`);
  for (const line of ['npm run wipe', 'make reset', 'bash scripts/small.sh', 'bash scripts/deploy.sh', 'python3 clean.py', 'rake db:reset', 'mix wipe']) {
    const disk = nodeFileSource();
    // Without stamps the engine cannot tell a file is unchanged: only the file reads are cached.
    const readsOnly: FileSource = { read: (p) => disk.read(p), realpath: (p) => disk.realpath?.(p) };
    const figures: string[] = [];
    let cites = '-';
    let decision = '';
    for (const [label, files] of [['reads cached', readsOnly], ['analysis cached', nodeFileSource()]] as const) {
      const fresh = await createEngine({ files });
      fresh.check(req('ls')); // parser warm
      const s0 = performance.now();
      const v = fresh.check(req(line));
      const first = performance.now() - s0;
      const t: number[] = [];
      for (let i = 0; i < 300; i++) {
        const s = performance.now();
        fresh.check(req(line));
        t.push(performance.now() - s);
      }
      t.sort((a, b) => a - b);
      figures.push(`${label}: cold ${first.toFixed(2)}, median ${pct(t, 0.5).toFixed(3)}, p99 ${pct(t, 0.99).toFixed(3)}`);
      cites = /\(run through [^)]*\)/.exec(v.reason)?.[0] ?? '-';
      decision = v.decision;
    }
    console.log(`${line.padEnd(24)} ms per check; ${figures.join('; ')} (${decision}, cites ${cites})`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
