// Runs the in-host integration tests or the UI tests against real VS Code servers.
//   node scripts/run-vscode-tests.mjs integration|ui
// Sets up the servers and Chromium first (idempotent, cached), builds what the tier needs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Strings only the test port has (src/ui/prompt.ts, src/ui/credentialWatch.ts). */
const TEST_SEAMS = ['TWOKEY_TEST_PROMPTS', '_twokey.testing', 'approved in a test'];

const tier = process.argv[2];
if (tier !== 'integration' && tier !== 'ui') {
  console.error('usage: run-vscode-tests.mjs integration|ui');
  process.exit(64);
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) {
    console.error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
    process.exit(r.status || 1);
  }
}

run('bash', ['scripts/setup-vscode.sh']);
run('npm', ['run', '--silent', 'compile-tests']);
if (tier === 'integration') {
  run('npm', ['run', '--silent', 'build', '--', '--test']);
  run(process.execPath, ['out/test/support/run-integration.js']);
} else {
  run('npm', ['run', '--silent', 'package']);
  // The VSIX carries only what the extension needs at run time.
  const ls = spawnSync('npx', ['vsce', 'ls', '--no-dependencies'], { encoding: 'utf8' });
  const files = ls.stdout.split('\n').filter(Boolean);
  const stray = files.filter((f) => !/^(dist\/[^/]+\.(js|wasm)|media\/.+|l10n\/[^/]+\.json|package\.json|package\.nls\.json|README\.md|CHANGELOG\.md|LICENSE)$/.test(f));
  if (ls.status !== 0 || files.length === 0 || stray.length) {
    console.error(`vsce ls: unexpected files in the package: ${stray.join(', ') || ls.stderr}`);
    process.exit(1);
  }
  console.log(`vsce ls: ${files.length} files, all run-time files`);
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  // The test port that stands in for the person exists only in the integration tier's build.
  const vsixFile = `twokey-${version}.vsix`;
  const bundle = spawnSync('unzip', ['-p', vsixFile, 'extension/dist/extension.js'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seams = TEST_SEAMS.filter((s) => bundle.stdout.includes(s));
  if (bundle.status !== 0 || !bundle.stdout.length || seams.length) {
    console.error(`${vsixFile}: the packaged extension carries the test port (${seams.join(', ') || bundle.stderr})`);
    process.exit(1);
  }
  console.log(`${vsixFile}: no test port in the packaged extension`);
  run(process.execPath, ['--test', '--test-concurrency=1', 'out/test/e2e/'], { TWOKEY_VSIX: `${process.cwd()}/twokey-${version}.vsix` });
}
