/**
 * The verdict: risk × environment → allow | ask | deny, with the reason people read and the
 * target they confirm. One mapping for every surface: the engine's checks of shell lines and
 * the agents' hooks for tool calls that are not shell commands (core/hooks/classify.ts).
 */
import type { EnvironmentName, EnvironmentResolution, ResolvedTarget, Risk, RuleHit, StateChangePolicy, Verdict } from './types';

export const DEFAULT_STATE_CHANGES: Readonly<StateChangePolicy> = Object.freeze({ staging: 'allow', unknown: 'ask' });

export const RISK_RANK: Readonly<Record<Risk, number>> = { none: 0, low: 1, high: 2, critical: 3 };

function envLabel(env: EnvironmentName): string {
  return env === 'unknown' ? 'an unknown environment, treated as production' : env;
}

const DANGER: Readonly<Record<EnvironmentName, number>> = { development: 0, staging: 1, unknown: 2, production: 3 };

/** The targets one finding's command acts on (its tools' resolved targets), riskiest first. */
function targetsOf(h: RuleHit, env: EnvironmentResolution): ResolvedTarget[] {
  if (!h.refs?.length || !env.targets?.length) return [];
  const tools = new Set(h.refs.map((r) => r.tool));
  return env.targets.filter((t) => tools.has(t.tool));
}

/**
 * Where one finding acts: its command's own targets when any resolved (a development
 * workspace's `kubectl --context prod` is production), else the workspace's environment.
 */
export function hitEnvironment(h: RuleHit, env: EnvironmentResolution): EnvironmentName {
  const own = targetsOf(h, env);
  if (!own.length) return env.environment;
  return own.reduce<EnvironmentName>((m, t) => (DANGER[t.environment] > DANGER[m] ? t.environment : m), 'development');
}

/** The line's environment: each finding judged by its own command's targets, the riskiest wins. */
export function lineEnvironment(hits: RuleHit[], env: EnvironmentResolution): EnvironmentName {
  if (!env.targets?.length || !hits.length) return env.environment;
  return hits.reduce<EnvironmentName | undefined>((m, h) => {
    const e = hitEnvironment(h, env);
    return m === undefined || DANGER[e] > DANGER[m] ? e : m;
  }, undefined)!;
}

/** A state change asks in production, never in development; staging and unknown follow the policy. */
function changeDecision(h: RuleHit, where: EnvironmentName, policy: StateChangePolicy): RuleHit {
  if (h.decision !== undefined) return h;
  const asks = where === 'production' || (where === 'unknown' && policy.unknown === 'ask') || (where === 'staging' && policy.staging === 'ask');
  if (!asks) return h;
  const what = where === 'unknown' ? 'a target no signal places' : where;
  return { ...h, decision: 'ask', typedConfirmation: where === 'production' || h.typedConfirmation, reason: `${h.reason}, a change to ${what}` };
}

export function decide(hits0: RuleHit[], env: EnvironmentResolution, targets: string[], stateChanges: StateChangePolicy = DEFAULT_STATE_CHANGES): Verdict {
  const isProdLike = (e: EnvironmentName) => e === 'production' || e === 'unknown';
  const prodLike = isProdLike(env.environment);
  const hits = hits0.map((h0) => {
    const where = hitEnvironment(h0, env);
    // A hit that only matters in production or unknown environments counts as low elsewhere.
    const h = h0.prodOnly && !isProdLike(where) && RISK_RANK[h0.risk] > RISK_RANK.low ? { ...h0, risk: 'low' as Risk } : h0;
    return h.change ? changeDecision(h, where, stateChanges) : h;
  });
  const active = hits.filter((h) => h.decision !== 'allow');
  const sorted = [...active].sort((a, b) => {
    const d = (b.decision === 'deny' ? 10 : 0) - (a.decision === 'deny' ? 10 : 0);
    return d || RISK_RANK[b.risk] - RISK_RANK[a.risk] || (b.decision === 'ask' ? 1 : 0) - (a.decision === 'ask' ? 1 : 0);
  });
  const top = sorted[0];
  const risk: Risk = top ? sorted.reduce<Risk>((m, h) => (RISK_RANK[h.risk] > RISK_RANK[m] ? h.risk : m), 'none') : hits.length ? 'low' : 'none';
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
  // The target named to people: the riskiest one a finding that decides acts on.
  const deciding = decision === 'allow' ? hits : active;
  const named = deciding.flatMap((h) => targetsOf(h, env)).sort((a, b) => DANGER[b.environment] - DANGER[a.environment])[0] ?? env.targets?.[0];
  const verdict: Verdict = {
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
  if (named) {
    verdict.target = named;
    verdict.reason = reason.replace(/^(Denied by policy in |Stopped for a person's approval in )([^:]+):/, (_m, lead: string, where: string) => `${lead}${where} (${targetPhrase(named)}):`);
    // In production a person types what the command acts on (a context, a database, an app), when it has a name.
    if (typedConfirmation && named.environment === 'production' && env.environment === 'production') verdict.confirmText = named.name;
  }
  return verdict;
}

/** "`psql` → `prod-db.acme.internal` (DATABASE_URL in .env) → production" */
export function targetPhrase(t: ResolvedTarget): string {
  return `\`${t.tool}\` → \`${t.name}\` (${t.how}) → ${t.environment}`;
}
