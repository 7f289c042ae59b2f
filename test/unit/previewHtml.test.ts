/**
 * What a person reads before deciding: the compact summary in the approval modal and the
 * panel beside it (paths relative to the workspace, the sections that matter first, HTML
 * escaped, a progress state while counting).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactSummary, previewPanelHtml, workspaceRelative } from '../../src/ui/previewHtml';
import type { Preview } from '../../src/core/preview';

const preview: Preview = {
  title: 'What would be lost: rm -rf work',
  summary: '2 files in 2 folders (30 B) would be deleted. 2 files with uncommitted or untracked work would be lost for good.',
  sections: [
    { heading: 'Files and folders that would be deleted', lines: ['/ws/work/ (folder: 2 files, 1 subfolder, 30 B)', '  notes.md (16 B)', '  draft/', '  draft/idea.ts (11 B)'] },
    { heading: 'Uncommitted or untracked work git cannot restore', lines: ['In the repository /ws:', '  work/notes.md (untracked)', '  work/draft/idea.ts (untracked)'] },
    { heading: 'Why TwoKey asks', lines: ['fs.rm.recursive (high): deletes /ws/work'] },
  ],
};

test('absolute paths under the workspace become relative; others stay', () => {
  assert.equal(workspaceRelative('deletes /ws/work and /ws', '/ws'), 'deletes work and .');
  assert.equal(workspaceRelative('/wsx/a and /other/ws/b', '/ws'), '/wsx/a and /other/ws/b');
  assert.equal(workspaceRelative('/ws/a', undefined), '/ws/a');
  assert.equal(workspaceRelative('/ws/a', '/ws/'), 'a');
});

test('the compact summary puts work git cannot restore first, bounded, relative', () => {
  const lines = compactSummary(preview, '/ws', 3);
  assert.match(lines[0], /^2 files in 2 folders/);
  assert.equal(lines[1], 'Uncommitted or untracked work git cannot restore:');
  assert.deepEqual(lines.slice(2, 4), ['  work/notes.md (untracked)', '  work/draft/idea.ts (untracked)']);
  assert.equal(lines[4], 'Files and folders that would be deleted:');
  assert.equal(lines[5], '  work/ (folder: 2 files, 1 subfolder, 30 B)');
  assert.equal(lines[6], '  … 3 more in the panel beside');
  assert.ok(!lines.some((l) => l.includes('Why TwoKey asks')), 'the rule list is in the modal already');
  assert.ok(!lines.some((l) => l.includes('/ws/')));
});

test('an incomplete preview says so in the summary', () => {
  const lines = compactSummary({ ...preview, incomplete: 'preview incomplete: time limit (3,000 ms) reached' }, '/ws');
  assert.match(lines[lines.length - 1], /time limit/);
});

const facts = { command: 'rm -rf <work>', environment: 'production', evidence: ['.env NODE_ENV = production → production'], risk: 'high', what: 'Deletes /ws/work', origin: "terminal 'bash'", confirm: 'production' };

test('the panel escapes what it shows, is themed, and has no script', () => {
  const html = previewPanelHtml({ nonce: 'n0nce', cspSource: 'vscode-resource:', facts, preview, root: '/ws' });
  assert.ok(html.includes('rm -rf &lt;work&gt;'));
  assert.ok(!html.includes('<work>'));
  assert.ok(!/<script/i.test(html), 'no script in the panel');
  assert.match(html, /default-src 'none'; style-src 'nonce-n0nce'/);
  assert.match(html, /var\(--vscode-foreground\)/);
  assert.match(html, /work\/notes\.md \(untracked\)/);
  assert.match(html, /Deletes work/);
  assert.match(html, /type <code>production<\/code>/);
});

test('while counting, the panel shows progress and says the dialog can be answered now', () => {
  const html = previewPanelHtml({ nonce: 'n', cspSource: 'x', facts });
  assert.match(html, /aria-busy="true"/);
  assert.match(html, /<progress/);
  assert.match(html, /answer the dialog now/);
});
