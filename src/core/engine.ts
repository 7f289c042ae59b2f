/**
 * The decision engine: parse a command line with tree-sitter bash, unwrap it into the
 * simple commands that really run, match the rule packs, resolve the environment and
 * map risk × environment to allow | ask | deny (verdict.ts). Pure TypeScript: no
 * `vscode`, and no filesystem access after start-up except the optional `readFile` (for `curl -d @file`).
 */
import type { CheckRequest, EnvironmentResolution, EnvironmentResolver, PolicyOverrides, RuleHit, StateChangePolicy, Verdict } from './types';
import { loadBashParser, type BashParser } from './lang/treesitter';
import { BudgetExceeded, newContext, parseScript } from './shell/analyse';
import { DYN, type ParsedLine, type SimpleCommand } from './shell/model';
import { runRules, type RuleContext } from './rules/index';
import { fileSourceFrom, type FileSource } from './shell/files';
import { loadSqlParser } from './lang/sql';
import { grammarLoadCount, setGrammarDir } from './lang/grammars';
import { analyseCmd, analysePowerShell } from './lang/powershell';
import { assignedHits } from './rules/guard';
import { decide, DEFAULT_STATE_CHANGES, lineEnvironment, RISK_RANK } from './verdict';

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
  /**
   * Where scripts, package.json, Makefiles… that a command runs are read from (bounded and
   * cached: see shell/files.ts). Without it (and without `readFile`) they are not followed.
   */
  files?: FileSource;
  /** `terraform show -json PLAN` for `terraform apply PLAN` (see shell/files.ts nodePlanReader); its time is not counted in the budget. */
  showPlan?: (plan: string, tool: string, cwd: string | undefined) => string | undefined;
  /** When state changes ask outside production (default: unknown asks, staging does not). */
  stateChanges?: () => StateChangePolicy;
  /** The policy's protected variables (read at every check, so a reloaded policy applies). */
  protectedVariables?: () => readonly string[];
}

const UNRESOLVED_STATE_CHANGES: Readonly<StateChangePolicy> = Object.freeze({ staging: 'allow', unknown: 'allow' });

export interface ExplainedCommand {
  name: string;
  args: string[];
  via: string[];
  depth: number;
  cwd?: string;
  stdin?: string;
  redirects?: string[];
  assignments?: Record<string, string>;
  /** The file and line it came from, when the engine followed a script. */
  origin?: string;
  hits: string[];
}

export interface Engine {
  check(req: CheckRequest): Verdict;
  explain(req: CheckRequest): { verdict: Verdict; commands: ExplainedCommand[]; unanalysable: { reason: string; text: string }[] };
}

const UNKNOWN_ENV: EnvironmentResolution = { environment: 'unknown', evidence: [] };

export async function createEngine(opts: EngineOptions = {}): Promise<Engine> {
  // PostgreSQL's parser only loads asynchronously: it loads here, beside the shell grammar
  // (~20 ms, in parallel). The grammars for embedded code load on first need (lang/grammars.ts).
  const [parser] = await Promise.all([loadBashParser(opts.wasmDir), loadSqlParser()]);
  return createEngineWith(parser, opts);
}

/** The engine with a parser already at hand (or a stand-in: the agents' hooks try plain lines without one). */
export function createEngineWith(parser: BashParser, opts: EngineOptions = {}): Engine {
  setGrammarDir(opts.wasmDir);
  return new DecisionEngine(parser, opts);
}

class DecisionEngine implements Engine {
  private readonly maxLen: number;
  private readonly budget: number;
  private readonly files?: FileSource;

  constructor(
    private readonly parser: BashParser,
    private readonly opts: EngineOptions,
  ) {
    this.maxLen = opts.maxLineLength ?? 65536;
    this.budget = opts.timeBudgetMs ?? 200;
    this.files = opts.files ?? (opts.readFile ? fileSourceFrom(opts.readFile) : undefined);
  }

