/**
 * The shared prefilter (media/gate/prefilter.sh, with the tables the extension bakes in from
 * the engine's own) in real bash and zsh: it never waves through a line the engine would
 * stop (every corpus line and every guard attack), the cheap `case` fast path never calls
 * harmless a line that the full expression would send to the engine, runs of spaces and tabs
 * change nothing, and both shells agree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { bakedGate, ROOT } from './baked';
import { check } from '../engine/helpers';

const PREFILTER = path.join(bakedGate().dir, 'prefilter.sh');

function corpusLines(withNewlines = false): string[] {
  const dir = path.join(ROOT, 'test', 'corpus');
  const out: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.jsonl'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const c = (JSON.parse(line) as { command: string }).command;
      if (withNewlines || !c.includes('\n')) out.push(c);
    }
  }
  return out;
}

/** For each line: "<fast> <full>", 1 = sent to the engine, 0 = harmless. */
function classify(shell: 'bash' | 'zsh', lines: string[]): string[] {
  const script = `source '${PREFILTER}'
while IFS= read -r l; do
  if __twokey_risky "$l"; then f=1; else f=0; fi
  if [[ $l =~ $__twokey_re ]]; then r=1; else r=0; fi
  print_it="$f $r"; echo "$print_it"
done`;
  const args = shell === 'zsh' ? ['-f', '-c', script] : ['--norc', '--noprofile', '-c', script];
  const r = spawnSync(shell, args, { input: lines.join('\n') + '\n', encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n');
}

const EXAMPLES: [string, boolean][] = [
  ['ls -la', false],
  ['echo hi', false],
  ['grep -r delete .', false],
  ['echo "rm -rf /"', false],
  ['cd .', false],
  ['rm x', true],
  ['  rm   x', true],
  ['git status', true],
  ['python3 x.py', true],
  ['mkfs.ext4 /dev/sdz', true],
  ['./deploy.sh', true],
  ['FOO=1 rm x', true],
  ['x; rm -rf y', true],
  ['cat ~/.ssh/id_rsa', true],
  ['cat .env', true],
  ['=rm -rf x', true],
  ['coproc rm x', true],
  ['r', true],
];

for (const shell of ['bash', 'zsh'] as const) {
  test(`${shell}: the fast path agrees with the full expression over the corpus`, () => {
    const lines = corpusLines();
    const out = classify(shell, lines);
    assert.equal(out.length, lines.length);
    const missed = lines.filter((_, i) => out[i] === '0 1');
    assert.deepEqual(missed, [], 'lines the fast path would wave through');
  });

  test(`${shell}: examples`, () => {
    const out = classify(shell, EXAMPLES.map(([l]) => l));
    EXAMPLES.forEach(([l, risky], i) => assert.equal(out[i].startsWith('1'), risky, l));
  });
}

/** Every line the engine stops (not `allow`): the corpus and the guard attacks. */
async function stoppedLines(): Promise<string[]> {
  const { ATTACK_LINES } = await import('./attacks');
  const out: string[] = [];
  for (const c of [...corpusLines(), ...ATTACK_LINES]) if ((await check(c)).decision !== 'allow') out.push(c);
  return out;
}

/** `__twokey_risky` alone, as the gates call it. */
function risky(shell: 'bash' | 'zsh', lines: string[]): boolean[] {
  const script = `source '${PREFILTER}'
while IFS= read -r l; do
  l=\${l//\\\\t/$'\\t'}
  if __twokey_risky "$l"; then echo 1; else echo 0; fi
done`;
  const args = shell === 'zsh' ? ['-f', '-c', script] : ['--norc', '--noprofile', '-c', script];
  const r = spawnSync(shell, args, { input: lines.map((l) => l.replace(/\t/g, '\\t')).join('\n') + '\n', encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').map((x) => x === '1');
}

for (const shell of ['bash', 'zsh'] as const) {
  test(`${shell}: no line the engine stops is waved through by the prefilter`, async () => {
    const lines = await stoppedLines();
    assert.ok(lines.length > 300, `${lines.length} stopped lines`);
    const out = risky(shell, lines);
    assert.deepEqual(lines.filter((_, i) => !out[i]), []);
  });

  test(`${shell}: runs of spaces and tabs change nothing`, async () => {
    const base = ['rm x', 'git push --force', 'TWOKEY_NODE=true', 'kubectl delete ns prod', 'ls -la', 'echo hi'];
    const spaced = base.flatMap((l) => [l.replace(/ /g, '   '), l.replace(/ /g, '\t'), '\t ' + l.replace(/ /g, ' \t ') + '\t', '  ' + l]);
    const a = risky(shell, base);
    const b = risky(shell, spaced);
    a.forEach((want, i) => {
      for (let k = 0; k < 4; k++) assert.equal(b[i * 4 + k], want, JSON.stringify(spaced[i * 4 + k]));
    });
    assert.deepEqual(a, [true, true, true, true, false, false]);
  });
}
