/**
 * The audit view's HTML (no `vscode` import, so a browser harness can load it too).
 * Strict CSP: nothing but the extension's own stylesheet and one script with a nonce.
 */
export interface AuditViewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** A fresh nonce from crypto.randomBytes, base64. */
  nonce: string;
  cssUri: string;
  jsUri: string;
}

const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

export function auditViewHtml(o: AuditViewHtmlOptions): string {
  o = { cspSource: attr(o.cspSource), nonce: attr(o.nonce), cssUri: attr(o.cssUri), jsUri: attr(o.jsUri) };
    const csp = [
      "default-src 'none'",
      `style-src ${o.cspSource}`,
      `script-src 'nonce-${o.nonce}'`,
      `font-src ${o.cspSource}`,
      `img-src ${o.cspSource}`,
    ].join('; ');
    const opts = (label: string, values: string[]) =>
      `<option value="">${label}</option>` + values.map((v) => `<option value="${v}">${v}</option>`).join('');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.cssUri}">
<title>TwoKey Audit Log</title>
</head>
<body>
<header id="toolbar" role="toolbar" aria-label="Audit log filters">
  <select id="filter-decision" aria-label="Decision">${opts('All decisions', ['allowed', 'denied', 'timed-out', 'observed', 'tamper'])}</select>
  <select id="filter-environment" aria-label="Environment">${opts('All environments', ['production', 'staging', 'development', 'unknown'])}</select>
  <select id="filter-risk" aria-label="Risk">${opts('All risks', ['critical', 'high', 'low', 'none'])}</select>
  <select id="filter-source" aria-label="Source">${opts('All sources', ['terminal', 'task', 'shim', 'cursor', 'claude-code', 'copilot', 'file-watch', 'cli', 'editor'])}</select>
  <input id="search" type="search" placeholder="Search commands, folders, rules, reasons" aria-label="Search">
  <button id="clear-filters" type="button" title="Clear filters">Clear</button>
  <label id="follow-label" title="Show new records as they arrive"><input id="follow" type="checkbox" checked> Follow</label>
  <span class="spacer"></span>
  <span id="count" aria-live="polite"></span>
  <button id="verify" type="button" title="Check the hash chain">Verify</button>
  <button id="export-csv" type="button">Export CSV</button>
  <button id="export-json" type="button">Export JSON</button>
</header>
<div id="status" role="status" aria-live="polite"></div>
<figure id="chart" aria-labelledby="chart-caption">
  <figcaption id="chart-caption"><span>Decisions per day (UTC)</span>
    <span class="chart-by" role="radiogroup" aria-label="Colour the bars by">
      <label><input type="radio" name="chart-by" value="decision" checked> by decision</label>
      <label><input type="radio" name="chart-by" value="environment"> by environment</label>
    </span>
  </figcaption>
  <div id="chart-bars" role="img" aria-label="No decisions yet"></div>
  <div id="chart-legend" aria-hidden="true"></div>
</figure>
<main id="main">
  <section id="table" role="grid" aria-label="Audit records, newest first" aria-rowcount="0" data-total="0" data-loaded="0" data-loading="true">
    <div id="table-header" role="row">
      <span class="cell time" role="columnheader">Time<span class="resize" data-col="time" role="separator" aria-orientation="vertical" aria-label="Resize the Time column" tabindex="0"></span></span>
      <span class="cell source" role="columnheader">Source<span class="resize" data-col="source" role="separator" aria-orientation="vertical" aria-label="Resize the Source column" tabindex="0"></span></span>
      <span class="cell command" role="columnheader">Command</span>
      <span class="cell environment" role="columnheader">Environment<span class="resize" data-col="environment" role="separator" aria-orientation="vertical" aria-label="Resize the Environment column" tabindex="0"></span></span>
      <span class="cell risk" role="columnheader">Risk<span class="resize" data-col="risk" role="separator" aria-orientation="vertical" aria-label="Resize the Risk column" tabindex="0"></span></span>
      <span class="cell decision" role="columnheader">Decision<span class="resize" data-col="decision" role="separator" aria-orientation="vertical" aria-label="Resize the Decision column" tabindex="0"></span></span>
      <span class="cell decided-by" role="columnheader">Decided by<span class="resize" data-col="decided-by" role="separator" aria-orientation="vertical" aria-label="Resize the Decided by column" tabindex="0"></span></span>
    </div>
    <div id="viewport" tabindex="0">
      <div id="spacer"></div>
      <div id="rows" role="rowgroup"></div>
    </div>
    <div id="empty" hidden>No records match.</div>
  </section>
  <aside id="detail" hidden aria-label="Record detail">
    <div id="detail-header"><strong id="detail-title">Record</strong><button id="detail-close" type="button" title="Close">Close</button></div>
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
