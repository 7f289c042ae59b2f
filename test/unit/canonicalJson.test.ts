/**
 * canonicalJson is the JSON Canonicalization Scheme (RFC 8785, JCS) for I-JSON values,
 * checked against the RFC's own examples; and audit logs hashed with it keep verifying.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson } from '../../src/core/json';
import { parseKey, verifyChain } from '../../src/core/audit';

const ROOT = path.resolve(__dirname, '..', '..', '..');

test('RFC 8785 section 3.2.2: the sample object (literals, numbers, string escapes)', () => {
  // The RFC's input, written as a JSON text and parsed, as a JCS implementation receives it.
  const input = JSON.parse(String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`) as unknown;
  assert.equal(
    canonicalJson(input),
    String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
  );
});

test('RFC 8785 section 3.2.3: properties sorted by UTF-16 code units, at every level', () => {
  const input = JSON.parse(String.raw`{
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  }`) as Record<string, string>;
  const out = canonicalJson(input);
  assert.equal(Object.keys(JSON.parse(out) as object).length, 7);
  // The order the RFC gives: U+000D, "1", U+0080, U+00F6, U+20AC, U+D83D U+DE00, U+FB33 (the
  // emoji's high surrogate sorts before U+FB33, though its code point is higher).
  const order = ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'];
  assert.equal(out, '{' + order.map((v) => `${JSON.stringify(Object.keys(input).find((k) => input[k] === v))}:${JSON.stringify(v)}`).join(',') + '}');
  assert.equal(
    out,
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
  // Nested objects are sorted too; arrays keep their order.
  assert.equal(canonicalJson({ b: [{ z: 1, a: 2 }, 0], a: { y: null, x: true } }), '{"a":{"x":true,"y":null},"b":[{"a":2,"z":1},0]}');
});

test('RFC 8785 appendix B: numbers serialised as ECMAScript does, from their IEEE 754 bits', () => {
  const samples: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // minus zero
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  const view = new DataView(new ArrayBuffer(8));
  for (const [bits, expected] of samples) {
    view.setBigUint64(0, BigInt('0x' + bits));
    const n = view.getFloat64(0);
    assert.equal(canonicalJson(n), expected, bits);
    assert.equal(canonicalJson([n]), `[${expected}]`, bits);
    assert.equal(canonicalJson({ n }), `{"n":${expected}}`, bits);
  }
});

test('strings: the six short escapes, other controls as lowercase \\u00hh, everything else as is', () => {
  assert.equal(canonicalJson('\b\t\n\f\r"\\'), '"\\b\\t\\n\\f\\r\\"\\\\"');
  assert.equal(canonicalJson('\u0000\u0001\u000b\u000e\u001f'), '"\\u0000\\u0001\\u000b\\u000e\\u001f"');
  // No escape for '/', DEL, C1 controls, U+2028/U+2029 or characters outside the BMP.
  assert.equal(canonicalJson('/\u007f\u0085\u2028\u2029😀'), '"/\u007f\u0085\u2028\u2029😀"');
});

test('outside I-JSON, where RFC 8785 would refuse, the output stays what the audit chain has always hashed', () => {
  // Non-finite numbers and undefined become null (as JSON.stringify does); undefined members
  // are left out; a lone surrogate is escaped. Documented, never thrown: a record must always hash.
  assert.equal(canonicalJson([NaN, Infinity, -Infinity, undefined]), '[null,null,null,null]');
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  assert.equal(canonicalJson(undefined), 'null');
  assert.equal(canonicalJson('\ud800'), '"\\ud800"');
});

test('an audit log written before this check (a checked-in fixture, with plain and keyed records) still verifies', () => {
  const fixture = path.join(ROOT, 'test', 'fixtures', 'audit', 'canonical');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-jcs-'));
  fs.copyFileSync(path.join(fixture, 'audit.jsonl'), path.join(dir, 'audit.jsonl'));
  const key = parseKey(fs.readFileSync(path.join(fixture, 'audit-key'), 'utf8'));
  assert.ok(key);
  const r = verifyChain(dir, { key, files: [path.join(dir, 'audit.jsonl')] });
  assert.equal(r.ok, true, JSON.stringify(r.firstBroken));
  assert.equal(r.records, 4);
  assert.equal(r.unkeyed, 2);
  assert.equal(r.keyed, 2);
  // The plain records' hash is sha256 of canonicalJson of the record without `hash`.
  const first = JSON.parse(fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8').split('\n')[0]) as Record<string, unknown>;
  const { hash, ...rest } = first;
  assert.equal(crypto.createHash('sha256').update(canonicalJson(rest)).digest('hex'), hash);
  // The check can fail: one changed character in a keyed record breaks the chain there.
  const text = fs.readFileSync(path.join(dir, 'audit.jsonl'), 'utf8');
  fs.writeFileSync(path.join(dir, 'audit.jsonl'), text.replace('kubectl delete ns prod', 'kubectl delete ns prud'));
  const broken = verifyChain(dir, { key, files: [path.join(dir, 'audit.jsonl')] });
  assert.equal(broken.ok, false);
  assert.equal(broken.firstBroken?.seq, 4);
});
