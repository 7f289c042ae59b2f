/**
 * The audit view's HTML (no `vscode` import, so a browser harness can load it too), in the
 * words of `text` (src/webview/auditView/text.ts; the extension's come from vscode.l10n).
 * Strict CSP: nothing but the extension's own stylesheet and one script with a nonce.
 */
import type { AuditViewText } from '../webview/auditView/text';

export interface AuditViewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh nonce from crypto.randomBytes, base64. */
  nonce: string;
  cssUri: string;
  jsUri: string;
  text: AuditViewText;
  /** The display language (`vscode.env.language`), for <html lang>. */
  lang?: string;
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function auditViewHtml(options: AuditViewHtmlOptions): string {
  const o = { cspSource: attr(options.cspSource), nonce: attr(options.nonce), cssUri: attr(options.cssUri), jsUri: attr(options.jsUri) };
  const t = options.text;
  const w = (s: string) => attr(s);
  const c = t.columns;
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource}`,
  ].join('; ');
  const opts = (label: string, values: string[]) =>
    `<option value="">${w(label)}</option>` + values.map((v) => `<option value="${v}">${v}</option>`).join('');
  const header = (cls: string, label: string) =>
    `<span class="cell ${cls}" role="columnheader">${w(label)}<span class="resize" data-col="${cls}" role="separator" aria-orientation="vertical" aria-label="${w(t.resizeColumn.replace('{0}', label))}" tabindex="0"></span></span>`;
  return `<!DOCTYPE html>
<html lang="${w(options.lang ?? 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.cssUri}">
<title>${w(t.title)}</title>
</head>
<body data-text="${w(JSON.stringify(t))}">
<header id="toolbar" role="toolbar" aria-label="${w(t.toolbar)}">
  <select id="filter-decision" aria-label="${w(c.decision)}">${opts(t.allDecisions, ['allowed', 'denied', 'timed-out', 'observed', 'tamper'])}</select>
  <select id="filter-environment" aria-label="${w(c.environment)}">${opts(t.allEnvironments, ['production', 'staging', 'development', 'unknown'])}</select>
  <select id="filter-risk" aria-label="${w(c.risk)}">${opts(t.allRisks, ['critical', 'high', 'low', 'none'])}</select>
  <select id="filter-source" aria-label="${w(c.source)}">${opts(t.allSources, ['terminal', 'task', 'shim', 'cursor', 'claude-code', 'copilot', 'file-watch', 'cli', 'editor'])}</select>
  <input id="search" type="search" placeholder="${w(t.searchPlaceholder)}" aria-label="${w(t.search)}">
  <button id="clear-filters" type="button" title="${w(t.clearTitle)}">${w(t.clear)}</button>
  <label id="follow-label" title="${w(t.followTitle)}"><input id="follow" type="checkbox" checked> ${w(t.follow)}</label>
  <span class="spacer"></span>
  <span id="count" aria-live="polite"></span>
  <button id="verify" type="button" title="${w(t.verifyTitle)}">${w(t.verify)}</button>
  <button id="export-csv" type="button">${w(t.exportCsv)}</button>
  <button id="export-json" type="button">${w(t.exportJson)}</button>
</header>
<div id="status" role="status" aria-live="polite"></div>
<figure id="chart" aria-labelledby="chart-caption">
  <figcaption id="chart-caption"><span>${w(t.chartCaption)}</span>
    <span class="chart-by" role="radiogroup" aria-label="${w(t.chartBy)}">
      <label><input type="radio" name="chart-by" value="decision" checked> ${w(t.byDecision)}</label>
      <label><input type="radio" name="chart-by" value="environment"> ${w(t.byEnvironment)}</label>
    </span>
  </figcaption>
  <div id="chart-bars" role="img" aria-label="${w(t.noDecisions)}"></div>
  <div id="chart-legend" aria-hidden="true"></div>
</figure>
<main id="main">
  <section id="table" role="grid" aria-label="${w(t.tableLabel)}" aria-rowcount="0" data-total="0" data-loaded="0" data-loading="true">
    <div id="table-header" role="row">
      ${header('time', c.time)}
      ${header('source', c.source)}
      <span class="cell command" role="columnheader">${w(c.command)}</span>
      ${header('environment', c.environment)}
      ${header('risk', c.risk)}
      ${header('decision', c.decision)}
      ${header('decided-by', c.decidedBy)}
    </div>
    <div id="viewport" tabindex="0">
      <div id="spacer"></div>
      <div id="rows" role="rowgroup"></div>
    </div>
    <div id="empty" hidden>${w(t.noMatch)}</div>
  </section>
  <aside id="detail" hidden aria-label="${w(t.detailLabel)}">
    <div id="detail-header"><strong id="detail-title">${w(t.record)}</strong><button id="detail-close" type="button" title="${w(t.close)}">${w(t.close)}</button></div>
    <dl id="detail-body"></dl>
  </aside>
</main>
<script nonce="${o.nonce}" src="${o.jsUri}"></script>
</body>
</html>`;
}

export interface DayCounts {
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  total: number;
  decision: Record<string, number>;
  environment: Record<string, number>;
}

/** Decisions per UTC day, by decision and by environment, for the chart at the top of the view. */
export class DailyCounts {
  private readonly days = new Map<string, DayCounts>();

  add(records: Iterable<{ ts: string; decision: string; environment: string }>): void {
    for (const r of records) {
      const day = typeof r.ts === 'string' ? r.ts.slice(0, 10) : '';
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) continue;
      let d = this.days.get(day);
      if (!d) this.days.set(day, (d = { day, total: 0, decision: {}, environment: {} }));
      d.total++;
      d.decision[r.decision] = (d.decision[r.decision] ?? 0) + 1;
      d.environment[r.environment] = (d.environment[r.environment] ?? 0) + 1;
    }
  }

  /** The last `max` days that have records, oldest first. */
  latest(max = 60): DayCounts[] {
    return [...this.days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)).slice(-max);
  }
}
