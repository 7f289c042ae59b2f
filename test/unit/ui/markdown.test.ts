/**
 * Repository-controlled text in a Markdown tooltip renders as the text itself: checked by
 * rendering with markdown-it (CommonMark with links, HTML and bare-address linking on, the
 * riskiest settings) and reading back the text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeSpan, escapeMarkdown } from '../../../src/ui/markdown';

const MarkdownIt = require('markdown-it') as new (o: object) => { renderInline(s: string): string; render(s: string): string };
const md = new MarkdownIt({ html: true, linkify: true });

/** What a reader sees: the HTML's text, with no element left in it. */
function rendered(markdown: string): { html: string; text: string } {
  const html = md.renderInline(markdown);
  const text = html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return { html, text };
}

const HOSTILE = [
  '[click me](https://evil.example/x)',
  '![img](https://evil.example/p.png)',
  '<img src=x onerror=alert(1)>',
  '**bold** _under_ ~~gone~~',
  '`code` and ``two``',
  'www.evil.example and https://evil.example and me@evil.example',
  '$(error) $(sync~spin) icon',
  '&amp; &#x41; &copy;',
  'a | b | c',
  'C:\\Users\\me\\.aws\\credentials',
  'postgres://u@db.prod.example:5432/app_db',
  '<https://evil.example>',
  '[ref]: https://evil.example',
];

test('escaped text renders as itself: no element, link, entity or emphasis comes out', () => {
  for (const s of HOSTILE) {
    const { html, text } = rendered(escapeMarkdown(s));
    assert.ok(!/<[a-z]/i.test(html), `${s} → ${html}`);
    assert.equal(text, s, `${s} reads back as typed`);
  }
});

test('unescaped, the same text would have made links and elements (the test can fail)', () => {
  const made = HOSTILE.filter((s) => /<[a-z]/i.test(md.renderInline(s)));
  assert.ok(made.length >= 6, `${made.length} of the examples make elements`);
});

test('a line break or a leading block marker cannot start a new block', () => {
  for (const s of ['- item', '# Heading', '1. first', '> quote', '===', 'ok\n# Heading\n- item']) {
    const html = md.render(`Terminal ${escapeMarkdown(s)}`);
    assert.match(html, /^<p>Terminal [^<]*<\/p>\n$/, `${JSON.stringify(s)} → ${html}`);
    const alone = md.render(escapeMarkdown(s));
    assert.match(alone, /^<p>[^<]*<\/p>\n$/, `${JSON.stringify(s)} alone → ${alone}`);
  }
  assert.equal(escapeMarkdown('a\r\nb\nc'), 'a b c');
});

test('a code span holds any text, backticks included, literally', () => {
  for (const s of ['NODE_ENV', 'a`b', '``x``', '`lead', 'trail`', ' spaced ', '[x](y) <b>', '']) {
    const html = md.renderInline(codeSpan(s));
    const m = /^<code>([\s\S]*)<\/code>$/.exec(html);
    assert.ok(m, `${JSON.stringify(s)} → ${html}`);
    const inner = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    assert.equal(inner.trim(), s.trim(), `${JSON.stringify(s)} reads back`);
  }
});
