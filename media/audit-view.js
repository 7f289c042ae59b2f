// TwoKey Audit Log webview. Plain JS, no bundler. The records live in the extension host;
// this script asks for the rows it is about to show (pages of PAGE rows) and renders only the
// visible ones, absolutely positioned inside a spacer as tall as all matching rows.
// All record text goes into the DOM through textContent, never as HTML.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const ROW_H = 24;
  const PAGE = 200;
  const OVERSCAN = 10;

  const $ = (id) => document.getElementById(id);
  const el = {
    decision: $('filter-decision'),
    environment: $('filter-environment'),
    risk: $('filter-risk'),
    source: $('filter-source'),
    search: $('search'),
    clear: $('clear-filters'),
    follow: $('follow'),
    count: $('count'),
    status: $('status'),
    table: $('table'),
    viewport: $('viewport'),
    spacer: $('spacer'),
    rows: $('rows'),
    empty: $('empty'),
    detail: $('detail'),
    detailTitle: $('detail-title'),
    detailBody: $('detail-body'),
    detailClose: $('detail-close'),
    verify: $('verify'),
    exportCsv: $('export-csv'),
    exportJson: $('export-json'),
  };

  const saved = vscode.getState() || {};
  const state = {
    filters: saved.filters || { decision: '', environment: '', risk: '', source: '', text: '' },
    gen: 1,
    total: 0,
    loaded: 0,
    loading: true,
    pages: new Map(), // page index -> rows
    pending: new Set(),
    selectedId: saved.selectedId || '',
    selectedIndex: -1,
  };

  el.decision.value = state.filters.decision || '';
  el.environment.value = state.filters.environment || '';
  el.risk.value = state.filters.risk || '';
  el.source.value = state.filters.source || '';
  el.search.value = state.filters.text || '';

  function save() {
    vscode.setState({ ...(vscode.getState() || {}), filters: state.filters, selectedId: state.selectedId });
  }

  function request(page, force) {
    if (page < 0 || state.pending.has(page) || (!force && state.pages.has(page))) return;
    state.pending.add(page);
    vscode.postMessage({ type: 'query', gen: state.gen, filters: state.filters, start: page * PAGE, count: PAGE });
  }

  /** Forget cached rows (filters changed, or records arrived) and fetch what is visible. */
  function refresh(resetScroll) {
    state.gen++;
    state.pages.clear();
    state.pending.clear();
    if (resetScroll) el.viewport.scrollTop = 0;
    const first = Math.floor(el.viewport.scrollTop / ROW_H);
    request(Math.floor(first / PAGE));
    render();
  }

  function onFilters() {
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

  /** `1 record`, `2 records`, `1,234 records`. */
  function plural(n, one, many) {
    return `${n.toLocaleString()} ${n === 1 ? one : many || one + 's'}`;
  }

  /** The full moment, for the time cell's tooltip: local time with its zone, and the record's own UTC stamp. */
  function fullTime(ts) {
    const d = new Date(ts);
    if (isNaN(d.getTime())) return String(ts || '');
    return `${d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' })} (${ts})`;
  }

  function fmtTime(ts) {
    const d = new Date(ts);
    if (isNaN(d.getTime())) return String(ts || '');
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }

  const DECISION_LABEL = { allowed: 'allowed', denied: 'denied', 'timed-out': 'timed out', observed: 'observed' };
  const DECIDER_LABEL = { policy: 'policy', human: 'person', timeout: 'timeout' };

  function cell(cls, text, title) {
    const s = document.createElement('span');
    s.className = 'cell ' + cls;
    s.textContent = text;
    if (title) s.title = title;
    s.setAttribute('role', 'gridcell');
    return s;
  }

  function makeRow(r, index) {
    const row = document.createElement('div');
    row.className = 'row' + (index % 2 ? ' odd' : '') + (r.id === state.selectedId ? ' selected' : '');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(index + 1));
    row.dataset.index = String(index);
    row.dataset.seq = String(r.seq);
    row.dataset.id = r.id;
    row.dataset.decision = r.decision;
    row.dataset.environment = r.environment;
    row.dataset.risk = r.risk;
    row.dataset.source = r.source;
    row.style.transform = `translateY(${index * ROW_H}px)`;
    row.append(
      cell('time', fmtTime(r.ts), fullTime(r.ts)),
      cell('source', r.source),
      cell('command', r.command, r.command),
      cell('environment env-' + r.environment, r.environment),
      cell('risk risk-' + r.risk, r.risk),
      cell('decision decision-' + r.decision, DECISION_LABEL[r.decision] || r.decision),
      cell('decided-by', DECIDER_LABEL[r.decidedBy] || r.decidedBy),
    );
    return row;
  }

  function rowAt(i) {
    const page = state.pages.get(Math.floor(i / PAGE));
    return page ? page[i % PAGE] : undefined;
  }

  let frame = 0;
  function render() {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      const vp = el.viewport;
      el.spacer.style.height = state.total * ROW_H + 'px';
      const first = Math.max(0, Math.floor(vp.scrollTop / ROW_H) - OVERSCAN);
      const last = Math.min(state.total, Math.ceil((vp.scrollTop + vp.clientHeight) / ROW_H) + OVERSCAN);
      const frag = document.createDocumentFragment();
      for (let i = first; i < last; i++) {
        const r = rowAt(i);
        if (!r) {
          request(Math.floor(i / PAGE));
          continue;
        }
        frag.append(makeRow(r, i));
      }
      el.rows.replaceChildren(frag);
      el.empty.hidden = state.total > 0 || state.loading;
      el.table.setAttribute('aria-rowcount', String(state.total));
      el.table.dataset.total = String(state.total);
      el.table.dataset.loaded = String(state.loaded);
      el.table.dataset.loading = String(state.loading);
      const filtered = state.total !== state.loaded;
      el.count.textContent =
        (filtered ? `${state.total.toLocaleString()} of ${plural(state.loaded, 'record')}` : plural(state.loaded, 'record')) +
        (state.loading ? ' (loading…)' : '');
    });
  }

  function select(index) {
    const r = rowAt(index);
    if (!r) return;
    state.selectedId = r.id;
    state.selectedIndex = index;
    save();
    vscode.postMessage({ type: 'detail', id: r.id });
    const vp = el.viewport;
    if (index * ROW_H < vp.scrollTop) vp.scrollTop = index * ROW_H;
    else if ((index + 1) * ROW_H > vp.scrollTop + vp.clientHeight) vp.scrollTop = (index + 1) * ROW_H - vp.clientHeight;
    render();
  }

  function showDetail(rec) {
    const body = el.detailBody;
    body.replaceChildren();
    if (!rec) {
      el.detail.hidden = true;
      return;
    }
    el.detailTitle.textContent = `Record ${rec.seq}`;
    const add = (label, value, cls) => {
      if (value === undefined || value === null || value === '') return;
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.textContent = String(value);
      dd.className = 'detail-' + (cls || label.toLowerCase().replace(/\s+/g, '-'));
      body.append(dt, dd);
    };
    add('Time', `${fmtTime(rec.ts)} (${rec.ts})`);
    add('Decision', rec.decision);
    add('Decided by', DECIDER_LABEL[rec.decidedBy] || rec.decidedBy);
    add('Command', rec.command);
    add('Folder', rec.cwd, 'cwd');
    add('Environment', rec.environment);
    add(
      'Evidence',
      (rec.evidence || []).map((e) => `${e.signal} = ${e.value} → ${e.environment}`).join('\n'),
    );
    add('Risk', rec.risk);
    add('Rules', (rec.rules || []).join('\n'));
    add('Reason', rec.reason);
    add('Source', rec.source);
    add('Terminal', rec.terminal);
    add('Session', rec.session);
    add('User', rec.user);
    add('Duration', `${rec.durationMs} ms`);
    add('Seq', rec.seq);
    add('Id', rec.id);
    add('Prev', rec.prev);
    add('Hash', rec.hash);
    el.detail.hidden = false;
    el.detail.dataset.id = rec.id;
    el.detail.dataset.seq = String(rec.seq);
  }

  // Events.
  for (const s of [el.decision, el.environment, el.risk, el.source]) s.addEventListener('change', onFilters);
  let searchTimer = 0;
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
    const row = e.target.closest('.row');
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
      el.detail.hidden = true;
      return;
    } else return;
    e.preventDefault();
    if (next >= 0) {
      if (!rowAt(next)) request(Math.floor(next / PAGE));
      select(next);
    }
  });
  el.detailClose.addEventListener('click', () => {
    el.detail.hidden = true;
    state.selectedId = '';
    save();
    render();
  });
  el.verify.addEventListener('click', () => {
    el.status.textContent = 'Verifying the hash chain…';
    el.status.dataset.kind = 'info';
    vscode.postMessage({ type: 'verify' });
  });
  el.exportCsv.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'csv' }));
  el.exportJson.addEventListener('click', () => vscode.postMessage({ type: 'export', format: 'json' }));

  window.addEventListener('message', (event) => {
    const m = event.data;
    switch (m && m.type) {
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
        request(Math.floor(Math.floor(el.viewport.scrollTop / ROW_H) / PAGE), true);
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
        state.chart = m.days;
        drawChart();
        break;
      case 'verified': {
        const b = m.firstBroken;
        el.status.dataset.kind = m.ok ? 'ok' : 'error';
        el.status.textContent = m.ok
          ? `✓ The hash chain is intact: ${plural(m.records, 'record')} verified.`
          : `The log is broken at ${b.file} line ${b.line} (seq ${b.seq}): ${b.reason}`;
        break;
      }
      case 'exported':
        el.status.dataset.kind = 'info';
        el.status.textContent = `Exported ${plural(m.count, 'record')} to ${m.file}.`;
        break;
    }
  });

  // Column widths: each fixed column as wide as its header or its longest possible value,
  // measured in the font the cells use; then a header's handle (drag, or arrow keys) changes
  // it, and that width is kept.
  const COLUMN_VALUES = {
    time: [fmtTime('2026-12-28T23:58:58Z')],
    source: ['terminal', 'task', 'shim', 'cursor', 'claude-code', 'copilot', 'file-watch'],
    environment: ['production', 'staging', 'development', 'unknown'],
    risk: ['critical', 'high', 'low', 'none'],
    decision: Object.values(DECISION_LABEL).map((l) => '✓ ' + l),
    'decided-by': Object.values(DECIDER_LABEL),
  };
  function fitColumns() {
    const probe = document.querySelector('#table-header .cell.time');
    if (!probe) return;
    const ctx = document.createElement('canvas').getContext('2d');
    const cs = getComputedStyle(probe);
    const rowFont = getComputedStyle(document.body).font;
    for (const col of Object.keys(COLUMN_VALUES)) {
      const header = document.querySelector(`#table-header .cell.${col}`);
      ctx.font = cs.font; // headers are bold
      let w = ctx.measureText(header ? header.textContent : '').width + 8; // the resize handle
      ctx.font = rowFont;
      for (const v of COLUMN_VALUES[col]) w = Math.max(w, ctx.measureText(v).width);
      document.documentElement.style.setProperty(`--w-${col}`, `${Math.ceil(w) + 18}px`);
    }
  }
  fitColumns();
  const savedWidths = saved.widths || {};
  for (const col of Object.keys(savedWidths)) document.documentElement.style.setProperty(`--w-${col}`, savedWidths[col]);
  function setWidth(col, px) {
    const w = `${Math.max(48, Math.round(px))}px`;
    document.documentElement.style.setProperty(`--w-${col}`, w);
    savedWidths[col] = w;
    vscode.setState({ ...(vscode.getState() || {}), widths: savedWidths });
  }
  for (const h of document.querySelectorAll('#table-header .resize')) {
    const col = h.dataset.col;
    h.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      const start = e.clientX;
      const width = h.parentElement.getBoundingClientRect().width;
      h.setPointerCapture(e.pointerId);
      const move = (ev) => setWidth(col, width + ev.clientX - start);
      const up = () => {
        h.removeEventListener('pointermove', move);
        h.removeEventListener('pointerup', up);
      };
      h.addEventListener('pointermove', move);
      h.addEventListener('pointerup', up);
    });
    h.addEventListener('keydown', (e) => {
      const width = h.parentElement.getBoundingClientRect().width;
      if (e.key === 'ArrowLeft') setWidth(col, width - 10);
      else if (e.key === 'ArrowRight') setWidth(col, width + 10);
      else return;
      e.preventDefault();
    });
  }

  // Decisions per day, stacked by decision or by environment.
  const CHART_KEYS = {
    decision: ['allowed', 'denied', 'timed-out', 'observed'],
    environment: ['production', 'unknown', 'staging', 'development'],
  };
  const chartEl = { bars: $('chart-bars'), legend: $('chart-legend'), box: $('chart') };
  function chartBy() {
    const r = document.querySelector('input[name="chart-by"]:checked');
    return r ? r.value : 'decision';
  }
  function drawChart() {
    const days = state.chart || [];
    chartEl.box.hidden = days.length === 0;
    const by = chartBy();
    const keys = CHART_KEYS[by];
    const max = Math.max(1, ...days.map((d) => d.total));
    const bars = document.createDocumentFragment();
    for (const d of days) {
      const bar = document.createElement('div');
      bar.className = 'bar';
      const parts = keys.filter((k) => d[by][k]).map((k) => `${d[by][k]} ${k}`);
      bar.title = `${d.day}: ${plural(d.total, 'decision')} (${parts.join(', ')})`;
      bar.style.height = `${(d.total / max) * 100}%`;
      for (const k of keys) {
        const n = d[by][k] || 0;
        if (!n) continue;
        const seg = document.createElement('div');
        seg.className = `seg mark-${k}`;
        seg.style.height = `${(n / d.total) * 100}%`;
        bar.append(seg);
      }
      bars.append(bar);
    }
    chartEl.bars.replaceChildren(bars);
    const total = days.reduce((a, d) => a + d.total, 0);
    chartEl.bars.setAttribute('aria-label', days.length ? `${plural(total, 'decision')} over ${plural(days.length, 'day')}, from ${days[0].day} to ${days[days.length - 1].day}` : 'No decisions yet');
    const legend = document.createDocumentFragment();
    for (const k of keys) {
      const s = document.createElement('span');
      s.className = `key mark-${k}`;
      s.textContent = k;
      legend.append(s);
    }
    chartEl.legend.replaceChildren(legend);
  }
  for (const r of document.querySelectorAll('input[name="chart-by"]')) r.addEventListener('change', drawChart);

  function filtersActive() {
    const f = state.filters;
    return Boolean(f.decision || f.environment || f.risk || f.source || (f.text || '').trim());
  }

  vscode.postMessage({ type: 'ready' });
  refresh(false);
})();
