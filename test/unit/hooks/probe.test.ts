/**
 * The hook's first look at a shell line without the parser, policy or environment: a line
 * with no rule hit is harmless; a hit, or a line that needs the parser, goes the full way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { harmlessWithoutParser, probeWorkspaceRoot } from '../../../src/core/hooks/probe';
import { findWorkspaceRoot } from '../../../src/core/policy';
import type { AgentCall } from '../../../src/core/hooks/types';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-probe-'));
const ws = path.join(base, 'ws');
fs.mkdirSync(path.join(ws, '.git'), { recursive: true });
fs.mkdirSync(path.join(ws, 'pkg', 'sub', '.twokey'), { recursive: true });
fs.writeFileSync(path.join(ws, 'pkg', 'sub', '.twokey', 'policy.json'), '{}');
fs.mkdirSync(path.join(ws, 'pkg', 'sub', 'deep'), { recursive: true });

const call = (command: string, cwd = ws): AgentCall => ({ agent: 'claude-code', event: 'PreToolUse', kind: 'shell', tool: 'Bash', command, paths: [], cwd, roots: [cwd] });

test('the probe finds the workspace root exactly as the policy loader does', () => {
  for (const d of [ws, path.join(ws, 'pkg'), path.join(ws, 'pkg', 'sub'), path.join(ws, 'pkg', 'sub', 'deep'), base]) {
    assert.equal(probeWorkspaceRoot(d), findWorkspaceRoot(d), d);
  }
});

test('plain lines with no rule hit are harmless without the parser', () => {
  for (const c of ['git status --short', 'npm test', 'ls -la src', 'cat README.md']) assert.equal(harmlessWithoutParser(call(c)), true, c);
});

test('lines with a hit, or that need the parser (quotes, pipes, nested shells), go the full way', () => {
  for (const c of ['rm -rf victim', 'git push --force origin main', 'ls | grep x', 'echo "$(rm -rf /)"', 'sh -c ls', 'bash -c rm', 'kubectl delete ns prod', 'x=1 rm -rf /', 'curl -X DELETE https://api.example.com/x']) {
    assert.equal(harmlessWithoutParser(call(c)), false, c);
  }
});

test('an edit or a task named by label is never judged by the probe', () => {
  assert.equal(harmlessWithoutParser({ ...call('ls'), kind: 'edit' }), false);
  assert.equal(harmlessWithoutParser({ ...call('ls'), command: undefined }), false);
});
