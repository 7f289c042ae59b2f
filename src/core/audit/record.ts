/**
 * The audit record (the fields of one line of `.twokey/audit.jsonl`) and its hash chain.
 * Pure: no file system, no `vscode`.
 */
import * as crypto from 'node:crypto';
import type { EnvironmentName, Evidence, Risk, Source, Verdict } from '../types';
import { maskObject, maskSecrets } from '../redact';
import { canonicalJson } from '../json';

export { canonicalJson };

/** `tamper`: TwoKey found its own guard or record interfered with (a forged log, a gate switched off). */
export type AuditDecision = 'allowed' | 'denied' | 'timed-out' | 'observed' | 'tamper';
export type DecidedBy = 'policy' | 'human' | 'timeout';

export interface AuditRecord {
  /** ISO 8601 time of the decision, UTC. */
  ts: string;
  /** 1 for the first record of the chain, +1 for each record after, across rotated files. */
  seq: number;
  /** Random UUID of this record. */
  id: string;
  source: Source;
  /** The command line with secrets masked. */
  command: string;
  cwd: string;
  environment: EnvironmentName;
  evidence: Evidence[];
  risk: Risk;
  rules: string[];
  decision: AuditDecision;
  decidedBy: DecidedBy;
  durationMs: number;
  reason?: string;
  session?: string;
  terminal?: string;
  user?: string;
  /**
   * Id of the chain key this record is sealed with (see AuditKey). Absent on records written
   * before the chain was keyed: their `hash` is a plain sha256 anyone can recompute.
   */
  key?: string;
  /** `hash` of the record before this one; 64 zeros for the first. */
  prev: string;
  /**
   * Hex of the canonical JSON of this record without `hash` (with `prev` and `key`):
   * HMAC-SHA256 with the chain key when `key` is set, else plain sha256.
   */
  hash: string;
}

/**
 * The secret a chain is sealed with. Kept outside the workspace (a 0600 file in the state
 * folder, and in the editor the OS keychain too); `id` names it in records without revealing it.
 */
export interface AuditKey {
  id: string;
  secret: Buffer;
}

/** The key object for a secret: its id is a hash of it, so the same secret gets the same id everywhere. */
export function auditKey(secret: Buffer): AuditKey {
  return { id: crypto.createHash('sha256').update('twokey-audit-key\0').update(secret).digest('hex').slice(0, 16), secret };
}

/**
 * What a caller gives `AuditLog.append`: the log fills in `ts` (unless given), `seq`, `id`,
 * `prev` and `hash`, and defaults the rest (`cwd` '', `environment` 'unknown', `evidence` [],
 * `risk` 'none', `rules` [], `decidedBy` 'policy', `durationMs` 0).
 */
export type AuditEntry = {
  source: Source;
  command: string;
  decision: AuditDecision;
  ts?: string;
  cwd?: string;
  environment?: EnvironmentName;
  evidence?: Evidence[];
  risk?: Risk;
  rules?: string[];
  decidedBy?: DecidedBy;
  durationMs?: number;
  reason?: string;
  session?: string;
  terminal?: string;
  user?: string;
};

/**
 * The entry for a verdict decided without a person (an agent's hook on its own, the offline
 * gate): what the engine found, decided by policy.
 */
export function policyEntry(v: Pick<Verdict, 'environment' | 'evidence' | 'risk' | 'rules' | 'reason'>, e: Omit<AuditEntry, 'environment' | 'evidence' | 'risk' | 'rules' | 'decidedBy'>): AuditEntry {
  return { reason: v.reason, ...e, environment: v.environment, evidence: v.evidence, risk: v.risk, rules: v.rules, decidedBy: 'policy' };
}

export const GENESIS = '0'.repeat(64);

/** Longest command kept in a record; the rest is cut with a note (a heredoc can be huge). */
export const MAX_COMMAND_CHARS = 16_384;

/**
 * The hash a record must carry: of its canonical JSON without `hash`, HMAC-SHA256 with `key`
 * when the record names a key (`key` field), else sha256. A keyed record without the key
 * (or with a key of another id) gets `undefined`: it cannot be checked.
 */
