/**
 * Agent hooks through a real window: the packaged VSIX in a VS Code server, the workbench in
 * Chromium, and `node dist/cli.js hook <agent>` started the way Claude Code or Cursor would
 * start it. The request reaches the window's broker, TwoKey's modal asks the person, the
 * button is clicked, and the hook prints the agent's answer; the extension writes the record.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PROJECT, VERSIONS, tmpDir, type Server } from '../support/vscode';
import {
  answerInputBox,
  clickDialogButton,
  openPackaged,
  waitForDialog,
  waitUntil,
} from './workbench';
import { findRegistration } from '../../src/intercept/protocol';

const CLI = path.join(PROJECT, 'dist', 'cli.js');

interface HookRun {
  done: Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
}

function startHook(agent: string, payload: object): HookRun {
  const started = Date.now();
  const p = spawn(process.execPath, [CLI, 'hook', agent], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  p.stdin.end(JSON.stringify(payload));
  return { done: new Promise((resolve) => p.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }))) };
}

function records(ws: string): Record<string, unknown>[] {
  const f = path.join(ws, '.twokey', 'audit.jsonl');
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
}

for (const version of VERSIONS) {
  describe(`VS Code ${version}: agent hooks ask the person in TwoKey's modal`, () => {
    let server: Server;
    let browser: Browser;
    let page: Page;
    let ws: string;

    before(async () => {
      ws = tmpDir('twokey-e2e-hooks-ws-');
      fs.cpSync(path.join(PROJECT, 'test', 'fixtures', 'workspace'), ws, { recursive: true });
      ({ server, browser, page } = await openPackaged(version, ws));
      await waitUntil('the window to register its broker for the workspace', () => findRegistration(ws), 60_000);
    });

    after(async () => {
      await browser?.close();
      await server?.stop();
    });

    it('a harmless Claude Code Bash call is answered by the warm broker without a prompt', async () => {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await startHook('claude-code', { session_id: 's-harmless', cwd: ws, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls -la' } }).done;
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout), { continue: true });
        times.push(r.ms);
      }
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0);
      times.sort((a, b) => a - b);
      console.log(`# hook via the broker, harmless Bash: median ${times[3]} ms of 7 (process start included)`);
    });

    it('Claude Code rm -rf: the modal asks, Deny, and the hook prints a deny with exit 2', async () => {
      const run = startHook('claude-code', { session_id: 's-deny', cwd: ws, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf victim' } });
      const text = await waitForDialog(page);
      assert.match(text, /^TwoKey/m);
      assert.match(text, /rm -rf victim/);
      assert.match(text, /claude-code agent/);
      await clickDialogButton(page, 'Deny');
      const r = await run.done;
      assert.equal(r.code, 2);
      const out = JSON.parse(r.stdout).hookSpecificOutput;
      assert.equal(out.permissionDecision, 'deny');
      assert.match(out.permissionDecisionReason, /^TwoKey: refused `rm -rf victim`.*a person denied it in the TwoKey prompt/);
      assert.ok(fs.existsSync(path.join(ws, 'victim', 'data.txt')));
      const rec = await waitUntil('the record', () => records(ws).find((x) => x.session === 's-deny'));
      assert.equal(rec.source, 'claude-code');
      assert.equal(rec.decision, 'denied');
      assert.equal(rec.decidedBy, 'human');
    });

    it('Cursor MCP DROP TABLE: Allow once with the typed confirmation, and the hook prints allow', async () => {
      const run = startHook('cursor', {
        conversation_id: 'conv-allow',
        hook_event_name: 'beforeMCPExecution',
        workspace_roots: [ws],
        tool_name: 'query',
        tool_input: { sql: 'DROP TABLE users' },
        command: 'npx -y @modelcontextprotocol/server-postgres postgresql://app@prod-db.internal/app',
      });
      const text = await waitForDialog(page);
      assert.match(text, /mcp server-postgres\.query sql=DROP TABLE users/);
      assert.match(text, /production/);
      await clickDialogButton(page, 'Allow once');
      await answerInputBox(page, 'production');
      const r = await run.done;
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { permission: 'allow' });
      const rec = await waitUntil('the record', () => records(ws).find((x) => x.session === 'conv-allow'));
      assert.equal(rec.source, 'cursor');
      assert.equal(rec.decision, 'allowed');
      assert.equal(rec.decidedBy, 'human');
      assert.deepEqual(rec.rules, ['db.sql.drop']);
    });

    it('Copilot read_file of .env is refused by policy in the window, with no prompt', async () => {
      const r = await startHook('copilot', { hookEventName: 'PreToolUse', sessionId: 'cp-read', cwd: ws, tool_name: 'read_file', tool_input: { filePath: path.join(ws, '.env') } }).done;
      assert.equal(r.code, 2);
      assert.match(JSON.parse(r.stdout).hookSpecificOutput.permissionDecisionReason, /cred\.secret-read/);
      assert.equal(await page.locator('.monaco-dialog-box').count(), 0);
    });
  });
}
