/**
 * Column widths: each fixed column as wide as its header or its longest possible value,
 * measured in the font the cells use; then a header's handle (drag, or arrow keys) changes
 * it, and that width is kept.
 */
import { saveState, text, vscode } from './api';
import { fmtTime } from './format';

/** Columns whose values have a coloured mark before them (1.2em wide, see audit-view.css). */
const MARKED = new Set(['environment', 'risk']);

const COLUMN_VALUES: Record<string, () => string[]> = {
  time: () => [fmtTime('2026-12-28T23:58:58Z')],
  source: () => ['terminal', 'task', 'shim', 'cursor', 'claude-code', 'copilot', 'file-watch'],
  environment: () => ['production', 'staging', 'development', 'unknown'],
  risk: () => ['critical', 'high', 'low', 'none'],
  decision: () => Object.values(text.decisionLabels).map((l) => '✓ ' + l),
  'decided-by': () => Object.values(text.deciderLabels),
};

function fitColumns(): void {
  const probe = document.querySelector('#table-header .cell.time');
  const ctx = document.createElement('canvas').getContext('2d');
  if (!probe || !ctx) return;
  const cs = getComputedStyle(probe);
  const rowFont = getComputedStyle(document.body).font;
  const em = parseFloat(getComputedStyle(document.body).fontSize) || 13;
  for (const col of Object.keys(COLUMN_VALUES)) {
    const header = document.querySelector(`#table-header .cell.${col}`);
    ctx.font = cs.font; // headers are bold
    let w = ctx.measureText(header?.textContent ?? '').width + 8; // the resize handle
    // Marked values may be bold (production, unknown, critical): measured in the header's weight.
    ctx.font = MARKED.has(col) ? cs.font : rowFont;
    const mark = MARKED.has(col) ? 1.2 * em : 0;
    for (const v of COLUMN_VALUES[col]()) w = Math.max(w, ctx.measureText(v).width + mark);
    document.documentElement.style.setProperty(`--w-${col}`, `${Math.ceil(w) + 18}px`);
  }
}

/** Fits the columns, applies the widths the person chose before, and wires the handles. */
export function setUpColumns(): void {
  fitColumns();
  const savedWidths: Record<string, string> = vscode.getState()?.widths ?? {};
  for (const col of Object.keys(savedWidths)) document.documentElement.style.setProperty(`--w-${col}`, savedWidths[col]);
  const setWidth = (col: string, px: number) => {
    const w = `${Math.max(48, Math.round(px))}px`;
    document.documentElement.style.setProperty(`--w-${col}`, w);
    savedWidths[col] = w;
    saveState({ widths: savedWidths });
  };
  for (const h of document.querySelectorAll<HTMLElement>('#table-header .resize')) {
    const col = h.dataset.col ?? '';
    const width = () => h.parentElement?.getBoundingClientRect().width ?? 0;
    h.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      const start = e.clientX;
      const from = width();
      h.setPointerCapture(e.pointerId);
      const move = (ev: PointerEvent) => setWidth(col, from + ev.clientX - start);
      const up = () => {
        h.removeEventListener('pointermove', move);
        h.removeEventListener('pointerup', up);
      };
      h.addEventListener('pointermove', move);
      h.addEventListener('pointerup', up);
    });
    h.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowLeft') setWidth(col, width() - 10);
      else if (e.key === 'ArrowRight') setWidth(col, width() + 10);
      else return;
      e.preventDefault();
    });
  }
}
