/**
 * Shared contracts of the core: the request, the rule hit, the environment, the verdict.
 * No `vscode` import anywhere under src/core (test/unit/house/imports.test.ts).
 */

export type Decision = 'allow' | 'ask' | 'deny';
export type Risk = 'none' | 'low' | 'high' | 'critical';
export type EnvironmentName = 'production' | 'staging' | 'development' | 'unknown';

export type Category =
  | 'filesystem'
  | 'git'
  | 'database'
  | 'cloud'
  | 'iac'
  | 'kubernetes'
  | 'paas'
  | 'http-api'
  | 'container'
  | 'credentials'
  | 'guard-config'
  | 'agent'
  | 'unanalysable'
  | 'none';

/** Where a request came from (audit `source`). */
/** `editor`: a person acting in TwoKey's own UI (pause, policy approval). */
export type Source = 'terminal' | 'task' | 'shim' | 'cursor' | 'claude-code' | 'copilot' | 'codex' | 'gemini' | 'copilot-cli' | 'windsurf' | 'cline' | 'file-watch' | 'cli' | 'editor';

/** One piece of evidence for an environment: which file, variable or config said so. */
export interface Evidence {
  /** e.g. `env:NODE_ENV`, `file:.env.production`, `kubeconfig:current-context`, `policy:resource`. */
  signal: string;
  /** The value that was read, already masked when it could be a secret. */
  value: string;
  environment: EnvironmentName;
}

export interface EnvironmentResolution {
  environment: EnvironmentName;
  evidence: Evidence[];
  /** The commands' own targets, resolved (riskiest first). */
  targets?: ResolvedTarget[];
}

/** What a rule found in one simple command. */
export interface RuleHit {
  /** Stable id such as `fs.rm.recursive`, `paas.railway.volume-delete`. */
  id: string;
  category: Category;
  risk: Risk;
  /** One sentence a person or an agent can act on. */
  reason: string;
  /** Paths, resource ids, hosts the command touches. */
  targets?: string[];
  /** Policy may name a decision outright (deny); rules normally leave this unset. */
  decision?: Decision;
  /** True when production/unknown needs the typed confirmation. */
  typedConfirmation?: boolean;
  /** The risk only holds in production or unknown environments (SQL that cannot be read); elsewhere the hit counts as low. */
  prodOnly?: boolean;
  /**
   * A state change (deploy, migration, apply, scoped write, restart, secret set, upload): asked
   * when its target is production, run unprompted in development (staging and unknown per policy).
   */
  change?: boolean;
  /** What the command acts on, as written or read from its configuration, for the environment resolver. */
  refs?: TargetRef[];
}

/** A reference to what one command acts on, before it is resolved to an environment. */
export interface TargetRef {
  /** The program (`psql`, `kubectl`), as shown to people. */
  tool: string;
  /**
   * `db-url` (a URL), `db-var` (a variable holding one), `db-host`, `kube-context`, `kubeconfig`,
   * `tf-workspace`, `tf-var-file`, `tf-dir`, `aws-profile`, `gcp-project`, `gcp-config`,
   * `azure-subscription`, `railway-env`, `fly-app`, `fly-config`, `heroku-app`, `heroku-remote`,
   * `vercel-target`, `supabase-project`, `branch`, `http-host`, `token`, `label` (an environment name such as `--env prod`).
   */
  kind: string;
  /** The value as written; absent when the tool's default applies (current context, default profile). */
  value?: string;
  /** How it was given: `--context`, `DATABASE_URL`, `-var-file`. */
  via?: string;
}

/** A command's target, resolved: its name, how it was found and its environment. */
export interface ResolvedTarget {
  tool: string;
  /** What people read and type: a host, a context, an app, a project. */
  name: string;
  /** How it was resolved: `DATABASE_URL in .env`, `--context`, `current-context in ~/.kube/config`. */
  how: string;
  environment: EnvironmentName;
}

/** What the policy says about state changes outside development. */
export interface StateChangePolicy {
  /** State changes whose target is staging: `allow` (default: only destructive commands ask) or `ask`. */
  staging: 'allow' | 'ask';
  /** State changes whose target is unknown: `ask` (default) or `allow`. */
  unknown: 'allow' | 'ask';
}

export interface Verdict {
  decision: Decision;
  risk: Risk;
  category: Category;
  environment: EnvironmentName;
  evidence: Evidence[];
  rules: string[];
  targets: string[];
  reason: string;
  /** Ask with a typed confirmation (production, unknown, or critical). */
  typedConfirmation: boolean;
  /** Each rule that fired, for --explain and the modal. */
  hits: RuleHit[];
  /** The riskiest target a command acts on, when one was resolved. */
  target?: ResolvedTarget;
  /** What a person types to confirm (the target's name in production), when it is not the environment's name. */
  confirmText?: string;
}

/** A request to the engine from any door. */
export interface CheckRequest {
  command: string;
  cwd?: string;
  /** Environment variables of the process that would run the command. */
  env?: Record<string, string | undefined>;
  /**
   * True only when `env` holds every variable the shell would expand (not just the exported
   * or shared ones a gate sends): a variable missing from it then expands to nothing. Otherwise
   * a variable the line does not set is unknown, so a target it names is unknown too.
   */
  envComplete?: boolean;
  source?: Source;
  /** Workspace root, when known: deletes of it are critical; build folders inside it are regenerable. */
  workspaceRoot?: string;
  /** User's home folder (defaults to os.homedir() at the edges, never read inside the pure core). */
  home?: string;
  /** The shell the command is for (`"shell"` in a `twokey check --batch` line); bash when absent. See lang/shells.ts for the platform default. */
  shell?: ShellName;
}

export type ShellName = 'bash' | 'zsh' | 'sh' | 'powershell' | 'pwsh' | 'cmd';

/** What the environment resolver is given: the command's context and the targets the rules found. */
export interface EnvironmentContext {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Paths, resource ids, hosts named by the command (from rule hits). */
  targets: string[];
  /** What each command acts on (from rule hits), to resolve to a named target and its environment. */
  refs?: TargetRef[];
  workspaceRoot?: string;
  home?: string;
}

export type EnvironmentResolver = (ctx: EnvironmentContext) => EnvironmentResolution;

/**
 * Policy's say over rule hits: per-rule overrides (allow, ask, deny, typed confirmation)
 * matched on commands, paths and hosts. Returns the hits to decide on (a hit whose
 * `decision` is `allow` is recorded but does not prompt).
 */
export type PolicyOverrides = (hits: RuleHit[], req: CheckRequest, env: EnvironmentResolution) => RuleHit[];
