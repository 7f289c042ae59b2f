/**
 * Entry point for the in-host tests, runner-agnostic: the VS Code server harness
 * (scripts/run-vscode-tests.mjs) and @vscode/test-electron's runTests both call `run()`.
 * Results also go to the file named by TWOKEY_TEST_RESULT when it is set, because the
 * browser-hosted workbench does not close by itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  const dir = __dirname;
  for (const f of fs.readdirSync(dir).sort()) {
    if (f.endsWith('.test.js')) mocha.addFile(path.join(dir, f));
  }
  const lines: string[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on('pass', (t) => lines.push(`ok - ${t.fullTitle()}`));
    runner.on('fail', (t, err: Error) => lines.push(`not ok - ${t.fullTitle()}\n  ${String(err?.stack ?? err).split('\n').join('\n  ')}`));
  });
  const out = process.env.TWOKEY_TEST_RESULT;
  if (out) fs.writeFileSync(out, JSON.stringify({ failures, passes: lines.filter((l) => l.startsWith('ok')).length, lines }, null, 2));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
