/**
 * One path for every door (terminal gate, task, PATH shim, agent hook): classify, ask a
 * person when the verdict says so, record the decision, and answer the gate with a message
 * a person or an agent can act on. Pure: the person is behind the `Approver` port.
 */
import type { CheckRequest, Source, Verdict } from './types';
import { maskSecrets } from './redact';
import type { Protection } from './protection';

export type Answer = 'allow' | 'deny' | 'timed-out' | 'withdrawn' | Replaced;

/** The person chose a safer alternative, which TwoKey carried out or started instead. */
export interface Replaced {
  replaced: string;
}

export interface ApprovalAsk {
  command: string;
  verdict: Verdict;
  origin: string;
  signal?: AbortSignal;
  /** Where it would run, for the preview of what would be lost. */
  cwd?: string;
  workspaceRoot?: string;
  env?: Record<string, string | undefined>;
  /** Runs a safer command in place of this one where the door allows it (a terminal). */
  runInstead?: (command: string) => void;
}

export interface Approver {
  ask(req: ApprovalAsk): Promise<Answer>;
}

export interface Checker {
  check(req: CheckRequest): Verdict;
}

export interface AuditSink {
  append(rec: Record<string, unknown>): Promise<unknown>;
}

export interface DecisionRequest extends CheckRequest {
  /** Runs a safer command in place of this one (terminal doors). */
  runInstead?: (command: string) => void;
  source: Source;
  /** In words, for the person: "terminal 'bash' (pid 123)". */
  origin: string;
  terminal?: string;
  session?: string;
  signal?: AbortSignal;
  /** Already classified (agent hooks: MCP calls, file reads and edits are not shell lines). */
  verdict?: Verdict;
  /**
   * The line a person approved moments ago that this request is part of (its child bash, a
   * PATH shim it started): what would be asked is allowed on that approval, and recorded so.
   */
  coveredBy?: string;
}

export interface DecisionResult {
  decision: 'allow' | 'deny';
  message: string;
  verdict: Verdict;
  outcome: 'allowed' | 'denied' | 'timed-out';
  decidedBy: 'policy' | 'human' | 'timeout';
}

export class DecisionService {
  constructor(
    private readonly checker: () => Checker,
    private readonly approver: Approver,
    private readonly audit: () => AuditSink | undefined,
    private readonly onError: (msg: string) => void = () => undefined,
    private readonly protection?: Protection,
    /** Told the command line of every decision made (observation: did this line get one?). */
    public onDecided?: (command: string, decision?: 'allow' | 'deny') => void,
  ) {}

  async decide(req: DecisionRequest): Promise<DecisionResult> {
    const started = Date.now();
    const verdict = req.verdict ?? this.checker().check(req);
    let result: DecisionResult;
    if (verdict.decision === 'allow') {
      result = { decision: 'allow', message: '', verdict, outcome: 'allowed', decidedBy: 'policy' };
    } else if (verdict.decision === 'deny') {
      result = {
        decision: 'deny',
        message: refusal(req.command, verdict, 'the policy forbids it'),
        verdict,
        outcome: 'denied',
        decidedBy: 'policy',
      };
    } else if (req.coveredBy) {
      result = {
        decision: 'allow',
        message: '',
        verdict: { ...verdict, reason: `Part of \`${maskSecrets(req.coveredBy).slice(0, 200)}\`, which a person allowed once moments earlier: ${whatItDoes(verdict)}.` },
        outcome: 'allowed',
        decidedBy: 'human',
      };
    } else if (this.protection?.paused()) {
      // Paused by a person: the command runs, and the record says under whose pause.
      const p = this.protection.paused()!;
      result = {
        decision: 'allow',
        message: '',
        verdict: { ...verdict, reason: `Allowed while protection is paused by ${p.by} until ${new Date(p.until).toISOString()}: ${whatItDoes(verdict)}.` },
        outcome: 'allowed',
        decidedBy: 'policy',
      };
    } else {
      let answer: Answer | 'failed';
      try {
        answer = await this.approver.ask({
          command: req.command,
          verdict,
          origin: req.origin,
          signal: req.signal,
          cwd: req.cwd,
          workspaceRoot: req.workspaceRoot,
          env: req.env,
          runInstead: req.runInstead,
        });
      } catch (err) {
        // No prompt means no second key: refuse, and say so on the record.
        this.onError(`[approval] could not ask a person: ${err instanceof Error ? err.message : String(err)}`);
        answer = 'failed';
      }
      if (typeof answer === 'object') {
        result = {
          decision: 'deny',
          message: refusal(req.command, verdict, `the person chose a safer alternative instead: ${answer.replaced}`),
          verdict,
          outcome: 'denied',
          decidedBy: 'human',
        };
      } else if (answer === 'failed') {
        result = {
          decision: 'deny',
          message: refusal(req.command, verdict, 'TwoKey could not show its approval prompt to ask a person'),
          verdict,
          outcome: 'denied',
          decidedBy: 'policy',
        };
      } else if (answer === 'allow') {
        result = { decision: 'allow', message: '', verdict, outcome: 'allowed', decidedBy: 'human' };
      } else if (answer === 'timed-out') {
        result = {
          decision: 'deny',
          message: refusal(req.command, verdict, 'nobody answered the TwoKey prompt before its deadline'),
          verdict,
          outcome: 'timed-out',
          decidedBy: 'timeout',
        };
      } else {
        result = {
          decision: 'deny',
          message: refusal(
            req.command,
            verdict,
            answer === 'withdrawn' ? 'the request was withdrawn before a person answered' : 'a person denied it in the TwoKey prompt',
          ),
          verdict,
          outcome: 'denied',
          decidedBy: 'human',
        };
      }
    }
    // Harmless commands are not worth a record; everything with a risk, and every ask, is.
    if (verdict.risk !== 'none' || verdict.decision !== 'allow') {
      await this.record(req, result, Date.now() - started);
    }
    try {
      this.onDecided?.(req.command, result.decision);
    } catch {
      /* an observer never changes a decision */
    }
    return result;
  }

