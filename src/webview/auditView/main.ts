/**
 * TwoKey Audit Log webview, bundled by esbuild (scripts/build.mjs) into dist/audit-view.js.
 * The records live in the extension host; this script asks for the rows it is about to show
 * (table.ts), shows one record in the detail pane, the chart of decisions per day, and the
 * results of verify and export. Its words come from the page (text.ts).
 */
import { text, vscode } from './api';
import { drawChart } from './chart';
import { setUpColumns } from './columns';
import { detail, showDetail } from './detail';
import { fill, plural } from './format';
import type { ToView } from './protocol';
import { PAGE, ROW_H, el, filtersActive, pageInView, refresh, render, request, rowAt, save, select, state } from './table';

el.decision.value = state.filters.decision || '';
el.environment.value = state.filters.environment || '';
el.risk.value = state.filters.risk || '';
el.source.value = state.filters.source || '';
el.search.value = state.filters.text || '';

function onFilters(): void {
  state.filters = {
    decision: el.decision.value,
    environment: el.environment.value,
    risk: el.risk.value,
    source: el.source.value,
    text: el.search.value,
  };
  save();
  refresh(true);
}

for (const s of [el.decision, el.environment, el.risk, el.source]) s.addEventListener('change', onFilters);
let searchTimer: ReturnType<typeof setTimeout> | undefined;
el.search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(onFilters, 150);
});
el.clear.addEventListener('click', () => {
  el.decision.value = el.environment.value = el.risk.value = el.source.value = el.search.value = '';
  onFilters();
});
el.viewport.addEventListener('scroll', render, { passive: true });
window.addEventListener('resize', render);
el.rows.addEventListener('click', (e) => {
  const row = (e.target as Element | null)?.closest<HTMLElement>('.row');
  if (row) select(Number(row.dataset.index));
});
el.viewport.addEventListener('keydown', (e) => {
  const i = state.selectedIndex;
  const pageRows = Math.max(1, Math.floor(el.viewport.clientHeight / ROW_H) - 1);
  let next = -1;
  if (e.key === 'ArrowDown') next = Math.min(state.total - 1, i + 1);
  else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
  else if (e.key === 'PageDown') next = Math.min(state.total - 1, i + pageRows);
  else if (e.key === 'PageUp') next = Math.max(0, i - pageRows);
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = state.total - 1;
  else if (e.key === 'Escape') {
    detail.box.hidden = true;
    return;
  } else return;
  e.preventDefault();
  if (next >= 0) {
    if (!rowAt(next)) request(Math.floor(next / PAGE));
    select(next);
  }
});
detail.close.addEventListener('click', () => {
  detail.box.hidden = true;
  state.selectedId = '';
  save();
  render();
});
document.getElementById('verify')?.addEventListener('click', () => {
  el.status.textContent = text.verifying;
  el.status.dataset.kind = 'info';
  vscode.postMessage({ type: 'verify' });
});
document.getElementById('export-csv')?.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv' }));
document.getElementById('export-json')?.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'json' }));

window.addEventListener('message', (event: MessageEvent<ToView>) => {
  const m = event.data;
  switch (m?.type) {
    case 'rows': {
      if (m.gen !== state.gen) return; // an answer for filters or data that changed since
      const page = Math.floor(m.start / PAGE);
      state.pending.delete(page);
      state.pages.set(page, m.rows);
      state.total = m.total;
      state.loaded = m.loaded;
      state.loading = m.loading;
      render();
      break;
    }
    case 'status': {
      // Loading adds older records after the ones already shown: rows already fetched
      // keep their places, so keep them; fetch again only short pages and the one in view
      // (whose answer carries the new total).
      state.loaded = m.loaded;
      state.loading = m.loading;
      for (const [k, rows] of state.pages) if (rows.length < PAGE) state.pages.delete(k);
      request(pageInView(), true);
      render();
      break;
    }
    case 'appended': {
      state.loaded = m.loaded;
      // Following and at the top: stay at the top, where the new records are.
      // Otherwise keep the rows in view where they are by shifting down by what arrived.
      const atTop = el.viewport.scrollTop < ROW_H;
      if (!(el.follow.checked && atTop) && !filtersActive()) el.viewport.scrollTop += m.count * ROW_H;
      if (state.selectedIndex >= 0 && !filtersActive()) state.selectedIndex += m.count;
      refresh(false);
      break;
    }
    case 'detail':
      showDetail(m.record);
      break;
    case 'chart':
      drawChart(m.days);
      break;
    case 'verified': {
      const b = m.firstBroken;
      el.status.dataset.kind = m.ok ? 'ok' : 'error';
      el.status.textContent = m.ok
        ? fill(text.verified, plural(m.records, text.records))
        : fill(text.broken, b?.file ?? '?', b?.line ?? '?', b?.seq ?? '?', b?.reason ?? '');
      break;
    }
    case 'exported':
      el.status.dataset.kind = 'info';
      el.status.textContent = fill(text.exported, plural(m.count, text.records), m.file);
      break;
  }
});

setUpColumns();
vscode.postMessage({ type: 'ready' });
refresh(false);
