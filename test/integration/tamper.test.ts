/**
 * In-host: a line that switches a terminal's gate off (here from inside a sourced file that a
 * background job rewrites after the engine read it) is detected at the next prompt: the badge shows the terminal
 * compromised (red), a `tamper` record is written, and the next command from that terminal
 * waits for a person (in the test host nobody can answer, so it is refused).
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

describe('A tampered terminal', () => {
  it('is marked compromised in the badge, recorded as tamper, and its next command is asked about', async function () {
    this.timeout(120_000);
    const a = await apiOf<Api>();
    const script = path.join(ws(), 'innocent.sh');
    fs.writeFileSync(script, 'true\n');
    const after = path.join(ws(), 'after-tamper.txt');
    fs.rmSync(after, { force: true });
    assert.doesNotMatch(a.badge().text, /compromised/);
    const t = vscode.window.createTerminal({ name: 'twokey-tamper', shellPath: '/bin/bash', cwd: ws() });
    // This terminal's records only (other tests' terminals may have been recorded before).
    const before = records(a).length;
    const mine = () => records(a).slice(before).filter((r) => r.terminal === 'twokey-tamper' || String(r.command).startsWith('echo ran >'));
    try {
      await new Promise((r) => setTimeout(r, 1500));
      // The engine reads innocent.sh when the line is checked (harmless then); the job rewrites
      // it before the source runs: what slipped through is caught by the integrity check.
      t.sendText(`(sleep 3; echo 'trap - DEBUG' > innocent.sh) &`);
      await new Promise((r) => setTimeout(r, 300));
      t.sendText('sleep 5; source ./innocent.sh');
      const rec = await waitFor('a tamper record', () => mine().find((r) => r.decision === 'tamper'), 60_000);
      assert.match(String(rec.command), /DEBUG trap was removed/);
      assert.deepEqual(rec.rules, ['guard.tamper']);
      assert.equal(rec.terminal, 'twokey-tamper');
      await waitFor('the badge to show the terminal compromised', () => /compromised/.test(a.badge().text), 10_000);
      assert.match(a.badge().tooltip, /Terminal 'twokey-tamper' was tampered with/);
      // The next command, harmless as it is, waits for a person; none can answer here.
      t.sendText(`echo ran > ${after}`);
      await waitFor('the next command to be refused and recorded', () => mine().find((r) => String(r.command).startsWith('echo ran >') && r.decision !== 'allowed'), 60_000);
      assert.ok(!fs.existsSync(after), 'the command after the tampering did not run');
    } finally {
      t.dispose();
    }
  });
});
