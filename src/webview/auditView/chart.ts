/** Decisions per day at the top of the view, stacked by decision or by environment. */
import { byId, text } from './api';
import { fill, plural } from './format';
import type { ViewDayCounts } from './protocol';

const CHART_KEYS = {
  decision: ['allowed', 'denied', 'timed-out', 'observed'],
  environment: ['production', 'unknown', 'staging', 'development'],
};

const chartEl = { bars: byId('chart-bars'), legend: byId('chart-legend'), box: byId('chart') };
let days: ViewDayCounts[] = [];

function chartBy(): 'decision' | 'environment' {
  const r = document.querySelector<HTMLInputElement>('input[name="chart-by"]:checked');
  return r?.value === 'environment' ? 'environment' : 'decision';
}

/** Draws `next` (or the days last drawn). */
export function drawChart(next?: ViewDayCounts[]): void {
  if (next) days = next;
  chartEl.box.hidden = days.length === 0;
  const by = chartBy();
  const keys = CHART_KEYS[by];
  const max = Math.max(1, ...days.map((d) => d.total));
  const bars = document.createDocumentFragment();
  for (const d of days) {
    const bar = document.createElement('div');
    bar.className = 'bar';
    const parts = keys.filter((k) => d[by][k]).map((k) => `${d[by][k]} ${k}`);
    bar.title = fill(text.barTitle, d.day, plural(d.total, text.decisions), parts.join(', '));
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
  chartEl.bars.setAttribute(
    'aria-label',
    days.length
      ? fill(text.chartSummary, plural(total, text.decisions), plural(days.length, text.days), days[0].day, days[days.length - 1].day)
      : text.noDecisions,
  );
  const legend = document.createDocumentFragment();
  for (const k of keys) {
    const s = document.createElement('span');
    s.className = `key mark-${k}`;
    s.textContent = k;
    legend.append(s);
  }
  chartEl.legend.replaceChildren(legend);
}

for (const r of document.querySelectorAll('input[name="chart-by"]')) r.addEventListener('change', () => drawChart());
