/**
 * The audit view and the panel beside the approval modal speak through the l10n bundle:
 * every word they show is a key of l10n/bundle.l10n.json, and with a translated bundle (a
 * pseudo-locale built from the English one) the HTML and the words handed to the webview
 * script are the translated ones, with no English left over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditViewHtml } from '../../src/ui/auditViewHtml';
import { previewPanelHtml, compactSummary } from '../../src/ui/previewHtml';
import { previewText } from '../../src/ui/previewText';
import { PREVIEW_TITLE } from '../../src/ui/previewTitle';
import { auditViewText, type Translate } from '../../src/webview/auditView/text';
import type { Preview } from '../../src/core/preview';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const bundle = JSON.parse(fs.readFileSync(path.join(ROOT, 'l10n', 'bundle.l10n.json'), 'utf8')) as Record<string, string>;

/** A pseudo-locale: every English value wrapped in ⟦…⟧, placeholders kept. */
const pseudo: Record<string, string> = Object.fromEntries(Object.entries(bundle).map(([k, v]) => [k, `⟦${v}⟧`]));

/** Looks a message up as vscode.l10n.t does in a translated window; a missing key fails the test. */
const fromBundle = (b: Record<string, string>): Translate => (message) => {
  assert.ok(message in b, `"${message}" is a key of l10n/bundle.l10n.json`);
  return b[message];
};

/** The text nodes and attribute values a person (or a screen reader) gets from the HTML. */
function visibleWords(html: string): string[] {
  const body = html.slice(html.indexOf('<body'));
  const texts = body.replace(/<script[\s\S]*?<\/script>/g, '').split(/<[^>]*>/).map((s) => s.trim());
  const attrs = [...body.matchAll(/\s(?:aria-label|title|placeholder)="([^"]*)"/g)].map((m) => m[1]);
  return [...texts, ...attrs].filter((s) => s && !/^[\s\u00a0]*$/.test(s));
}

const values = ['allowed', 'denied', 'timed-out', 'observed', 'tamper', 'production', 'staging', 'development', 'unknown', 'critical', 'high', 'low', 'none', 'terminal', 'task', 'shim', 'cursor', 'claude-code', 'copilot', 'file-watch', 'cli', 'editor'];

test('every word of the audit view is a key of the bundle, and its English value is the key', () => {
  let n = 0;
  auditViewText((m) => {
    n++;
    assert.equal(bundle[m], m, `"${m}"`);
    return m;
  });
  assert.ok(n > 50, `${n} words`);
});

test('every word of the preview panel is a key of the bundle; the panel title the UI tests find is the English value', () => {
  previewText((m) => {
    assert.equal(bundle[m], m, `"${m}"`);
    return m;
  });
  assert.equal(bundle[PREVIEW_TITLE], PREVIEW_TITLE);
});

test('the audit view in a pseudo-locale: the HTML and the words handed to its script come from the bundle', () => {
  const text = auditViewText(fromBundle(pseudo));
  const html = auditViewHtml({ cspSource: 'vscode-resource:', nonce: 'bm9uY2U=', cssUri: 'a.css', jsUri: 'a.js', text, lang: 'qps-ploc' });
  assert.match(html, /<html lang="qps-ploc">/);
  assert.match(html, /<title>⟦TwoKey Audit Log⟧<\/title>/);
  assert.match(html, /role="columnheader">⟦Decided by⟧/);
  assert.match(html, /aria-label="⟦Resize the ⟦Time⟧ column⟧"/);
  const untranslated = visibleWords(html).filter((w) => !w.startsWith('⟦') && !values.includes(w));
  assert.deepEqual(untranslated, [], 'English left in the page');
  // The script's words travel in data-text (HTML-escaped JSON) and read back whole.
  const attr = /<body data-text="([^"]*)">/.exec(html)?.[1] ?? '';
  const handed = JSON.parse(attr.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  assert.deepEqual(handed, text);
  assert.equal(handed.records[1], '⟦{0} records⟧');
  assert.equal(handed.decisionLabels['timed-out'], '⟦timed out⟧');
});

const preview: Preview = {
  title: 'What would be lost: rm -rf work',
  summary: '2 files would be deleted.',
  sections: [{ heading: 'Files and folders that would be deleted', lines: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }],
};
const facts = { command: 'rm -rf work', environment: 'production', evidence: [], risk: 'high', what: 'Deletes work', origin: "terminal 'bash'", confirm: 'production' };

test('the preview panel in a pseudo-locale: its own words come from the bundle (the preview text is data)', () => {
  const text = previewText(fromBundle(pseudo));
  for (const p of [undefined, preview]) {
    const html = previewPanelHtml({ nonce: 'n', cspSource: 'x', facts, preview: p, text, lang: 'qps-ploc' });
    assert.match(html, /<title>⟦TwoKey: what would be lost⟧<\/title>/);
    assert.match(html, /<h1 id="title">⟦What would be lost⟧<\/h1>/);
    assert.match(html, /⟦Answer in the TwoKey dialog: <strong>⟦Deny⟧<\/strong> \(Enter, Escape or closing it\) or <strong>⟦Allow once⟧<\/strong>, then type <code>production<\/code>.⟧/);
    const data = [facts.command, facts.environment, `${facts.risk}: ${facts.what}`, facts.origin, preview.summary, preview.sections[0].heading, ...preview.sections[0].lines];
    // The answer line is one translated template around bold words (matched whole above).
    const rest = html.replace(/<p class="answer">[\s\S]*?<\/p>/, '');
    const untranslated = visibleWords(rest).filter((w) => !w.startsWith('⟦') && !data.includes(w));
    assert.deepEqual(untranslated, [], 'English left in the panel');
  }
  assert.match(compactSummary(preview, '/ws', 2, text).at(-1) ?? '', /⟦… 5 more in the panel beside⟧/);
});
