/**
 * `twokey hook <agent>`: an agent's pre-execution hook. Reads the agent's JSON on stdin and
 * answers in its format (src/core/hooks/format.ts).
 *
 * - Nothing to say (a search, a plain read, an edit of an ordinary file): answer at once,
 *   without loading the engine (this module and what it imports are all the hook's cheap
 *   path needs: the lean `dist/hook.js` bundle).
 * - Anything else goes to the slow path (hookSlow.ts): the broker of a VS Code or Cursor
 *   window with TwoKey for the workspace, which classifies with the warm engine and the
 *   trusted policy, asks the person and writes the audit record; or, with no window,
 *   classification here, refusing what needs a person with a message that says how the user
 *   can approve.
 * Never answers `ask`; never shows the agent a way to approve by itself.
 */
import * as os from 'node:os';
import type { Agent } from '../core/hooks/types';
import { agentLabel, isAgent, AGENTS } from '../core/hooks/types';
import { parseHookInput } from '../core/hooks/parse';
import { formatAnswer, misconfiguredAnswer, type HookOutcome } from '../core/hooks/format';
import { mayMatter } from '../core/hooks/files';
import { harmlessWithoutParser } from '../core/hooks/probe';

/** The slow path (hookSlow.ts), loaded only when a call may matter. */
export interface SlowPath {
  decideCall(call: import('../core/hooks/types').AgentCall, started: number): Promise<HookOutcome>;
  observeCall(call: import('../core/hooks/types').AgentCall, started: number): Promise<void>;
}

const USAGE = `usage: twokey hook ${AGENTS.join('|')}   (the agent's hook JSON on stdin)`;
const MAX_INPUT = 8 * 1024 * 1024;

function readStdin(timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    if (process.stdin.isTTY) return resolve('');
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const timer = setTimeout(done, timeoutMs);
    process.stdin.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_INPUT) chunks.push(d);
    });
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
}

/** A hook's answer: what goes to stdout and stderr, and the exit code. */
export interface HookReply {
  stdout: string;
  stderr: string;
  exitCode: number;
}

function reply(agent: Agent, o: HookOutcome, observeOnly = false): HookReply {
  const a = formatAnswer(agent, o, { observeOnly });
  return { stdout: a.stdout, stderr: a.stderr ?? '', exitCode: a.exitCode };
}

export async function runHook(args: string[], slow: () => Promise<SlowPath>): Promise<number> {
  const started = performance.now();
  const agent = args[0];
  if (!isAgent(agent)) {
    process.stderr.write(`${agent ? `twokey hook: unknown agent '${agent}'\n` : ''}${USAGE}\n`);
    // Whatever called us with a wrong name: refuse in every agent's shape at once.
    const a = misconfiguredAnswer();
    process.stdout.write(a.stdout);
    return a.exitCode;
  }
  const text = await readStdin(Number(process.env.TWOKEY_HOOK_STDIN_MS) || 5000);
  const r = await hookReply(agent, text, process.cwd(), slow, started);
  process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  return r.exitCode;
}

/**
 * The answer to one hook payload (the text the agent wrote on stdin), in the agent's format:
 * the same for the command hook and for the editor's warm hook port (src/intercept/hookPort.ts).
 */
export async function hookReply(agent: Agent, text: string, cwd: string, slow: () => Promise<SlowPath>, started?: number): Promise<HookReply>;
export async function hookReply(agent: Agent, text: string, cwd: string, slow: () => Promise<SlowPath | undefined>, started?: number): Promise<HookReply | undefined>;
/**
 * `slow` resolving undefined: the call is not answered here (the warm port leaves it to the
 * Node hook, which has the agent's environment); only calls that need no engine are.
 */
export async function hookReply(agent: Agent, text: string, cwd: string, slow: () => Promise<SlowPath | undefined>, started = performance.now()): Promise<HookReply | undefined> {
  const parsed = parseHookInput(agent, text, cwd);
  if (!parsed.ok) {
    const msg = `TwoKey: refused because ${parsed.error}; TwoKey checks every ${agentLabel(agent)} tool call before it runs and cannot check this one. Ask the user to look at the TwoKey hook.`;
    return reply(agent, { decision: 'deny', agentMessage: msg, userMessage: msg });
  }
  const call = parsed.call;
  try {
    if (call.observeOnly) {
      const s = await slow();
      if (!s) return undefined;
      await s.observeCall(call, started);
      return reply(call.agent, { decision: 'neutral' }, true);
    }
    const taskByLabel = call.kind === 'shell' && call.command === undefined;
    if (!taskByLabel && !mayMatter(call, os.homedir())) return reply(call.agent, { decision: 'neutral' });
    // Cursor's preToolUse is installed for edits; shell, MCP and reads have their own events.
    if (call.agent === 'cursor' && call.event === 'preToolUse' && call.kind !== 'edit') return reply(call.agent, { decision: 'neutral' });
    // A plain line that hits no rule: nothing for the broker or the policy to weigh.
    if (harmlessWithoutParser(call)) return reply(call.agent, { decision: 'neutral' });
    const s = await slow();
    if (!s) return undefined;
    return reply(call.agent, await s.decideCall(call, started));
  } catch (err) {
    const msg = `TwoKey: refused because its check failed (${err instanceof Error ? err.message : String(err)}). Ask the user to run or approve it.`;
    return reply(call.agent, { decision: 'deny', agentMessage: msg, userMessage: msg });
  }
}
