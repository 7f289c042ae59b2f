/**
 * The manifest and the code agree: every command the code registers is contributed (and the
 * other way round), every setting the code reads is declared, security settings are
 * machine-scoped, and the activation, kind and trust declarations are the agreed ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

function sources(dir: string): string {
  let text = '';
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) text += sources(p);
    else if (e.name.endsWith('.ts')) text += fs.readFileSync(p, 'utf8');
  }
  return text;
}
const code = sources(path.join(ROOT, 'src'));

test('commands registered in code and contributed in the manifest are the same set', () => {
  const registered = [...code.matchAll(/registerCommand\(\s*'(twokey\.[A-Za-z.]+)'/g)].map((m) => m[1]).sort();
  const contributed = (pkg.contributes.commands as { command: string; category: string }[]).map((c) => c.command).sort();
  assert.deepEqual([...new Set(registered)], contributed);
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'TwoKey');
});

test('every setting the code reads is declared, and security settings are machine-scoped', () => {
  const settingsTs = fs.readFileSync(path.join(ROOT, 'src', 'settings.ts'), 'utf8');
  const read = [...settingsTs.matchAll(/\.get<[^>]+>\('([^']+)'/g)].map((m) => `twokey.${m[1]}`);
  assert.ok(read.length > 0);
  const declared = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;
  for (const key of read) {
    assert.ok(declared[key], `${key} is declared in package.json`);
    assert.ok(['machine', 'application', 'machine-overridable'].includes(declared[key].scope ?? ''), `${key} cannot be set by a repository`);
  }
});

test('identity, activation, kind and trust follow the design', () => {
  assert.equal(pkg.publisher, 'twokey');
  assert.equal(pkg.name, 'twokey');
  assert.equal(pkg.engines.vscode, '^1.93.0');
  assert.deepEqual(pkg.activationEvents, ['onStartupFinished']);
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.ok(pkg.capabilities.untrustedWorkspaces.supported);
  assert.ok(fs.existsSync(path.join(ROOT, pkg.icon)), 'the icon exists');
  const typesVscode = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8'));
  assert.match(typesVscode.version, /^1\.93\./, 'compiled against the engines floor');
});

test('no file of the pure core imports vscode', () => {
  const core = path.join(ROOT, 'src', 'core');
  const offenders: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/from 'vscode'|require\('vscode'\)/.test(fs.readFileSync(p, 'utf8'))) offenders.push(p);
    }
  };
  walk(core);
  assert.deepEqual(offenders, []);
});
