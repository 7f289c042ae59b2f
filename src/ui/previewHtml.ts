/**
 * "What would be lost", for people: the compact summary that goes into the approval modal's
 * detail and the HTML of the panel beside it. No `vscode` import, so both are unit-tested.
 */
import type { Preview } from '../core/preview';
import { ENGLISH, type PreviewText } from './previewText';

/** Absolute paths under the workspace root, written relative to it (`/ws/src/a.ts` → `src/a.ts`). */
export function workspaceRelative(text: string, root: string | undefined): string {
  if (!root || root === '/') return text;
  const r = root.replace(/\/+$/, '');
  const esc = r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The root itself followed by a path separator, or standing alone (then `.`).
  const before = '(?<![\\w./~-])';
  return text.replace(new RegExp(`${before}${esc}/`, 'g'), '').replace(new RegExp(`${before}${esc}(?![\\w.-])`, 'g'), '.');
}

const KEY_SECTIONS = [/^Uncommitted or untracked/i, /commit/i, /^Whole git repositories/i, /^Files and folders/i, /resource|request|cloud|database|cluster/i];

/**
 * The few lines a person must see before deciding: the summary sentence(s), then the first
 * lines of the sections that matter most (work git cannot restore, dropped commits, whole
 * repositories, the files themselves, cloud resources), paths relative to the workspace.
 */
export function compactSummary(p: Preview, root: string | undefined, maxLines = 5, text: PreviewText = ENGLISH): string[] {
  const out = [workspaceRelative(p.summary, root)];
  const sections = p.sections.filter((s) => s.heading !== 'Why TwoKey asks');
  const ordered = [...sections].sort((a, b) => rank(a.heading) - rank(b.heading));
  let left = maxLines;
  let more = 0;
  for (const s of ordered) {
    const lines = s.lines.filter((l) => !/^In the repository /.test(l));
    if (!lines.length) continue;
    if (left <= 0) {
      more += lines.length;
      continue;
    }
    out.push(`${s.heading}:`);
    for (const l of lines.slice(0, left)) out.push(`  ${workspaceRelative(l.trim(), root)}`);
    more += Math.max(0, lines.length - left);
    left -= Math.min(left, lines.length);
  }
  if (more) out.push(`  ${fill(text.more, more)}`);
  if (p.incomplete) out.push(`(${p.incomplete})`);
  return out;
}

function rank(heading: string): number {
  const i = KEY_SECTIONS.findIndex((re) => re.test(heading));
  return i < 0 ? KEY_SECTIONS.length : i;
}

export interface PanelFacts {
  command: string;
  environment: string;
  evidence: string[];
  risk: string;
  what: string;
  origin: string;
  /** Typed confirmation: the word to type after `Allow once`. */
  confirm?: string;
}

/** `fill('{0} and {1}', a, b)`: placeholders by position; others stay. */
const fill = (template: string, ...args: Array<string | number>) =>
  template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The panel beside the modal: themed by VS Code's own colour variables (light, dark, high
 * contrast), landmarks and headings for screen readers, no script (CSP allows only the
 * nonce'd inline style). `preview` undefined: still counting (a progress bar, aria-busy).
 */
export function previewPanelHtml(o: {
  nonce: string;
  cspSource: string;
  facts: PanelFacts;
  preview?: Preview;
  root?: string;
  answered?: string;
  /** The words (default English; the extension's come from vscode.l10n). */
  text?: PreviewText;
  /** The display language, for <html lang>. */
  lang?: string;
}): string {
  const f = o.facts;
  const t = o.text ?? ENGLISH;
  const rel = (s: string) => esc(workspaceRelative(s, o.root));
  const csp = `default-src 'none'; style-src 'nonce-${esc(o.nonce)}'; img-src ${esc(o.cspSource)};`;
  const body: string[] = [];
  if (!o.preview) {
    body.push(
      `<section aria-busy="true" aria-labelledby="counting"><h2 id="counting">${esc(t.counting)}</h2>`,
      `<progress aria-label="${esc(t.counting)}"></progress>`,
      `<p>${esc(t.answerNow)}</p></section>`,
    );
  } else {
    const p = o.preview;
    body.push(`<section aria-labelledby="summary-h"><h2 id="summary-h">${esc(t.summary)}</h2><p id="summary" class="summary">${rel(p.summary)}</p>`);
    if (p.incomplete) body.push(`<p class="incomplete" role="note">${rel(p.incomplete)}</p>`);
    body.push('</section>');
    p.sections.forEach((s, i) => {
      body.push(`<section aria-labelledby="s${i}"><h2 id="s${i}">${rel(s.heading)}</h2><ul>`);
      for (const l of s.lines) {
        const depth = /^ */.exec(l)![0].length >= 2 ? ' class="sub"' : '';
        body.push(`<li${depth}>${rel(l.trim())}</li>`);
      }
      body.push('</ul></section>');
    });
  }
  const answer = o.answered
    ? `<p class="answer" role="status">${esc(o.answered)}</p>`
    : `<p class="answer">${fill(esc(f.confirm ? t.answerTyped : t.answer), `<strong>${esc(t.deny)}</strong>`, `<strong>${esc(t.allowOnce)}</strong>`, `<code>${esc(f.confirm ?? '')}</code>`)}</p>`;
  return `<!DOCTYPE html>
<html lang="${esc(o.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(t.title)}</title>
<style nonce="${esc(o.nonce)}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.2em 1.2em; line-height: 1.45; }
h1 { font-size: 1.3em; margin: .8em 0 .3em; }
h2 { font-size: 1.05em; margin: 1em 0 .3em; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); }
code, .cmd { font-family: var(--vscode-editor-font-family); }
.cmd { display: block; padding: .4em .6em; background: var(--vscode-textCodeBlock-background); border: 1px solid var(--vscode-contrastBorder, transparent); white-space: pre-wrap; word-break: break-all; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; margin: .6em 0; }
dt { color: var(--vscode-descriptionForeground); }
dd { margin: 0; }
.summary { font-weight: 600; }
.incomplete { color: var(--vscode-editorWarning-foreground); }
ul { margin: .2em 0; padding-left: 1.4em; }
li.sub { margin-left: 1.2em; list-style: circle; }
progress { width: 100%; accent-color: var(--vscode-progressBar-background); }
.answer { margin-top: 1.2em; padding: .5em .7em; border-left: 3px solid var(--vscode-focusBorder); background: var(--vscode-textBlockQuote-background); }
</style>
</head>
<body>
<main aria-labelledby="title">
<h1 id="title">${esc(t.heading)}</h1>
<code class="cmd" aria-label="${esc(t.command)}">${rel(f.command)}</code>
<dl>
<dt>${esc(t.environment)}</dt><dd id="environment">${esc(f.environment)}</dd>
<dt>${esc(t.evidence)}</dt><dd>${f.evidence.length ? f.evidence.map(rel).join('<br>') : esc(t.noSignal)}</dd>
<dt>${esc(t.risk)}</dt><dd>${esc(f.risk)}: ${rel(f.what)}</dd>
<dt>${esc(t.from)}</dt><dd>${esc(f.origin)}</dd>
</dl>
${body.join('\n')}
${answer}
</main>
</body>
</html>`;
}
