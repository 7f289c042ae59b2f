/**
 * The hook's answer in each agent's own format. Every answer, whatever the agent, passes
 * through `finish`, which masks every string of the answer (every JSON field at any depth,
 * and stderr): a secret in the command line never reaches the agent or its UI, whichever
 * field the agent shows.
 *
 * - Cursor: `{"permission":"allow"|"deny","user_message","agent_message"}` on stdout, exit 0
 *   (a JSON `deny` is honoured in every mode, Auto-review included; `ask` is not, so TwoKey
 *   never answers `ask`). The installed entry also has `failClosed: true`.
 * - Claude Code (CLI, VS Code and JetBrains), Copilot in VS Code and Codex:
 *   `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision",
 *   "permissionDecisionReason"}}`. A deny also exits 2 with the reason on stderr, which all
 *   three block on even where the JSON would be ignored.
 * - Gemini CLI (`BeforeTool`): `{"decision":"deny","reason"}`, and exit 2 with the reason on
 *   stderr (Gemini's "system block").
 * - Copilot CLI (`preToolUse`): `{"permissionDecision":"deny","permissionDecisionReason"}`, exit 0.
 * - Windsurf (Cascade pre-hooks): exit 2 blocks, the reason on stderr; nothing on stdout.
 * - Cline (`PreToolUse` hook file): `{"cancel":true,"errorMessage"}`; `{"cancel":false}` otherwise.
 *
 * What TwoKey found harmless is left to the agent's own permission rules ("neutral"): an
 * `allow` from a hook skips the agents' own prompts, and TwoKey must never loosen them.
 * `allow` is said only when a person approved in TwoKey's prompt.
 */
import type { Agent } from './types';
import { maskObject, maskSecrets } from '../redact';

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

const REFUSED = 'TwoKey refused this.';
const APPROVED = 'TwoKey: a person approved this once in TwoKey.';

/** The one exit of every answer: every string masked, stdout one JSON line (or nothing). */
function finish(json: unknown, stderr: string, exitCode: number): HookAnswer {
  return {
    stdout: json === undefined ? '' : JSON.stringify(maskObject(json)) + '\n',
    stderr: stderr ? maskSecrets(stderr) + '\n' : '',
    exitCode,
  };
}

export function formatAnswer(agent: Agent, o: HookOutcome, opts: { observeOnly?: boolean } = {}): HookAnswer {
  if (opts.observeOnly) return finish(agent === 'windsurf' ? undefined : {}, '', 0);
  const reason = o.agentMessage ?? o.userMessage ?? REFUSED;
  switch (agent) {
    case 'cursor':
      if (o.decision === 'deny') return finish({ permission: 'deny', user_message: o.userMessage ?? reason, agent_message: reason }, '', 0);
      return finish({ permission: 'allow' }, '', 0);
    case 'gemini':
      if (o.decision === 'deny') return finish({ decision: 'deny', reason }, reason, EXIT_BLOCK);
      if (o.decision === 'allow') return finish({ decision: 'allow', reason: o.agentMessage ?? APPROVED }, '', 0);
      return finish({}, '', 0);
    case 'copilot-cli':
      if (o.decision === 'deny') return finish({ permissionDecision: 'deny', permissionDecisionReason: reason }, '', 0);
      if (o.decision === 'allow') return finish({ permissionDecision: 'allow', permissionDecisionReason: o.agentMessage ?? APPROVED }, '', 0);
      return finish({}, '', 0);
    case 'windsurf':
      return o.decision === 'deny' ? finish(undefined, reason, EXIT_BLOCK) : finish(undefined, '', 0);
    case 'cline':
      return o.decision === 'deny' ? finish({ cancel: true, errorMessage: reason }, '', 0) : finish({ cancel: false }, '', 0);
    default: {
      if (o.decision === 'deny') {
        return finish({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: reason } }, reason, EXIT_BLOCK);
      }
      if (o.decision === 'allow') {
        return finish({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', permissionDecisionReason: o.agentMessage ?? APPROVED } }, '', 0);
      }
      return finish({ continue: true }, '', 0);
    }
  }
}

/**
 * The answer when the hook was started with a name it does not know: refuse in every shape
 * at once (Cursor's and Claude's JSON fields on one line, exit 2, the reason on stderr).
 */
export function misconfiguredAnswer(): HookAnswer {
  const agentMessage = 'TwoKey: refused because the TwoKey hook is misconfigured; ask the user to reinstall it with `twokey hooks install`.';
  return finish(
    {
      permission: 'deny',
      user_message: 'TwoKey hook is misconfigured (unknown agent name).',
      agent_message: agentMessage,
      decision: 'deny',
      reason: agentMessage,
      permissionDecision: 'deny',
      permissionDecisionReason: agentMessage,
      cancel: true,
      errorMessage: agentMessage,
    },
    agentMessage,
    EXIT_BLOCK,
  );
}
