/**
 * Reading `.twokey/policy.json` (JSON with comments). The shipped JSON schema
 * (`media/policy.schema.json`, compiled ahead of time into `schemaCheck.generated.ts`)
 * decides what is valid; `jsonc-parser` gives each problem its offset and zero-based
 * line/column for the editor. A file with any error contributes nothing: the caller gets
 * the strict defaults and the diagnostics. Never "allow everything" because a file did not
 * parse. What the schema cannot say is checked here: a key written twice in one object,
 * `__proto__`, and the file's own emptiness; an unknown top-level key and an entry listed twice
 * are warnings that do not discard the file.
 */
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { mergePolicyReport } from './merge';
import { schema, validate as compiledCheck } from './schemaCheck.generated';
import type { Policy, PolicyDiagnostic, PolicyInput, PolicyLayer } from './types';

export interface ParsedPolicyLayer {
  /** The layer, when the file had no errors (warnings do not discard it). */
  layer?: PolicyInput;
  diagnostics: PolicyDiagnostic[];
}

export interface ParsedPolicy extends ParsedPolicyLayer {
  /** Defaults + user layer + this file (or defaults + user when the file is broken). */
  policy: Policy;
  /** What an untrusted workspace asked for and did not get. */
  ignored: string[];
}

/** Parse and validate one policy file's text. */
export function parsePolicyLayer(text: string): ParsedPolicyLayer {
  const lines = lineStarts(text);
  const diagnostics: PolicyDiagnostic[] = [];
  const seen = new Set<string>();
  const report: Report = (severity, offset, length, message) => {
    const k = `${offset}:${length}`;
    if (seen.has(k)) return; // one problem per place: the first the schema names
    seen.add(k);
    const { line, column } = position(lines, offset);
    diagnostics.push({ message, severity, offset, length, line, column });
  };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) report('error', e.offset, e.length, `Syntax error: ${describeParseError(e)}.`);
  if (errors.length) return { diagnostics };
  if (!root) {
    report('error', 0, text.length, 'The policy file is empty; expected an object.');
    return { diagnostics };
  }
  keyChecks(root, report);
  const value = getNodeValue(root) as unknown;
  const unknownTop = new Set<string>();
  if (!validate(value)) {
    for (const e of validate.errors ?? []) {
      const d = describe(root, e);
      if (d.unknownTopKey !== undefined) unknownTop.add(d.unknownTopKey);
      report(d.severity, d.node.offset, d.node.length, d.message);
    }
  }
  diagnostics.sort((x, y) => x.offset - y.offset);
  if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const layer = { ...(value as Record<string, unknown>) };
  for (const k of unknownTop) delete layer[k];
  return { layer: layer as PolicyInput, diagnostics };
}

/**
 * Parse the workspace policy file and merge it over the defaults and the user layer.
 * `trusted` defaults to false: the workspace layer may then only tighten.
 */
export function parsePolicy(text: string, opts: { trusted?: boolean; user?: PolicyInput; file?: string } = {}): ParsedPolicy {
  const parsed = parsePolicyLayer(text);
  const layers: PolicyLayer[] = [];
  if (opts.user) layers.push({ source: 'user', policy: opts.user });
  if (parsed.layer) layers.push({ source: 'workspace', policy: parsed.layer, file: opts.file });
  const { policy, ignored } = mergePolicyReport(layers, { trusted: opts.trusted ?? false });
  return { ...parsed, policy, ignored };
}

/**
 * Validate a settings object (the user layer from `twokey.*` settings). Problems are
 * messages only, since there is no file to point into.
 */
export function checkPolicyInput(value: unknown): { input?: PolicyInput; problems: string[] } {
  let text: string;
  try {
    text = JSON.stringify(value ?? {});
  } catch {
    return { problems: ['The policy settings are not plain JSON.'] };
  }
  const r = parsePolicyLayer(text);
  return { input: r.layer, problems: r.diagnostics.map((d) => `${d.severity}: ${d.message}`) };
}

type Report = (severity: PolicyDiagnostic['severity'], offset: number, length: number, message: string) => void;

