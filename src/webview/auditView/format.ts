/** Formatting for the audit view: templates, counts, times. */
import type { AuditViewText } from './text';

/** `fill('{0} of {1}', 3, 10)` → `3 of 10`. */
export function fill(template: string, ...args: Array<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));
}

/** `1 record`, `2 records`, `1,234 records` (the number in the reader's locale). */
export function plural(n: number, forms: AuditViewText['records']): string {
  return fill(n === 1 ? forms[0] : forms[1], n.toLocaleString());
}

/** The full moment, for the time cell's tooltip: local time with its zone, and the record's own UTC stamp. */
export function fullTime(ts: string): string {
  const d = new Date(ts);
  if (isNaN(d.getTime())) return String(ts || '');
  return `${d.toLocaleString(undefined, { dateStyle: 'full', timeStyle: 'long' })} (${ts})`;
}

/** `2026-12-28 23:58:58`, local time. */
export function fmtTime(ts: string): string {
  const d = new Date(ts);
  if (isNaN(d.getTime())) return String(ts || '');
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
