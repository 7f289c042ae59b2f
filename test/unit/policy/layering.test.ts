/**
 * The policy sits below the environment resolver: `core/policy` imports nothing from
 * `core/environment` (what both need lives in `core/fs.ts` and `core/detected.ts`, which
 * import neither).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const CORE = path.resolve(__dirname, '..', '..', '..', '..', 'src', 'core');

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms)].map((m) => path.resolve(path.dirname(file), m[1]));
}

function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
}

test('core/policy imports nothing from core/environment', () => {
  const env = path.join(CORE, 'environment');
  const files = filesIn(path.join(CORE, 'policy'));
  assert.ok(files.length > 5);
  for (const f of files) for (const i of imports(f)) assert.ok(!i.startsWith(env + path.sep) && i !== env, `${path.relative(CORE, f)} imports ${path.relative(CORE, i)}`);
});

test('the shared pieces import neither core/policy nor core/environment', () => {
  for (const f of ['fs.ts', 'detected.ts']) {
    for (const i of imports(path.join(CORE, f))) {
      const r = path.relative(CORE, i);
      assert.ok(!r.startsWith('policy') && !r.startsWith('environment'), `${f} imports ${r}`);
    }
  }
});