/** What the compiled schema reports (ajv's error objects, as much of them as is used). */
interface SchemaError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** The schema compiled ahead of time (ajv standalone code): true when valid, else `errors`. */
const validate = compiledCheck as unknown as { (value: unknown): boolean; errors?: SchemaError[] | null };

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: unknown[];
}

/**
 * What the schema cannot see in the parsed value: a key written twice in one object (the
 * value keeps only the last), and `__proto__`, which would become the object's prototype
 * instead of a key (and lend it keys the schema never checked).
 */
function keyChecks(n: Node, report: Report): void {
  if (n.type === 'object') {
    const keys = new Set<string>();
    for (const p of n.children ?? []) {
      const k = p.children?.[0];
      if (!k) continue;
      const key = String(k.value);
      if (key === '__proto__') report('error', k.offset, k.length, 'The key "__proto__" is not allowed.');
      else if (keys.has(key)) report('error', k.offset, k.length, `Duplicate key "${key}".`);
      keys.add(key);
    }
  }
  for (const c of n.children ?? []) keyChecks(c, report);
}

/** `/overrides/0/decision` → ['overrides', 0, 'decision'] (JSON pointer, RFC 6901). */
function pointer(p: string): Array<string | number> {
  if (!p) return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** How a diagnostic names a place: `"overrides[0].decision"`. */
function where(path: ReadonlyArray<string | number>): string {
  if (!path.length) return 'The policy';
  return `"${path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('')}"`;
}

/** The schema object a `schemaPath` (`#/properties/overrides/items/required`) sits in. */
function schemaAt(schemaPath: string): SchemaNode | undefined {
  let s: unknown = schema;
  for (const seg of pointer(schemaPath.replace(/^#/, '')).slice(0, -1)) s = (s as Record<string | number, unknown> | undefined)?.[seg];
  return s as SchemaNode | undefined;
}

const A_TYPE: Record<string, string> = { object: 'an object', array: 'an array', string: 'a string', number: 'a number', integer: 'a whole number', boolean: 'true or false' };

function describe(root: Node, e: SchemaError): { severity: PolicyDiagnostic['severity']; node: Node; message: string; unknownTopKey?: string } {
  const path = pointer(e.instancePath);
  const node = findNodeAtLocation(root, path) ?? root;
  const what = where(path);
  const parent = schemaAt(e.schemaPath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const prop = node.children?.find((p) => p.children?.[0]?.value === key);
      const keyNode = prop?.children?.[0] ?? node;
      const allowed = Object.keys(parent?.properties ?? {});
      if (!path.length) return { severity: 'warning', node: keyNode, unknownTopKey: key, message: `Unknown key "${key}" is ignored (expected one of ${allowed.join(', ')}).` };
      return { severity: 'error', node: keyNode, message: `${what} takes ${allowed.join(', ')}; "${key}" is not one of them.` };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      const choices = parent?.properties?.[key]?.enum;
      return { severity: 'error', node, message: `${what} needs a "${key}"${choices ? ` (${choices.join(', ')})` : ''}.` };
    }
    case 'type': {
      const t = String(e.params.type);
      const of = t === 'array' && parent?.items?.type ? ` of ${parent.items.type}s` : '';
      return { severity: 'error', node, message: `${what} must be ${A_TYPE[t] ?? t}${of}.` };
    }
    case 'enum':
      return { severity: 'error', node, message: `${what} must be one of ${(e.params.allowedValues as unknown[]).join(', ')}.` };
    case 'const':
      return { severity: 'error', node, message: `${what} must be ${JSON.stringify(e.params.allowedValue)}.` };
    case 'minLength':
    case 'pattern':
      return { severity: 'error', node, message: `${what} is blank: an empty string matches nothing useful; remove it.` };
    case 'uniqueItems': {
      const later = Math.max(Number(e.params.i), Number(e.params.j));
      const item = node.children?.[later] ?? node;
      return { severity: 'warning', node: item, message: `${what} lists ${JSON.stringify(getNodeValue(item))} twice; once is enough.` };
    }
    default:
      return { severity: 'error', node, message: `${what} ${e.message ?? `fails the schema's "${e.keyword}"`}.` };
  }
}

function describeParseError(e: ParseError): string {
  const code = printParseErrorCode(e.error);
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

function position(starts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, column: offset - starts[lo] };
}