  /** `readFile` for the rules (`curl -d @body.json`) over the bounded file source. */
  private readVia(cwd: string | undefined): ((p: string) => string | undefined) | undefined {
    const files = this.files;
    if (!files) return undefined;
    return (p) => {
      const abs = p.startsWith('/') ? p : cwd ? `${cwd.replace(/\/$/, '')}/${p}` : undefined;
      if (!abs) return undefined;
      const r = files.read(abs);
      return 'text' in r ? r.text : undefined;
    };
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
      ...(c.origin ? { origin: c.origin } : {}),
      hits: r.perCommand[i] ?? [],
    }));
    return { verdict: r.verdict, commands, unanalysable: r.parsed.unanalysable };
  }

  private run(req: CheckRequest, retried = false): { verdict: Verdict; parsed: ParsedLine; perCommand: string[][] } {
    const started = performance.now();
    const loadsBefore = grammarLoadCount();
    const command = req.command ?? '';
    const home = req.home ?? req.env?.HOME;
    let grace = 0;
    const showPlan = this.opts.showPlan;
    const ruleCtx: RuleContext = {
      cwd: req.cwd,
      workspaceRoot: req.workspaceRoot ?? req.cwd,
      home,
      env: req.env,
      protectedVariables: this.opts.protectedVariables?.(),
      readFile: this.opts.readFile ?? this.readVia(req.cwd),
      showPlan: showPlan
        ? (plan: string, tool: string, cwd: string | undefined) => {
            const t0 = performance.now();
            try {
              return showPlan(plan, tool, cwd);
            } finally {
              grace += performance.now() - t0;
            }
          }
        : undefined,
    };
    ruleCtx.shell = (line, label) => this.nested(line, label, req, ruleCtx, started);
    let parsed: ParsedLine = { commands: [], unanalysable: [] };
    const hits: RuleHit[] = [];
    const perCommand: string[][] = [];

    if (command.length > this.maxLen) {
      parsed.unanalysable.push({ reason: `the command is ${command.length} characters long, over the ${this.maxLen}-character limit for analysis`, text: command.slice(0, 200) });
    } else if (command.trim() !== '') {
      const ctx = newContext(this.parser, { env: req.env, envComplete: req.envComplete, home, cwd: req.cwd, deadline: started + this.budget, files: this.files, workspaceRoot: req.workspaceRoot ?? req.cwd });
      // PowerShell and cmd lines are read with their own grammar and turned into the shell
      // commands they amount to; what has no shell equivalent comes back as findings.
      let script = command;
      const sh = req.shell?.toLowerCase();
      if (sh === 'powershell' || sh === 'pwsh' || sh === 'cmd') {
        const t = sh === 'cmd' ? analyseCmd(command, req.env ?? {}) : analysePowerShell(command);
        script = t.lines.join('\n');
        for (const f of t.findings) hits.push({ id: f.id, category: f.category, risk: f.risk, reason: f.reason, ...(f.targets ? { targets: f.targets } : {}) });
        if (t.unanalysable) ctx.out.unanalysable.push({ reason: t.unanalysable, text: command.slice(0, 200) });
      }
      try {
        parseScript(script, ctx);
        parsed = ctx.out;
        for (const c of parsed.commands) {
          // A folder known only as one of several (a `cd` that may have failed): judged in each.
          const cwds = c.cwd?.includes(DYN) && c.cwdMaybe?.length ? c.cwdMaybe : [c.cwd && !c.cwd.includes(DYN) ? c.cwd : req.cwd];
          const h = cwds.flatMap((cwd) => runRules(c, { ...ruleCtx, cwd }));
          perCommand.push(h.map((x) => x.id));
          for (const x of h) hits.push(clean(annotate(x, c)));
          if (performance.now() > started + this.budget + grace) throw new BudgetExceeded();
        }
      } catch (e) {
        if (!(e instanceof BudgetExceeded)) throw e;
        // A grammar for embedded code loaded during this check (once per process): its
        // one-time cost does not count against the line, so check it again.
        if (!retried && grammarLoadCount() > loadsBefore) return this.run(req, true);
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
    const refs = unique.flatMap((h) => h.refs ?? []);
    const resolved = this.opts.resolveEnvironment
      ? this.opts.resolveEnvironment({ cwd: req.cwd, env: req.env, targets, workspaceRoot: req.workspaceRoot, home, ...(refs.length ? { refs } : {}) })
      : UNKNOWN_ENV;
    // The line's environment: each finding judged by its own command's targets, the riskiest wins.
    const envRes: EnvironmentResolution = { ...resolved, environment: lineEnvironment(unique, resolved) };
    const decided = this.opts.overrides ? this.opts.overrides(unique, req, envRes) : unique;
    // Without a resolver nothing places a target: a state change is judged by its target, so it is recorded, not asked.
    const changes = this.opts.stateChanges?.() ?? (this.opts.resolveEnvironment ? DEFAULT_STATE_CHANGES : UNRESOLVED_STATE_CHANGES);
    return { verdict: decide(decided, envRes, targets, changes), parsed, perCommand };
  }

  private nesting = 0;

  /** A command another program runs in a shell (psql `\\!`, COPY … PROGRAM, sqlite `.shell`): judged like a line of its own. */
  private nested(line: string, label: string, req: CheckRequest, ruleCtx: RuleContext, started: number): RuleHit[] {
    if (this.nesting >= MAX_NESTED) {
      return [{ id: 'shell.unanalysable', category: 'unanalysable', risk: 'high', reason: `TwoKey cannot check what this runs because ${label} nests commands too deeply` }];
    }
    this.nesting++;
    try {
      const ctx = newContext(this.parser, { env: req.env, envComplete: req.envComplete, home: ruleCtx.home, cwd: req.cwd, deadline: started + this.budget });
      parseScript(line, ctx);
      const hits: RuleHit[] = [];
      for (const c of ctx.out.commands) {
        for (const h of runRules(c, ruleCtx)) {
          const x = clean(annotate(h, c));
          hits.push({ ...x, reason: `${x.reason} (run by ${label})` });
        }
      }
      for (const u of ctx.out.unanalysable) {
        hits.push({ id: 'shell.unanalysable', category: 'unanalysable', risk: 'high', reason: `TwoKey cannot check what ${label} runs because ${u.reason}` });
      }
      return hits;
    } finally {
      this.nesting--;
    }
  }
}

const MAX_NESTED = 4;

function annotate(h: RuleHit, c: SimpleCommand): RuleHit {
  const wrappers = c.via.filter((v) => v !== 'nohup' && v !== 'time');
  if (!wrappers.length) return h;
  return { ...h, reason: `${h.reason} (run through ${wrappers.join(' → ')}${c.origin ? `; ${c.origin}` : ''})` };
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
