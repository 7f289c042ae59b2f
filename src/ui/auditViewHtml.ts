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
<main id="main">
  <section id="table" role="grid" aria-label="Audit records, newest first" aria-rowcount="0" data-total="0" data-loaded="0" data-loading="true">
    <div id="table-header" role="row">
      <span class="cell time" role="columnheader">Time</span>
      <span class="cell source" role="columnheader">Source</span>
      <span class="cell command" role="columnheader">Command</span>
      <span class="cell environment" role="columnheader">Environment</span>
      <span class="cell risk" role="columnheader">Risk</span>
      <span class="cell decision" role="columnheader">Decision</span>
      <span class="cell decided-by" role="columnheader">Decided by</span>
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
