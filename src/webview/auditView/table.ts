/**
 * The records table: the host keeps the records; the table asks for pages of PAGE rows as
 * they come into view and renders only the visible ones, absolutely positioned inside a
 * spacer as tall as all matching rows. Record text goes in through textContent, never HTML.
 */
import { byId, saveState, text, vscode } from './api';
import { fmtTime, fill, fullTime, plural } from './format';
import type { ViewFiltersMsg, ViewRow } from './protocol';

export const ROW_H = 24;
export const PAGE = 200;
const OVERSCAN = 10;

export const el = {
  decision: byId<HTMLSelectElement>('filter-decision'),
  environment: byId<HTMLSelectElement>('filter-environment'),
  risk: byId<HTMLSelectElement>('filter-risk'),
  source: byId<HTMLSelectElement>('filter-source'),
  search: byId<HTMLInputElement>('search'),
  clear: byId<HTMLButtonElement>('clear-filters'),
  follow: byId<HTMLInputElement>('follow'),
  count: byId('count'),
  status: byId('status'),
  table: byId('table'),
  viewport: byId('viewport'),
  spacer: byId('spacer'),
  rows: byId('rows'),
  empty: byId('empty'),
};

const saved = vscode.getState() ?? {};
export const state = {
  filters: saved.filters ?? { decision: '', environment: '', risk: '', source: '', text: '' },
  gen: 1,
  total: 0,
  loaded: 0,
  loading: true,
  pages: new Map<number, ViewRow[]>(),
  pending: new Set<number>(),
  selectedId: saved.selectedId ?? '',
  selectedIndex: -1,
};

export function save(): void {
  saveState({ filters: state.filters, selectedId: state.selectedId });
}

export function request(page: number, force = false): void {
  if (page < 0 || state.pending.has(page) || (!force && state.pages.has(page))) return;
  state.pending.add(page);
  vscode.postMessage({ type: 'query', gen: state.gen, filters: state.filters, start: page * PAGE, count: PAGE });
}

/** The page in view. */
export function pageInView(): number {
  return Math.floor(Math.floor(el.viewport.scrollTop / ROW_H) / PAGE);
}

/** Forget cached rows (filters changed, or records arrived) and fetch what is visible. */
export function refresh(resetScroll: boolean): void {
  state.gen++;
  state.pages.clear();
  state.pending.clear();
  if (resetScroll) el.viewport.scrollTop = 0;
  request(pageInView());
  render();
}

export function filtersActive(): boolean {
  const f: ViewFiltersMsg = state.filters;
  return Boolean(f.decision || f.environment || f.risk || f.source || (f.text || '').trim());
}

export const decisionLabel = (d: string) => text.decisionLabels[d] ?? d;
export const deciderLabel = (d: string) => text.deciderLabels[d] ?? d;

function cell(cls: string, value: string, title?: string): HTMLSpanElement {
  const s = document.createElement('span');
  s.className = 'cell ' + cls;
  s.textContent = value;
  if (title) s.title = title;
  s.setAttribute('role', 'gridcell');
  return s;
}

function makeRow(r: ViewRow, index: number): HTMLDivElement {
  const row = document.createElement('div');
  row.className = 'row' + (index % 2 ? ' odd' : '') + (r.id === state.selectedId ? ' selected' : '');
  row.setAttribute('role', 'row');
  row.setAttribute('aria-rowindex', String(index + 1));
  Object.assign(row.dataset, {
    index: String(index),
    seq: String(r.seq),
    id: r.id,
    decision: r.decision,
    environment: r.environment,
    risk: r.risk,
    source: r.source,
  });
  row.style.transform = `translateY(${index * ROW_H}px)`;
  row.append(
    cell('time', fmtTime(r.ts), fullTime(r.ts)),
    cell('source', r.source),
    cell('command', r.command, r.command),
    cell('environment env-' + r.environment, r.environment),
    cell('risk risk-' + r.risk, r.risk),
    cell('decision decision-' + r.decision, decisionLabel(r.decision)),
    cell('decided-by', deciderLabel(r.decidedBy)),
  );
  return row;
}

export function rowAt(i: number): ViewRow | undefined {
  const page = state.pages.get(Math.floor(i / PAGE));
  return page ? page[i % PAGE] : undefined;
}

let frame = 0;
export function render(): void {
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
    const all = plural(state.loaded, text.records);
    const count = state.total !== state.loaded ? fill(text.countFiltered, state.total.toLocaleString(), all) : all;
    el.count.textContent = state.loading ? fill(text.countLoading, count) : count;
  });
}

/** Selects the row at `index`, scrolls it into view and asks the host for its detail. */
export function select(index: number): void {
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
