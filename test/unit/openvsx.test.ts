/**
 * The package is ready for Open VSX (the registry Cursor installs from) and translatable:
 * the metadata Open VSX and `ovsx publish` read, an icon and gallery banner, every
 * %placeholder% of the manifest defined in package.nls.json, every vscode.l10n string of
 * the UI in l10n/bundle.l10n.json, both shipped in the VSIX, and a walkthrough whose steps
 * point at files and commands that exist.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');
const pkg = JSON.parse(read('package.json'));
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;

test('Open VSX metadata: namespace and name, version, license, description, engines, categories', () => {
  assert.match(pkg.publisher, /^[a-z0-9][a-z0-9-]*$/);
  assert.match(pkg.name, /^[a-z0-9][a-z0-9-]*$/);
  assert.match(pkg.version, /^\d+\.\d+\.\d+(-[\w.]+)?$/);
  assert.ok(pkg.license && fs.existsSync(path.join(ROOT, 'LICENSE')), 'a license and its file');
  assert.ok(pkg.displayName && pkg.description && !pkg.description.includes('%'), 'a literal description (npm shows it too)');
  assert.match(pkg.engines.vscode, /^\^1\.\d+\.\d+$/);
  const known = ['Programming Languages', 'Snippets', 'Linters', 'Themes', 'Debuggers', 'Formatters', 'Keymaps', 'SCM Providers', 'Other', 'Extension Packs', 'Language Packs', 'Data Science', 'Machine Learning', 'Visualization', 'Notebooks', 'Education', 'Testing', 'AI', 'Chat'];
  for (const c of pkg.categories) assert.ok(known.includes(c), `category ${c}`);
  assert.ok(!pkg.activationEvents.includes('*'), 'no "*" activation');
});

test('no placeholder addresses: a repository, homepage or issue tracker is a real https URL or absent, and packaging works without one', () => {
  for (const url of [pkg.repository?.url ?? pkg.repository, pkg.homepage, pkg.bugs?.url ?? pkg.bugs].filter(Boolean)) {
    assert.match(String(url), /^https:\/\//);
    assert.ok(!/example\.(invalid|com|org)|localhost/.test(String(url)), `${url} is a placeholder`);
  }
  const script: string = pkg.scripts.package;
  assert.ok(!/example\./.test(script), 'no placeholder base URLs');
  if (!pkg.repository) assert.match(script, /--allow-missing-repository/, 'vsce and ovsx stop on a missing repository unless told');
  // Relative links stay relative, so every one must be a file the package carries.
  assert.match(script, /--no-rewrite-relative-links/);
  const readme = read('README.md');
  const links = [...readme.matchAll(/\]\(((?!https?:|#|mailto:)[^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(links.length >= 3, 'the README shows its screenshots');
  for (const l of links) {
    assert.ok(fs.existsSync(path.join(ROOT, l)), `${l} exists`);
    assert.match(l, /^media\//, `${l} ships in the package (media/** is in the allow-list)`);
  }
});

test('an icon of at least 128×128 PNG and a gallery banner', () => {
  const png = fs.readFileSync(path.join(ROOT, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.ok(width >= 128 && height >= 128, `${width}×${height}`);
  assert.match(pkg.galleryBanner.color, /^#[0-9a-fA-F]{6}$/);
  assert.ok(['dark', 'light'].includes(pkg.galleryBanner.theme));
});

test('every %placeholder% of the manifest is in package.nls.json, and every entry there is used', () => {
  const text = read('package.json');
  const used = new Set([...text.matchAll(/"%([^"%]+)%"/g)].map((m) => m[1]));
  assert.ok(used.size > 10);
  for (const k of used) assert.ok(nls[k], `package.nls.json defines ${k}`);
  for (const k of Object.keys(nls)) assert.ok(used.has(k), `${k} is used in package.json`);
});

test('every vscode.l10n string in the UI is in l10n/bundle.l10n.json', () => {
  const bundle = JSON.parse(read('l10n/bundle.l10n.json')) as Record<string, string>;
  assert.equal(pkg.l10n, './l10n');
  const uiDir = path.join(ROOT, 'src', 'ui');
  let found = 0;
  for (const f of fs.readdirSync(uiDir).filter((n) => n.endsWith('.ts'))) {
    for (const m of fs.readFileSync(path.join(uiDir, f), 'utf8').matchAll(/vscode\.l10n\.t\('((?:[^'\\]|\\.)*)'/g)) {
      found++;
      assert.ok(m[1] in bundle, `${f}: "${m[1]}" is in the bundle`);
    }
  }
  assert.ok(found > 5);
});

test('the VSIX allow-list ships the manifest translations and the walkthrough files', () => {
  const ignore = read('.vscodeignore');
  assert.match(ignore, /^!package\.nls\.json$/m);
  assert.match(ignore, /^!l10n\/\*\.json$/m);
  assert.match(ignore, /^!media\/\*\*$/m);
});

test('the walkthrough: its steps show files that exist and finish on commands that exist', () => {
  const [w] = pkg.contributes.walkthroughs;
  assert.equal(`${pkg.publisher}.${pkg.name}#${w.id}`, 'twokey.twokey#gettingStarted', 'the id the first run opens');
  const commands = new Set((pkg.contributes.commands as { command: string }[]).map((c) => c.command));
  const ids = w.steps.map((s: { id: string }) => s.id);
  assert.deepEqual(ids, ['badge', 'gate', 'hooks', 'policy']);
  for (const s of w.steps) {
    assert.ok(fs.existsSync(path.join(ROOT, s.media.markdown)), s.media.markdown);
    for (const e of s.completionEvents) {
      const cmd = /^onCommand:(.+)$/.exec(e)?.[1];
      assert.ok(cmd && (commands.has(cmd) || cmd.startsWith('workbench.')), e);
    }
    const desc = nls[s.description.slice(1, -1)];
    for (const m of desc.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(commands.has(m[1]) || m[1].startsWith('workbench.'), m[1]);
  }
});
