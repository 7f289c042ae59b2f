/**
 * In-host tests: the extension as installed in a real VS Code, its manifest, its broker
 * and its gate in a real bash terminal.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXT_ID, api as apiOf, ws, waitFor } from './helpers';

const api = () => apiOf<Api>();

interface Api {
  socketPath: string;
  auditFile: string | undefined;
}

function ask(socketPath: string, req: object): Promise<{ decision: string; message: string; outcome?: string }> {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(socketPath);
    let buf = '';
    s.on('connect', () => s.write(JSON.stringify(req) + '\n'));
    s.on('data', (d) => (buf += d));
    s.on('end', () => {
      try {
        resolve(JSON.parse(buf));
      } catch (e) {
        reject(e);
      }
    });
    s.on('error', reject);
  });
}


describe('TwoKey in a real VS Code', () => {
  it('activates on startup and exposes its broker', async () => {
    const a = await api();
    assert.ok(fs.existsSync(a.socketPath), `socket ${a.socketPath} exists`);
    assert.equal(a.auditFile, path.join(ws(), '.twokey', 'audit.jsonl'));
  });

  it('registers every command its manifest contributes, and no other twokey command', async () => {
    await api();
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    const declared = pkg.contributes.commands.map((c) => c.command).sort();
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('twokey.')).sort();
    assert.deepEqual(registered, declared);
  });

  it("writes the agents' hook launcher, which runs this TwoKey's CLI with this editor's Node", async () => {
    await apiOf();
    const base = process.env.TWOKEY_STATE_DIR || (process.env.XDG_STATE_HOME ? path.join(process.env.XDG_STATE_HOME, 'twokey') : path.join(os.homedir(), '.local', 'state', 'twokey'));
    const launcher = path.join(base, 'bin', 'twokey-hook');
    const text = await waitFor('the launcher', () => fs.existsSync(launcher) && fs.readFileSync(launcher, 'utf8'));
    const ext = vscode.extensions.getExtension(EXT_ID)!;
    assert.ok(text.includes(path.join(ext.extensionPath, 'dist', 'cli.js')), 'it names this extension');
    assert.ok(text.includes(process.execPath), "and this editor's Node");
    // Not spawnSync: the hook asks this very extension host's broker.
    const p = spawn(launcher, ['hook', 'claude-code'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.stdin.end(JSON.stringify({ session_id: 's', cwd: ws(), hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls -la' } }));
    const code = await new Promise<number | null>((resolve) => p.on('close', resolve));
    assert.equal(code, 0, err);
    assert.deepEqual(JSON.parse(out), { continue: true });
  });

  it('refuses a gate request with a wrong secret', async () => {
    const a = await api();
    const r = await ask(a.socketPath, { v: 1, secret: 'wrong', source: 'terminal', command: 'ls', cwd: ws() });
    assert.equal(r.decision, 'deny');
    assert.match(r.message, /secret/);
  });

  it('puts the gate into new terminals and lets harmless commands run', async () => {
    await api();
    const out = path.join(ws(), 'gate-env.txt');
    const t = vscode.window.createTerminal({ name: 'twokey-itest', shellPath: '/bin/bash', cwd: ws() });
    try {
      t.sendText(`echo "$TWOKEY_SOCKET|$(declare -F __twokey_trap)" > ${out}; ls > /dev/null && echo listed >> ${out}`);
      const text = await waitFor('the terminal to write its environment', () =>
        fs.existsSync(out) && fs.readFileSync(out, 'utf8').includes('listed') ? fs.readFileSync(out, 'utf8') : undefined,
      );
      const [sock, trap] = text.split('\n')[0].split('|');
      assert.equal(sock, (await api()).socketPath);
      assert.match(trap, /^__twokey_trap\b/, 'the gate installed its DEBUG trap at the first prompt');
    } finally {
      t.dispose();
    }
  });

  it('stops a destructive command in a real bash terminal when no person can be asked, and records it', async function () {
    // The extension-test host refuses to show modal dialogs, so the prompt fails: the gate
    // must refuse (never run), and the refusal is on record. The modal itself is UI-tested.
    this.timeout(90_000);
    const a = await api();
    const victim = path.join(ws(), 'victim');
    assert.ok(fs.existsSync(victim));
    const marker = path.join(ws(), 'after-refusal.txt');
    const t = vscode.window.createTerminal({ name: 'twokey-refusal', shellPath: '/bin/bash', cwd: ws() });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      t.sendText('rm -rf victim');
      t.sendText(`echo "rc=$?" > ${marker}`);
      const rc = await waitFor('the refused command to finish', () =>
        // undefined until the shell has written the line, not just created the file
        fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() || undefined : undefined, 60_000);
      assert.equal(rc, 'rc=130', 'the whole line was interrupted');
      assert.ok(fs.existsSync(path.join(victim, 'data.txt')), 'the folder is still there');
      const records = fs.readFileSync(a.auditFile!, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const rec = records.find((r) => r.command === 'rm -rf victim');
      assert.ok(rec, 'a record for the command');
      assert.equal(rec.decision, 'denied');
      assert.equal(rec.source, 'terminal');
      assert.equal(rec.terminal, 'twokey-refusal');
      assert.ok(rec.rules.includes('fs.rm.recursive'));
      assert.match(rec.hash, /^[0-9a-f]{64}$/, 'the record is chained');
    } finally {
      t.dispose();
    }
  });
});
