/**
 * In-host, real bash and zsh: a terminal whose gate is switched off by a line that slipped
 * past the engine (a sourced file rewritten after the check) keeps running commands that shell
 * integration reports. The extension notices it two ways: a line it refused earlier runs and
 * ends normally (recorded as `tamper`: it ran although refused), and the gate's heartbeat stops
 * while commands go on (recorded as `tamper`: the gate stopped running). The badge shows the
 * terminal compromised.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api as apiOf, records, waitFor, ws } from './helpers';

interface Api {
  auditFile?: string;
  badge(): { text: string; tooltip: string };
}

/** What the rewritten file does: removes the gate's hooks and keeps VS Code's own. */
const KILL: Record<string, string> = {
  bash: ['builtin trap "$__twokey_vsc \\"\\$_\\"" DEBUG', "__vsc_original_prompt_command=''", ''].join('\n'),
  zsh: ['TRAPDEBUG() { return 0; }', 'preexec_functions=(${preexec_functions:#__twokey_preexec})', 'precmd_functions=(${precmd_functions:#__twokey_precmd})', ''].join('\n'),
};

for (const shell of ['bash', 'zsh']) {
  describe(`A ${shell} terminal whose gate was switched off`, () => {
    it('is noticed: a refused line that ran anyway and the missing heartbeat are recorded as tamper, and the badge turns red', async function () {
      this.timeout(240_000);
      if (typeof vscode.window.onDidStartTerminalShellExecution !== 'function') this.skip();
      const shellPath = ['/bin', '/usr/bin'].map((d) => path.join(d, shell)).find((p) => fs.existsSync(p));
      if (!shellPath) this.skip();
      const a = await apiOf<Api>();
      const name = `twokey-gone-${shell}`;
      const victim = path.join(ws(), `gone-victim-${shell}-${Date.now()}`);
      fs.mkdirSync(path.join(victim, 'sub'), { recursive: true });
      fs.writeFileSync(path.join(victim, 'sub', 'keep.txt'), 'data\n');
      const script = path.join(ws(), `innocent-${shell}.sh`);
      fs.writeFileSync(script, 'true\n');
      const t = vscode.window.createTerminal({ name, shellPath, cwd: ws() });
      const before = records(a).length;
      const mine = () => records(a).slice(before).filter((r) => r.terminal === name || String(r.command).includes(victim));
      try {
        await waitFor('shell integration', () => t.shellIntegration !== undefined, 30_000);
        t.sendText('echo ready');
        await new Promise((r) => setTimeout(r, 1500));
        // Refused: nobody can answer in the test host.
        t.sendText(`rm -rf ${victim}`);
        await waitFor('the refusal', () => mine().find((r) => String(r.command).includes(victim) && r.decision !== 'observed' && r.decision !== 'tamper'), 90_000);
        assert.ok(fs.existsSync(victim), 'the gate held the first time');
        // The engine reads the file when the line is checked (harmless then); it changes before it runs.
        t.sendText(`sleep 4; source ./${path.basename(script)}`);
        await new Promise((r) => setTimeout(r, 2000));
        fs.writeFileSync(script, KILL[shell]);
        await new Promise((r) => setTimeout(r, 4000));
        // The gate is gone: the refused line runs this time.
        t.sendText(`rm -rf ${victim}`);
        await waitFor('the refused line to run', () => !fs.existsSync(victim), 30_000);
        const ranAnyway = await waitFor(
          'a tamper record: ran although refused',
          () => mine().find((r) => r.decision === 'tamper' && /although TwoKey refused it/.test(String(r.command))),
          60_000,
        );
        assert.deepEqual(ranAnyway.rules, ['guard.tamper']);
        assert.equal(ranAnyway.terminal, name);
        // The heartbeat: the prompts stopped counting while commands go on.
        const stopped = await waitFor(
          'a tamper record: the gate stopped running',
          async () => {
            const r = mine().find((x) => x.decision === 'tamper' && /gate stopped running: no heartbeat/.test(String(x.command)));
            if (!r) {
              t.sendText('echo tick');
              await new Promise((res) => setTimeout(res, 2000));
            }
            return r;
          },
          90_000,
        );
        assert.equal(stopped.terminal, name);
        await waitFor('the badge to show the terminal compromised', () => /compromised/.test(a.badge().text), 10_000);
        assert.match(a.badge().tooltip, new RegExp(`Terminal '${name}' was tampered with`));
        // Closing the terminal ends the mark.
        t.dispose();
        await waitFor('the badge to clear once the terminal is closed', () => !/compromised/.test(a.badge().text), 20_000);
      } finally {
        t.dispose();
        fs.rmSync(victim, { recursive: true, force: true });
        fs.rmSync(script, { force: true });
      }
    });
  });
}