  private async record(req: DecisionRequest, r: DecisionResult, durationMs: number): Promise<void> {
    const sink = this.audit();
    if (!sink) return;
    try {
      await sink.append({
        source: req.source,
        command: req.command,
        cwd: req.cwd,
        environment: r.verdict.environment,
        evidence: r.verdict.evidence,
        risk: r.verdict.risk,
        rules: r.verdict.rules,
        decision: r.outcome,
        decidedBy: r.decidedBy,
        durationMs,
        reason: r.verdict.reason,
        terminal: req.terminal,
        session: req.session,
      });
    } catch (err) {
      this.onError(`[audit] could not record a decision: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

const RANK = { none: 0, low: 1, high: 2, critical: 3 } as const;

/** What the command would do, in the words of the most severe rule that fired. */
export function whatItDoes(v: Verdict): string {
  const top = [...v.hits].filter((h) => h.decision !== 'allow').sort((a, b) => RANK[b.risk] - RANK[a.risk])[0];
  return (top?.reason ?? v.reason).replace(/[.\s]+$/, '');
}

/** The environment in words, with the target it was resolved from: "production (`psql` → `prod-db` (DATABASE_URL in .env) → production)". */
export function environmentLabel(v: Verdict): string {
  const env = v.environment === 'unknown' ? 'an unknown environment (treated as production)' : v.environment;
  const t = v.target;
  return t ? `${env} (\`${t.tool}\` → \`${t.name}\` (${t.how}) → ${t.environment})` : env;
}

/** What a person types to confirm: the target's name in production where one is known, else the environment's name. */
export function confirmationWord(v: Verdict): string {
  return v.confirmText ?? (v.environment === 'unknown' ? 'production' : v.environment);
}

/** What the person at the terminal can do about a refusal (the sentence before the agent's). */
export function personSentence(v: Verdict): string {
  return v.decision === 'deny'
    ? 'The policy forbids it: a person can change that in .twokey/policy.json.'
    : 'To let it run, a person (not an agent) types it again in a guarded terminal and chooses Allow once.';
}

/**
 * The one line a gate prints on stderr and an agent reads: it starts with `TwoKey:`, says
 * what was refused, where, by which rule, why it did not run, and not to work around it.
 */
export function refusal(command: string, v: Verdict, why: string): string {
  const cmd = maskSecrets(command).replace(/\s*\n\s*/g, ' ⏎ ').slice(0, 200);
  const rules = v.rules.length ? v.rules.join(', ') + ', ' : '';
  return (
    `TwoKey: refused \`${cmd}\` in ${environmentLabel(v)} (${rules}${v.risk} risk): ${whatItDoes(v)}. ` +
    `It did not run because ${why}. ${personSentence(v)} Do not retry it or work around it; ask the user to run or approve it.`
  );
}
