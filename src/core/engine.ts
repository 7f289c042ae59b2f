/**
 * The decision engine: parse a command line with tree-sitter bash, unwrap it into the
 * simple commands that really run, match the rule packs, resolve the environment and
 * map risk × environment to allow | ask | deny. Pure TypeScript: no `vscode`, and no
 * filesystem access after start-up except the optional `readFile` (for `curl -d @file`).
 */
import type {
  CheckRequest,
  EnvironmentName,
  EnvironmentResolution,
  EnvironmentResolver,
  PolicyOverrides,
  Risk,
  RuleHit,
  Verdict,
} from './types';
import { loadBashParser, type BashParser } from './shell/treesitter';
import { BudgetExceeded, newContext, parseScript } from './shell/extract';
import { DYN, type ParsedLine, type SimpleCommand } from './shell/model';
import { runRules } from './rules/index';
import { assignedHits } from './rules/guard';

export interface EngineOptions {
  /** Folder holding tree-sitter.wasm and tree-sitter-bash.wasm (default: next to the bundle, then node_modules). */
  wasmDir?: string;
  resolveEnvironment?: EnvironmentResolver;
  overrides?: PolicyOverrides;
  /** Longest command line analysed (characters); longer lines are `ask`. Default 65,536. */
  maxLineLength?: number;
  /** Time allowed per check; past it the line is `ask`. Default 200 ms (a loaded machine must not turn harmless lines into prompts). */
  timeBudgetMs?: number;
  /** Reads a file named by the command (`curl -d @body.json`, `psql -f x.sql`); undefined when unreadable. */
  readFile?: (path: string) => string | undefined;
  /** The policy's protected variables (read at every check, so a reloaded policy applies). */
  protectedVariables?: () => readonly string[];
}

export interface ExplainedCommand {
  name: string;
  args: string[];
  via: string[];
  depth: number;
  cwd?: string;
  stdin?: string;
  redirects?: string[];
  assignments?: Record<string, string>;
  hits: string[];
}

export interface Engine {
  check(req: CheckRequest): Verdict;
  explain(req: CheckRequest): { verdict: Verdict; commands: ExplainedCommand[]; unanalysable: { reason: string; text: string }[] };
}

const RISK_RANK: Record<Risk, number> = { none: 0, low: 1, high: 2, critical: 3 };

const UNKNOWN_ENV: EnvironmentResolution = { environment: 'unknown', evidence: [] };

export async function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  const parser = await loadBashParser(opts.wasmDir);
  return new DecisionEngine(parser, opts);
}

class DecisionEngine implements Engine {
  private readonly maxLen: number;
  private readonly budget: number;

  constructor(
    private readonly parser: BashParser,
    private readonly opts: EngineOptions,
  ) {
    this.maxLen = opts.maxLineLength ?? 65536;
    this.budget = opts.timeBudgetMs ?? 200;
  }

  check(req: CheckRequest): Verdict {
    return this.run(req).verdict;
  }

  explain(req: CheckRequest): ReturnType<Engine['explain']> {
    const r = this.run(req);
    const commands: ExplainedCommand[] = r.parsed.commands.map((c, i) => ({
      name: c.name,
      args: c.args.map((a) => (a.value.includes(DYN) ? a.raw : a.value)),
      via: c.via,
      depth: c.depth,
      ...(c.cwd && c.cwd !== req.cwd ? { cwd: c.cwd.split(DYN).join('…') } : {}),
      ...(c.stdin ? { stdin: c.stdin.kind + (c.stdin.source ? ` ${c.stdin.source}` : '') + (c.stdin.text !== undefined ? `: ${c.stdin.text.slice(0, 200)}` : '') } : {}),
      ...(c.redirects.length ? { redirects: c.redirects.map((x) => `${x.op} ${x.target.raw}`) } : {}),
      ...(Object.keys(c.assignments).length ? { assignments: c.assignments } : {}),
      hits: r.perCommand[i] ?? [],
    }));
    return { verdict: r.verdict, commands, unanalysable: r.parsed.unanalysable };
  }

