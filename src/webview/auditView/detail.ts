/** The detail pane: every field of one record, as text. */
import { byId, text } from './api';
import { fill, fmtTime } from './format';
import type { ViewRecord } from './protocol';
import { deciderLabel } from './table';

export const detail = {
  box: byId('detail'),
  title: byId('detail-title'),
  body: byId('detail-body'),
  close: byId<HTMLButtonElement>('detail-close'),
};

export function showDetail(rec: ViewRecord | null): void {
  const body = detail.body;
  body.replaceChildren();
  if (!rec) {
    detail.box.hidden = true;
    return;
  }
  detail.title.textContent = fill(text.recordTitle, rec.seq);
  /** One field; `cls` names it for styles and tests whatever the language. */
  const add = (cls: string, label: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    dd.className = 'detail-' + cls;
    body.append(dt, dd);
  };
  const c = text.columns;
  const d = text.detail;
  add('time', c.time, `${fmtTime(rec.ts)} (${rec.ts})`);
  add('decision', c.decision, rec.decision);
  add('decided-by', c.decidedBy, deciderLabel(rec.decidedBy));
  add('command', c.command, rec.command);
  add('cwd', d.folder, rec.cwd);
  add('environment', c.environment, rec.environment);
  add('evidence', d.evidence, (rec.evidence ?? []).map((e) => `${e.signal} = ${e.value} → ${e.environment}`).join('\n'));
  add('risk', c.risk, rec.risk);
  add('rules', d.rules, (rec.rules ?? []).join('\n'));
  add('reason', d.reason, rec.reason);
  add('source', c.source, rec.source);
  add('terminal', d.terminal, rec.terminal);
  add('session', d.session, rec.session);
  add('user', d.user, rec.user);
  add('duration', d.duration, fill(text.milliseconds, String(rec.durationMs)));
  add('seq', d.seq, rec.seq);
  add('id', d.id, rec.id);
  add('prev', d.prev, rec.prev);
  add('hash', d.hash, rec.hash);
  detail.box.hidden = false;
  detail.box.dataset.id = rec.id;
  detail.box.dataset.seq = String(rec.seq);
}
