/**
 * Runs test/integration inside the extension host of each real VS Code server version,
 * with the project folder as the extension under development.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT, VERSIONS, launchBrowser, startServer, tmpDir, workbenchUrl } from './vscode';

async function runOne(version: string): Promise<boolean> {
  const resultFile = path.join(tmpDir('twokey-itest-'), 'result.json');
  const workspace = tmpDir('twokey-itest-ws-');
  fs.cpSync(path.join(PROJECT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  // A kubeconfig of the test's own, so the environment tests never touch the real one.
  const kubeconfig = path.join(tmpDir('twokey-itest-kube-'), 'config');
  // TWOKEY_TEST_PROMPTS: questions (credential watch, elevation) go to a port the in-host tests
  // answer, since the test host refuses modals. ITEST_PROD_DB_PASSWORD: a production secret
  // the editor holds, for the masked-variables test.
  const server = await startServer({
    version,
    env: {
      TWOKEY_TEST_RESULT: resultFile,
      TWOKEY_TEST_WORKSPACE: workspace,
      KUBECONFIG: kubeconfig,
      TWOKEY_TEST_PROMPTS: '1',
      ITEST_PROD_DB_PASSWORD: 'itest-Pr0d-s3cret-value',
      // A home of the test's own: the watch reads ~/.aws and friends, never the real ones.
      HOME: tmpDir('twokey-itest-home-'),
    },
  });
  const browser = await launchBrowser();
  const started = Date.now();
  let exitCode: number | undefined;
  try {
    const page = await browser.newPage();
    await page.exposeFunction('codeAutomationExit', (code: number) => {
      exitCode = code;
    });
    const remote = `vscode-remote://127.0.0.1:${server.port}`;
    await page.goto(
      workbenchUrl(server, workspace, [
        ['extensionDevelopmentPath', remote + PROJECT],
        ['extensionTestsPath', remote + path.join(PROJECT, 'out', 'test', 'integration', 'index.js')],
      ]),
    );
    const deadline = Date.now() + 8 * 60_000;
    while (!fs.existsSync(resultFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    if (!fs.existsSync(resultFile)) {
      console.error(`VS Code ${version}: no integration result after 8 minutes (exit code ${exitCode ?? 'none'})`);
      console.error(server.output().slice(-4000));
      return false;
    }
    const res = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { failures: number; passes: number; lines: string[] };
    for (const l of res.lines) console.log(`[vscode ${version}] ${l}`);
    console.log(
      `[vscode ${version}] integration: ${res.passes} passed, ${res.failures} failed in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
    return res.failures === 0 && res.passes > 0;
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  let ok = true;
  for (const v of VERSIONS) ok = (await runOne(v)) && ok;
  process.exitCode = ok ? 0 : 1;
}

void main();
