/** Canonical JSON, shared by the audit chain's hashes and the comparisons of policy and hook entries. */

/**
 * The JSON Canonicalization Scheme (RFC 8785, JCS) for I-JSON values: no whitespace, object
 * keys sorted by their UTF-16 code units at every level, numbers and strings written as
 * ECMAScript's JSON.stringify writes them (which is what JCS specifies). Tested against the
 * RFC's examples in test/unit/canonicalJson.test.ts.
 *
 * Where JCS would refuse a value that is not I-JSON, this writes what JSON.stringify does
 * instead of throwing, because a record must always hash: `NaN` and `±Infinity` become
 * `null`, a lone surrogate is escaped (`"\ud800"`), `undefined` members are left out and an
 * `undefined` array item or value is `null`. Objects are read by their own enumerable keys
 * (`toJSON` is not called).
 *
 * The audit chain's hash input: the output must never change (a checked-in log,
 * test/fixtures/audit/canonical, must keep verifying).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i) out += ',';
      const v = value[i];
      out += v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v);
    }
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || typeof v === 'function') continue;
    if (!first) out += ',';
    first = false;
    out += JSON.stringify(k) + ':' + canonicalJson(v);
  }
  return out + '}';
}