  private run(req: CheckRequest): { verdict: Verdict; parsed: ParsedLine; perCommand: string[][] } {
    const started = performance.now();
    const command = req.command ?? '';
    const home = req.home ?? req.env?.HOME;
    const ruleCtx = { cwd: req.cwd, workspaceRoot: req.workspaceRoot ?? req.cwd, home, env: req.env, readFile: this.opts.readFile, protectedVariables: this.opts.protectedVariables?.() };
    let parsed: ParsedLine = { commands: [], unanalysable: [] };
    const hits: RuleHit[] = [];
    const perCommand: string[][] = [];

    if (command.length > this.maxLen) {
      parsed.unanalysable.push({ reason: `the command is ${command.length} characters long, over the ${this.maxLen}-character limit for analysis`, text: command.slice(0, 200) });
    } else if (command.trim() !== '') {
      const ctx = newContext(this.parser, { env: req.env, home, cwd: req.cwd, deadline: started + this.budget });
      try {
        parseScript(command, ctx);
        parsed = ctx.out;
        for (const c of parsed.commands) {
          const h = runRules(c, { ...ruleCtx, cwd: c.cwd && !c.cwd.includes(DYN) ? c.cwd : req.cwd });
          perCommand.push(h.map((x) => x.id));
          for (const x of h) hits.push(clean(annotate(x, c)));
          if (performance.now() > started + this.budget) throw new BudgetExceeded();
        }
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) throw e;
        parsed = ctx.out;
        parsed.unanalysable.push({ reason: `checking it took longer than the ${this.budget} ms budget`, text: command.slice(0, 200) });
      }
    }
    if (parsed.assigned?.length) hits.push(...assignedHits(parsed.assigned, ruleCtx));
    for (const u of parsed.unanalysable) {
      hits.push({ id: 'shell.unanalysable', category: 'unanalysable', risk: 'high', reason: `TwoKey cannot check what this runs because ${u.reason}` });
    }
    const unique = dedupe(hits);
    const targets = [...new Set(unique.flatMap((h) => h.targets ?? []))];
    const envRes = this.opts.resolveEnvironment
      ? this.opts.resolveEnvironment({ cwd: req.cwd, env: req.env, targets, workspaceRoot: req.workspaceRoot, home })
      : UNKNOWN_ENV;
    const decided = this.opts.overrides ? this.opts.overrides(unique, req, envRes) : unique;
    return { verdict: decide(decided, envRes, targets), parsed, perCommand };
  }
}

function annotate(h: RuleHit, c: SimpleCommand): RuleHit {
  const wrappers = c.via.filter((v) => v !== 'nohup' && v !== 'time');
  if (!wrappers.length) return h;
  return { ...h, reason: `${h.reason} (run through ${wrappers.join(' → ')})` };
}

/** Unknown parts of words never leak into what people read. */
function clean(h: RuleHit): RuleHit {
  if (!h.reason.includes(DYN) && !(h.targets ?? []).some((t) => t.includes(DYN))) return h;
  return { ...h, reason: h.reason.split(DYN).join('…'), targets: h.targets?.map((t) => t.split(DYN).join('…')) };
}

function dedupe(hits: RuleHit[]): RuleHit[] {
  const seen = new Map<string, RuleHit>();
  for (const h of hits) {
    const key = h.id + '\u0000' + (h.targets ?? []).join('\u0000') + (h.id === 'shell.unanalysable' ? h.reason : '');
    const prev = seen.get(key);
    if (!prev || RISK_RANK[h.risk] > RISK_RANK[prev.risk]) seen.set(key, h);
  }
  return [...seen.values()];
}

function envLabel(env: EnvironmentName): string {
  return env === 'unknown' ? 'an unknown environment, treated as production' : env;
}

export function decide(hits: RuleHit[], env: EnvironmentResolution, targets: string[]): Verdict {
  const active = hits.filter((h) => h.decision !== 'allow');
  const sorted = [...active].sort((a, b) => {
    const d = (b.decision === 'deny' ? 10 : 0) - (a.decision === 'deny' ? 10 : 0);
    return d || RISK_RANK[b.risk] - RISK_RANK[a.risk];
  });
  const top = sorted[0];
  const risk: Risk = top ? sorted.reduce<Risk>((m, h) => (RISK_RANK[h.risk] > RISK_RANK[m] ? h.risk : m), 'none') : hits.length ? 'low' : 'none';
  const prodLike = env.environment === 'production' || env.environment === 'unknown';
  let decision: Verdict['decision'] = 'allow';
  if (active.some((h) => h.decision === 'deny')) decision = 'deny';
  else if (active.some((h) => h.decision === 'ask') || RISK_RANK[risk] >= RISK_RANK.high) decision = 'ask';
  const typedConfirmation =
    decision === 'ask' && (risk === 'critical' || (risk === 'high' && prodLike) || active.some((h) => h.typedConfirmation === true));
  const where = envLabel(env.environment);
  const more = sorted.length > 1 ? ` (and ${sorted.length - 1} more finding${sorted.length > 2 ? 's' : ''})` : '';
  let reason: string;
  if (decision === 'deny') {
    const d = sorted.find((h) => h.decision === 'deny')!;
    reason = `Denied by policy in ${where}: ${d.reason}${more}; do not retry, ask a person to change the policy if it is really needed.`;
  } else if (decision === 'ask') {
    reason = `Stopped for a person's approval in ${where}: ${top!.reason}${more}; wait for the approval, or use a narrower command.`;
  } else if (top) {
    reason = `Allowed and recorded: ${top.reason}.`;
  } else if (hits.length) {
    reason = `Allowed by policy: ${hits[0].reason}.`;
  } else {
    reason = 'Allowed: nothing destructive found.';
  }
  return {
    decision,
    risk,
    category: top?.category ?? hits[0]?.category ?? 'none',
    environment: env.environment,
    evidence: env.evidence,
    rules: [...new Set(hits.map((h) => h.id))],
    targets,
    reason,
    typedConfirmation,
    hits,
  };
}
