/**
 * The hook's answer in each agent's own format.
 *
 * - Cursor: `{"permission":"allow"|"deny","user_message","agent_message"}` on stdout, exit 0
 *   (a JSON `deny` is honoured in every mode, Auto-review included; `ask` is not, so TwoKey
 *   never answers `ask`). The installed entry also has `failClosed: true`.
 * - Claude Code and Copilot: `{"hookSpecificOutput":{"hookEventName":"PreToolUse",
 *   "permissionDecision","permissionDecisionReason"}}`. A deny also exits 2 with the reason on
 *   stderr, which both block on even where the JSON would be ignored.
 *
 * What TwoKey found harmless is left to the agent's own permission rules ("neutral"): an
 * `allow` from a hook skips Claude Code's and Copilot's own prompts, and TwoKey must never
 * loosen them. `allow` is said only when a person approved in TwoKey's prompt.
 */
import type { Agent } from './types';

export type HookDecision = 'allow' | 'deny' | 'neutral';

export interface HookOutcome {
  decision: HookDecision;
  /** What the agent reads (the `TwoKey:` refusal line and how the user can approve). */
  agentMessage?: string;
  /** What the person sees in the agent's UI. */
  userMessage?: string;
}

export interface HookAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const EXIT_BLOCK = 2;

export function formatAnswer(agent: Agent, o: HookOutcome, opts: { observeOnly?: boolean } = {}): HookAnswer {
  if (opts.observeOnly) return { stdout: '{}\n', stderr: '', exitCode: 0 };
  if (agent === 'cursor') {
    if (o.decision === 'deny') {
      const out = { permission: 'deny', user_message: o.userMessage ?? o.agentMessage ?? 'TwoKey refused this.', agent_message: o.agentMessage ?? o.userMessage ?? 'TwoKey refused this.' };
      return { stdout: JSON.stringify(out) + '\n', stderr: '', exitCode: 0 };
    }
    return { stdout: JSON.stringify({ permission: 'allow' }) + '\n', stderr: '', exitCode: 0 };
  }
  if (o.decision === 'deny') {
    const reason = o.agentMessage ?? o.userMessage ?? 'TwoKey refused this.';
    const out = { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } };
    return { stdout: JSON.stringify(out) + '\n', stderr: reason + '\n', exitCode: EXIT_BLOCK };
  }
  if (o.decision === 'allow') {
    const out = {
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'allow',
        permissionDecisionReason: o.agentMessage ?? 'TwoKey: a person approved this once in TwoKey.',
      },
    };
    return { stdout: JSON.stringify(out) + '\n', stderr: '', exitCode: 0 };
  }
  return { stdout: JSON.stringify({ continue: true }) + '\n', stderr: '', exitCode: 0 };
}
