import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { maskObject, maskSecrets, MASK } from '../../../src/core/redact';

interface Corpus {
  secrets: { name: string; command: string; secrets: string[]; keep: string[] }[];
  harmless: string[];
}

// Compiled to out/test/unit/audit; the corpus stays next to the sources.
const corpusFile = [path.join(__dirname, 'secrets-corpus.json'), path.resolve(__dirname, '../../../../test/unit/audit/secrets-corpus.json')].find((f) =>
  fs.existsSync(f),
)!;
const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8')) as Corpus;

test('the corpus is there and covers every required form', () => {
  assert.ok(corpus.secrets.length >= 40);
  const names = corpus.secrets.map((s) => s.name).join(' ');
  for (const form of ['bearer', 'url', 'TOKEN', 'KEY', 'SECRET', 'PASSWORD', 'AWS access', 'AWS secret', 'private key', 'JWT', 'github', 'slack', 'stripe', 'openai', 'mysql -p', 'password flag']) {
    assert.ok(names.toLowerCase().includes(form.toLowerCase()), `corpus has a case for ${form}`);
  }
});

for (const c of corpus.secrets) {
  test(`masks: ${c.name}`, () => {
    const out = maskSecrets(c.command);
    for (const s of c.secrets) assert.ok(!out.includes(s), `secret ${JSON.stringify(s)} left in ${JSON.stringify(out)}`);
    for (const k of c.keep) assert.ok(out.includes(k), `expected ${JSON.stringify(k)} in ${JSON.stringify(out)}`);
    assert.ok(out.includes(MASK));
    assert.equal(maskSecrets(out), out, 'masking is idempotent');
  });
}

test('harmless commands come back unchanged', () => {
  const changed = corpus.harmless.map((h) => [h, maskSecrets(h)]).filter(([a, b]) => a !== b);
  assert.deepEqual(changed, []);
});

test('maskObject masks nested strings and secret-named keys, without touching the input', () => {
  const input = {
    command: 'GITHUB_TOKEN=abc123def456 gh repo delete x',
    evidence: [{ signal: 'env:DATABASE_URL', value: 'postgres://u:pw123456@db/x', environment: 'production' }],
    headers: { Authorization: 'xyz-opaque-value', apiKey: 'k-123', password: 'hunter2', other: 'fine', n: 3, ok: true, nothing: null },
    list: ['Bearer abcdefgh12345678', 'plain'],
  };
  const copy = structuredClone(input);
  const out = maskObject(input);
  assert.deepEqual(input, copy);
  assert.equal(out.command, 'GITHUB_TOKEN=**** gh repo delete x');
  assert.equal(out.evidence[0].value, 'postgres://u:****@db/x');
  assert.equal(out.headers.Authorization, MASK);
  assert.equal(out.headers.apiKey, MASK);
  assert.equal(out.headers.password, MASK);
  assert.equal(out.headers.other, 'fine');
  assert.equal(out.headers.n, 3);
  assert.equal(out.headers.nothing, null);
  assert.deepEqual(out.list, ['Bearer ****', 'plain']);
});

test('masking is cheap on ordinary command lines', () => {
  const lines = [...corpus.harmless, ...corpus.secrets.map((s) => s.command)];
  const t0 = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < 200; i++) for (const l of lines) n += maskSecrets(l).length;
  const perLineUs = Number(process.hrtime.bigint() - t0) / 1000 / (200 * lines.length);
  assert.ok(n > 0);
  // Generous bound (shared CI machines); the benchmark prints the real figure.
  assert.ok(perLineUs < 500, `${perLineUs.toFixed(1)} µs per line`);
});
