/**
 * The shape of a TwoKey policy: the built-in defaults, the user's settings and the
 * workspace file `.twokey/policy.json` all describe (parts of) this.
 */
import type { EnvironmentName, StateChangePolicy } from '../types';

export type { StateChangePolicy };

/** An environment a policy can describe; `unknown` is what nothing describes. */
export type PlacedEnvironment = Exclude<EnvironmentName, 'unknown'>;
export const PLACED_ENVIRONMENTS: readonly PlacedEnvironment[] = ['production', 'staging', 'development'];

/** How to recognise one environment. */
export interface EnvironmentSpec {
  /**
   * Name patterns, case-insensitive. A plain word matches on word boundaries
   * (`prod` matches `eks-prod-1` and `myProdDb`, not `product`); a pattern with glob
   * characters (`* ? [ {`) is a minimatch glob over the whole name.
   */
  patterns: string[];
  /** Host globs (`*.prod.example.com`, `10.0.1.*`), for database/service URLs, API hosts, cluster servers. */
  hosts: string[];
  /** Resource ids and names (globs): volume ids, project ids, buckets, clusters, subscriptions, accounts. */
  resources: string[];
}

/** `confirm` is `ask` with a typed confirmation. */
export type OverrideDecision = 'allow' | 'ask' | 'deny' | 'confirm';
export const OVERRIDE_DECISIONS: readonly OverrideDecision[] = ['allow', 'ask', 'confirm', 'deny'];

/** Where a layer of policy came from. */
export type LayerSource = 'defaults' | 'user' | 'workspace';

export interface RuleOverride {
  /** Rule id glob: `fs.*`, `paas.railway.volume-delete`. */
  rule: string;
  /** Globs over the command line (`*` also spans `/`). */
  commands?: string[];
  /** Path globs over the targets (relative to the workspace root, or absolute). */
  paths?: string[];
  /** Host globs over the hosts the targets name. */
  hosts?: string[];
  /** Environments the override applies in; `production` also covers `unknown`. */
  environments?: EnvironmentName[];
  decision: OverrideDecision;
  /** Shown to the person and the agent in place of the rule's reason. */
  reason?: string;
  /** Set by `mergePolicy`: from a layer that may only tighten (untrusted workspace). */
  tightenOnly?: boolean;
  /** Set by `mergePolicy`: which layer it came from. */
  origin?: LayerSource;
}

/** Which variables and files the environment resolver reads. */
export interface SignalSettings {
  /** Variables whose value names an environment (`NODE_ENV`, `RAILS_ENV`, …); globs allowed. */
  variables: string[];
  /** Variables holding a database/service URL or host (`DATABASE_URL`, `*_REDIS_URL`, `PGHOST`); globs allowed. */
  urlVariables: string[];
  /** Extra dotenv files (relative to the folder) always read, besides `.env`, `.env.local` and the selected `.env.<name>`. */
  dotenvFiles: string[];
}

/** A complete, merged policy. */
export interface Policy {
  version: 1;
  environments: Record<PlacedEnvironment, EnvironmentSpec>;
  /** In order: later trusted overrides win over earlier ones; tighten-only ones can only raise. */
  overrides: RuleOverride[];
  /** CLIs that get a PATH shim. */
  shims: string[];
  /** Credential file globs to watch (`~` is the home folder). */
  watch: string[];
  /** Variables an agent must not change (guarded by the rules' guard-config pack). */
  protectedVariables: string[];
  /**
   * Variables (names or globs) kept out of VS Code terminals' environment, so an agent in a
   * terminal cannot use a production secret the editor happens to hold, unless a person
   * elevates a terminal for a limited time (`TwoKey: Elevate Terminal…`).
   */
  maskedVariables: string[];
  signals: SignalSettings;
  /** When state changes (deploys, migrations, applies, scoped writes) ask outside development. */
  stateChanges: StateChangePolicy;
  /**
   * What a person said this workspace is ("mark this workspace as development"): a signal
   * like any other, so production evidence still wins over it.
   */
  workspaceEnvironment?: PlacedEnvironment;
}

/** One layer as written in a file or settings: every part optional. */
export interface PolicyInput {
  $schema?: string;
  version?: 1;
  environments?: Partial<Record<PlacedEnvironment, Partial<EnvironmentSpec>>>;
  overrides?: RuleOverride[];
  /** A name prefixed with `!` removes a shim (honoured from trusted layers only). */
  shims?: string[];
  watch?: string[];
  protectedVariables?: string[];
  maskedVariables?: string[];
  signals?: Partial<SignalSettings>;
  stateChanges?: Partial<StateChangePolicy>;
  workspaceEnvironment?: PlacedEnvironment;
}

export interface PolicyLayer {
  source: Exclude<LayerSource, 'defaults'>;
  policy: PolicyInput;
  /** For messages: the file or settings scope the layer was read from. */
  file?: string;
}

export interface PolicyDiagnostic {
  message: string;
  severity: 'error' | 'warning';
  /** Character offset and length in the file text. */
  offset: number;
  length: number;
  /** Zero-based, as VS Code ranges are. */
  line: number;
  column: number;
}