export function computeHash(rec: Omit<AuditRecord, 'hash'> | Record<string, unknown>): string;
export function computeHash(rec: Omit<AuditRecord, 'hash'> | Record<string, unknown>, key: AuditKey | undefined): string | undefined;
export function computeHash(rec: Omit<AuditRecord, 'hash'> | Record<string, unknown>, key?: AuditKey): string | undefined {
  const { hash: _ignored, ...rest } = rec as Record<string, unknown>;
  const text = canonicalJson(rest);
  if (rest.key === undefined) return crypto.createHash('sha256').update(text).digest('hex');
  if (!key || rest.key !== key.id) return undefined;
  return crypto.createHmac('sha256', key.secret).update(text).digest('hex');
}

const SOURCES = new Set(['terminal', 'task', 'shim', 'cursor', 'claude-code', 'copilot', 'codex', 'gemini', 'copilot-cli', 'windsurf', 'cline', 'file-watch', 'cli', 'editor']);
const ENVIRONMENTS = new Set(['production', 'staging', 'development', 'unknown']);
const RISKS = new Set(['none', 'low', 'high', 'critical']);
const DECISIONS = new Set(['allowed', 'denied', 'timed-out', 'observed', 'tamper']);
const DECIDERS = new Set(['policy', 'human', 'timeout']);

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? fallback : String(v);
}

function pick<T extends string>(v: unknown, allowed: Set<string>, fallback: T): T {
  return typeof v === 'string' && allowed.has(v) ? (v as T) : fallback;
}

function cut(command: string): string {
  if (command.length <= MAX_COMMAND_CHARS) return command;
  return `${command.slice(0, MAX_COMMAND_CHARS)}… [${command.length - MAX_COMMAND_CHARS} more characters not kept]`;
}

/**
 * A record body from what a caller gave: fields in one fixed order, unknown values made
 * safe, every string masked. `seq`, `prev` and `hash` are added under the log's lock.
 */
export function normaliseEntry(e: AuditEntry, now: Date = new Date(), id: string = crypto.randomUUID()): Omit<AuditRecord, 'seq' | 'prev' | 'hash' | 'key'> {
  const evidence = Array.isArray(e.evidence)
    ? e.evidence.map((ev) => ({
        signal: str(ev?.signal),
        value: maskSecrets(str(ev?.value)),
        environment: pick<EnvironmentName>(ev?.environment, ENVIRONMENTS, 'unknown'),
      }))
    : [];
  const rec: Omit<AuditRecord, 'seq' | 'prev' | 'hash' | 'key'> = {
    ts: typeof e.ts === 'string' && !Number.isNaN(Date.parse(e.ts)) ? e.ts : now.toISOString(),
    id,
    source: pick<Source>(e.source, SOURCES, 'terminal'),
    command: cut(maskSecrets(str(e.command))),
    cwd: maskSecrets(str(e.cwd)),
    environment: pick<EnvironmentName>(e.environment, ENVIRONMENTS, 'unknown'),
    evidence: maskObject(evidence),
    risk: pick<Risk>(e.risk, RISKS, 'none'),
    rules: Array.isArray(e.rules) ? e.rules.map((r) => str(r)) : [],
    decision: pick<AuditDecision>(e.decision, DECISIONS, 'observed'),
    decidedBy: pick<DecidedBy>(e.decidedBy, DECIDERS, 'policy'),
    durationMs: typeof e.durationMs === 'number' && Number.isFinite(e.durationMs) ? Math.max(0, Math.round(e.durationMs * 1000) / 1000) : 0,
  };
  if (e.reason !== undefined) rec.reason = maskSecrets(str(e.reason));
  if (e.session !== undefined) rec.session = maskSecrets(str(e.session));
  if (e.terminal !== undefined) rec.terminal = maskSecrets(str(e.terminal));
  if (e.user !== undefined) rec.user = maskSecrets(str(e.user));
  return rec;
}

/** Put a body on the chain: the record as written, `key` (when keyed), `prev`, `hash` last. */
export function seal(body: Omit<AuditRecord, 'seq' | 'prev' | 'hash' | 'key'>, seq: number, prev: string, key?: AuditKey): AuditRecord {
  const { ts, id, ...rest } = body;
  const unsealed = (key ? { ts, seq, id, ...rest, key: key.id, prev } : { ts, seq, id, ...rest, prev }) as Omit<AuditRecord, 'hash'>;
  return { ...unsealed, hash: computeHash(unsealed, key)! };
}
