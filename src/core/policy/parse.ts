/**
 * Reading `.twokey/policy.json` (JSON with comments). A file with any error (syntax or
 * wrong types) contributes nothing: the caller gets the strict defaults and the
 * diagnostics, with offsets and zero-based line/column for the editor. Never "allow
 * everything" because a file did not parse.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { EnvironmentName } from '../types';
import { mergePolicyReport } from './merge';
import type { OverrideDecision, PlacedEnvironment, Policy, PolicyDiagnostic, PolicyInput, PolicyLayer, RuleOverride } from './types';
import { OVERRIDE_DECISIONS, PLACED_ENVIRONMENTS } from './types';

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

const ENV_NAMES: readonly EnvironmentName[] = ['production', 'staging', 'development', 'unknown'];
const STRING_LISTS_TOP = ['shims', 'watch', 'protectedVariables', 'maskedVariables'] as const;
const SIGNAL_KEYS = ['variables', 'urlVariables', 'dotenvFiles'] as const;
const SPEC_KEYS = ['patterns', 'hosts', 'resources'] as const;
const OVERRIDE_LIST_KEYS = ['commands', 'paths', 'hosts'] as const;

/** Parse and validate one policy file's text. */
export function parsePolicyLayer(text: string): ParsedPolicyLayer {
  const lines = lineStarts(text);
  const diagnostics: PolicyDiagnostic[] = [];
  const report = (severity: PolicyDiagnostic['severity'], offset: number, length: number, message: string) => {
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
  const v = new Validator(report);
  const layer = v.root(root);
  const failed = diagnostics.some((d) => d.severity === 'error');
  return failed ? { diagnostics } : { layer, diagnostics };
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

class Validator {
  constructor(private readonly report: Report) {}

  private error(n: Node, msg: string): void {
    this.report('error', n.offset, n.length, msg);
  }

  private props(n: Node): Array<{ key: string; keyNode: Node; value: Node }> {
    const out: Array<{ key: string; keyNode: Node; value: Node }> = [];
    const seen = new Set<string>();
    for (const p of n.children ?? []) {
      const k = p.children?.[0];
      const val = p.children?.[1];
      if (!k || !val) continue;
      const key = String(k.value);
      if (seen.has(key)) this.error(k, `Duplicate key "${key}".`);
      seen.add(key);
      out.push({ key, keyNode: k, value: val });
    }
    return out;
  }

  private expectObject(n: Node, what: string): boolean {
    if (n.type !== 'object') {
      this.error(n, `${what} must be an object.`);
      return false;
    }
    return true;
  }

  private stringList(n: Node, what: string, opts: { allowed?: readonly string[] } = {}): string[] | undefined {
    if (n.type !== 'array') {
      this.error(n, `${what} must be an array of strings.`);
      return undefined;
    }
    const out: string[] = [];
    for (const item of n.children ?? []) {
      if (item.type !== 'string') {
        this.error(item, `${what}: each entry must be a string.`);
        continue;
      }
      const s = String(item.value);
      if (!s.trim()) {
        this.error(item, `${what}: an empty string matches nothing useful; remove it.`);
        continue;
      }
      if (opts.allowed && !opts.allowed.includes(s)) {
        this.error(item, `${what}: "${s}" is not one of ${opts.allowed.join(', ')}.`);
        continue;
      }
      out.push(s);
    }
    return out;
  }

  root(n: Node): PolicyInput | undefined {
    if (!this.expectObject(n, 'The policy')) return undefined;
    const out: PolicyInput = {};
    for (const { key, keyNode, value } of this.props(n)) {
      switch (key) {
        case '$schema':
          if (value.type !== 'string') this.error(value, '"$schema" must be a string.');
          else out.$schema = String(value.value);
          break;
        case 'version':
          if (value.value !== 1) this.error(value, '"version" must be 1.');
          else out.version = 1;
          break;
        case 'environments':
          out.environments = this.environments(value);
          break;
        case 'overrides':
          out.overrides = this.overrides(value);
          break;
        case 'shims':
        case 'watch':
        case 'protectedVariables':
        case 'maskedVariables':
          out[key] = this.stringList(value, `"${key}"`);
          break;
        case 'signals':
          out.signals = this.signals(value);
          break;
        case 'stateChanges':
          out.stateChanges = this.stateChanges(value);
          break;
        case 'workspaceEnvironment':
          if (value.type !== 'string' || !(PLACED_ENVIRONMENTS as readonly string[]).includes(String(value.value)))
            this.error(value, `"workspaceEnvironment" must be one of ${PLACED_ENVIRONMENTS.join(', ')}.`);
          else out.workspaceEnvironment = value.value as PlacedEnvironment;
          break;
        default:
          this.report('warning', keyNode.offset, keyNode.length, `Unknown key "${key}" is ignored (expected one of version, environments, overrides, ${STRING_LISTS_TOP.join(', ')}, signals, stateChanges, workspaceEnvironment).`);
      }
    }
    return out;
  }

  private environments(n: Node): PolicyInput['environments'] {
    if (!this.expectObject(n, '"environments"')) return undefined;
    const out: NonNullable<PolicyInput['environments']> = {};
    for (const { key, keyNode, value } of this.props(n)) {
      if (!(PLACED_ENVIRONMENTS as readonly string[]).includes(key)) {
        this.error(keyNode, `"environments" has production, staging and development; "${key}" is not one of them.`);
        continue;
      }
      if (!this.expectObject(value, `"environments.${key}"`)) continue;
      const spec: Record<string, string[] | undefined> = {};
      for (const p of this.props(value)) {
        if (!(SPEC_KEYS as readonly string[]).includes(p.key)) {
          this.error(p.keyNode, `"environments.${key}" takes ${SPEC_KEYS.join(', ')}; "${p.key}" is not one of them.`);
          continue;
        }
        spec[p.key] = this.stringList(p.value, `"environments.${key}.${p.key}"`);
      }
      out[key as keyof typeof out] = spec;
    }
    return out;
  }

  private stateChanges(n: Node): PolicyInput['stateChanges'] {
    if (!this.expectObject(n, '"stateChanges"')) return undefined;
    const out: NonNullable<PolicyInput['stateChanges']> = {};
    for (const { key, keyNode, value } of this.props(n)) {
      if (key !== 'staging' && key !== 'unknown') {
        this.error(keyNode, `"stateChanges" takes staging, unknown; "${key}" is not one of them.`);
        continue;
      }
      if (value.value !== 'allow' && value.value !== 'ask') {
        this.error(value, `"stateChanges.${key}" must be "allow" or "ask".`);
        continue;
      }
      out[key] = value.value;
    }
    return out;
  }

  private signals(n: Node): PolicyInput['signals'] {
    if (!this.expectObject(n, '"signals"')) return undefined;
    const out: NonNullable<PolicyInput['signals']> = {};
    for (const { key, keyNode, value } of this.props(n)) {
      if (!(SIGNAL_KEYS as readonly string[]).includes(key)) {
        this.error(keyNode, `"signals" takes ${SIGNAL_KEYS.join(', ')}; "${key}" is not one of them.`);
        continue;
      }
      out[key as (typeof SIGNAL_KEYS)[number]] = this.stringList(value, `"signals.${key}"`);
    }
    return out;
  }

  private overrides(n: Node): RuleOverride[] | undefined {
    if (n.type !== 'array') {
      this.error(n, '"overrides" must be an array of objects.');
      return undefined;
    }
    const out: RuleOverride[] = [];
    (n.children ?? []).forEach((item, i) => {
      const what = `"overrides[${i}]"`;
      if (!this.expectObject(item, what)) return;
      const o: Partial<RuleOverride> = {};
      const present = new Set<string>();
      for (const { key, keyNode, value } of this.props(item)) {
        present.add(key);
        switch (key) {
          case 'rule':
            if (value.type !== 'string' || !String(value.value).trim()) this.error(value, `${what}.rule must be a non-empty string (a rule id or glob such as "fs.*").`);
            else o.rule = String(value.value);
            break;
          case 'decision':
            if (value.type !== 'string' || !(OVERRIDE_DECISIONS as readonly string[]).includes(String(value.value)))
              this.error(value, `${what}.decision must be one of ${OVERRIDE_DECISIONS.join(', ')}.`);
            else o.decision = value.value as OverrideDecision;
            break;
          case 'reason':
            if (value.type !== 'string') this.error(value, `${what}.reason must be a string.`);
            else o.reason = String(value.value);
            break;
          case 'environments':
            o.environments = this.stringList(value, `${what}.environments`, { allowed: ENV_NAMES }) as EnvironmentName[] | undefined;
            break;
          case 'commands':
          case 'paths':
          case 'hosts':
            o[key] = this.stringList(value, `${what}.${key}`);
            break;
          default:
            this.error(keyNode, `${what} takes rule, decision, ${OVERRIDE_LIST_KEYS.join(', ')}, environments, reason; "${key}" is not one of them.`);
        }
      }
      if (!present.has('rule')) this.error(item, `${what} needs a "rule" (a rule id or glob).`);
      if (!present.has('decision')) this.error(item, `${what} needs a "decision" (${OVERRIDE_DECISIONS.join(', ')}).`);
      if (o.rule !== undefined && o.decision !== undefined) out.push(o as RuleOverride);
    });
    return out;
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
