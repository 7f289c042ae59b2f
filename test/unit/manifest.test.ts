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
  assert.deepEqual(pkg.activationEvents, ['onStartupFinished']);
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.ok(pkg.capabilities.untrustedWorkspaces.supported);
  assert.ok(fs.existsSync(path.join(ROOT, pkg.icon)), 'the icon exists');
});

test('engines.vscode is the oldest VS Code the tests run, and the code compiles against that API', () => {
  // The versions the integration and UI tiers run by default, and the ones the setup installs.
  const support = fs.readFileSync(path.join(ROOT, 'test', 'support', 'vscode.ts'), 'utf8');
  const tested = /TWOKEY_VSCODE_VERSIONS \?\? '([^']+)'/.exec(support)?.[1].split(/\s+/);
  const setup = fs.readFileSync(path.join(ROOT, 'scripts', 'setup-vscode.sh'), 'utf8');
  const installed = /VERSIONS="\$\{TWOKEY_VSCODE_VERSIONS:-([^}"]+)\}"/.exec(setup)?.[1].split(/\s+/);
  assert.ok(tested?.length, 'test/support/vscode.ts names the versions it runs');
  assert.deepEqual(installed, tested, 'setup-vscode.sh installs the versions the tests run');
  const minor = (v: string) => Number(v.split('.')[1]);
  const oldest = tested.reduce((a, b) => (minor(b) < minor(a) ? b : a));
  const floor = `1.${minor(oldest)}`;
  assert.equal(pkg.engines.vscode, `^${floor}.0`, `the floor is the oldest tested version (${oldest})`);
  // vsce refuses @types/vscode newer than the floor; older types would hide APIs the floor has.
  assert.equal(pkg.devDependencies['@types/vscode'], `~${floor}.0`);
  const typesVscode = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8'));
  assert.ok(typesVscode.version.startsWith(`${floor}.`), `compiled against the engines floor (@types/vscode ${typesVscode.version})`);
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
