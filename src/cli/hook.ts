/**
 * `twokey hook cursor|claude-code|copilot`: an agent's pre-execution hook. Reads the agent's
 * JSON on stdin and answers in its format (src/core/hooks/format.ts).
 *
 * - Nothing to say (a search, a plain read, an edit of an ordinary file): answer at once.
 * - A window of VS Code or Cursor with TwoKey runs for the workspace: the call goes to its
 *   broker, which classifies it with the warm engine and the trusted policy, asks the person
 *   in TwoKey's modal when needed, and writes the audit record.
 * - No window (or it does not answer): classify here; allow what is harmless, refuse the
 *   rest with a message that says how the user can approve, and write the audit record.
 * Never answers `ask`; never shows the agent a way to approve by itself.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import type { Agent, AgentCall } from '../core/hooks/types';
import { agentLabel, isAgent, AGENTS } from '../core/hooks/types';
import { parseHookInput } from '../core/hooks/parse';
import { formatAnswer, misconfiguredAnswer, type HookOutcome } from '../core/hooks/format';
import { classifyCall, describeCall, mayMatter, needsShellEngine, type CallClassifierDeps } from '../core/hooks/classify';
import type { Verdict } from '../core/types';

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

function write(agent: Agent, o: HookOutcome, observeOnly = false): number {
  const a = formatAnswer(agent, o, { observeOnly });
  process.stdout.write(a.stdout);
  if (a.stderr) process.stderr.write(a.stderr);
  return a.exitCode;
}

function hookEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TWOKEY_') && k !== 'ELECTRON_RUN_AS_NODE') out[k] = v;
  return out;
}

/** How long to wait for the person: a little past the broker's own deadline. */
function brokerWaitMs(): number {
  return (Number(process.env.TWOKEY_HOOK_WAIT_SECONDS) || Number(process.env.TWOKEY_DEADLINE_SECONDS) || 120) * 1000 + 5000;
}

async function viaBroker(call: AgentCall): Promise<HookOutcome | undefined> {
  const { askBroker, findRegistration, PROTOCOL_VERSION } = await import('../intercept/protocol');
  let reg;
  for (const d of [call.cwd, ...call.roots]) if ((reg = findRegistration(d))) break;
  if (!reg) return undefined;
  const res = await askBroker(
    {
      v: PROTOCOL_VERSION,
      secret: reg.secret,
      source: call.agent,
      command: call.kind === 'shell' ? (call.command ?? '') : describeCall(call, os.homedir()),
      cwd: call.cwd,
      env: hookEnv(),
      session: call.session,
      kind: call.kind,
      tool: call.kind === 'mcp' ? (call.mcpTool ?? call.tool) : call.tool,
      server: call.server,
      input: call.input,
      paths: call.paths,
      roots: call.roots,
    },
    reg.socketPath,
    brokerWaitMs(),
  );
  if (!res) return undefined;
  if (res.decision === 'deny') {
    return { decision: 'deny', agentMessage: res.message, userMessage: res.message.replace(/ Do not retry it or work around it; ask the user to run or approve it\.$/, '') };
  }
  return res.decidedBy === 'human'
    ? { decision: 'allow', agentMessage: 'TwoKey: a person approved this once in the TwoKey prompt.' }
    : { decision: 'neutral' };
}

async function localDeps(call: AgentCall, root: string, home: string): Promise<CallClassifierDeps> {
  const env = process.env;
  if (needsShellEngine(call)) {
    const { createWorkspaceEngine } = await import('../core/workspaceEngine');
    const { makePolicyOverrides } = await import('../core/policy');
    const ws = await createWorkspaceEngine({ workspaceRoot: root, trusted: false, homeDir: home, hostEnv: env });
    return { shell: (r) => ws.engine.check(r), resolveEnvironment: ws.resolver, overrides: makePolicyOverrides(ws.policy().policy), home, workspaceRoot: root, env };
  }
  const { loadWorkspacePolicy, makePolicyOverrides } = await import('../core/policy');
  const { createEnvironmentResolver } = await import('../core/environment');
  const policy = loadWorkspacePolicy(root, { trusted: false }).policy;
  return {
    resolveEnvironment: createEnvironmentResolver({ policy, homeDir: home, hostEnv: env }),
    overrides: makePolicyOverrides(policy),
    home,
    workspaceRoot: root,
    env,
  };
}

async function record(root: string, call: AgentCall, v: Verdict, decision: 'allowed' | 'denied' | 'observed', durationMs: number, home: string): Promise<void> {
  try {
    const { AuditLog, FileHeadStore, defaultStateDir } = await import('../core/audit');
    const dir = path.join(root, '.twokey');
    const log = new AuditLog({ dir, headStore: FileHeadStore.forLog(defaultStateDir(), dir) });
    try {
      await log.append({
        source: call.agent,
        command: describeCall(call, home),
        cwd: call.cwd,
        environment: v.environment,
        evidence: v.evidence,
        risk: v.risk,
        rules: v.rules,
        decision,
        decidedBy: 'policy',
        durationMs,
        reason: v.reason,
        session: call.session,
      });
      await log.flush(1000);
    } finally {
      log.dispose();
    }
  } catch (err) {
    process.stderr.write(`TwoKey: could not write the audit record: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

async function local(call: AgentCall, started: number): Promise<HookOutcome> {
  const home = os.homedir();
  const { findWorkspaceRoot } = await import('../core/policy');
  const root = findWorkspaceRoot(call.roots[0] ?? call.cwd);
  const { refusal, whatItDoes } = await import('../core/decisions');
  const { maskSecrets } = await import('../core/redact');
  const v = classifyCall(call, await localDeps(call, root, home));
  const what = describeCall(call, home);
  if (v.decision === 'allow') {
    if (v.risk !== 'none') await record(root, call, v, 'allowed', performance.now() - started, home);
    return { decision: 'neutral' };
  }
  await record(root, call, v, 'denied', performance.now() - started, home);
  if (v.decision === 'deny') {
    const msg = refusal(what, v, `the policy forbids it (${v.rules.join(', ')}); a person can change that in .twokey/policy.json`);
    return { decision: 'deny', agentMessage: msg, userMessage: msg.replace(/ Do not retry.*$/, '') };
  }
  const how =
    `To approve it, the user can open ${root} in VS Code or Cursor with the TwoKey extension running ` +
    `(the next attempt then shows TwoKey's approval prompt), or run it themselves in a TwoKey-guarded terminal.`;
  return {
    decision: 'deny',
    agentMessage: `${refusal(what, v, `no TwoKey window is open for this workspace to ask a person`)} ${how}`,
    userMessage: `TwoKey stopped ${agentLabel(call.agent)} from running \`${maskSecrets(what).slice(0, 160)}\`: ${whatItDoes(v)}. ${how}`,
  };
}

async function observe(call: AgentCall, started: number): Promise<void> {
  const home = os.homedir();
  if (!mayMatter(call, home)) return;
  const { findWorkspaceRoot } = await import('../core/policy');
  const root = findWorkspaceRoot(call.roots[0] ?? call.cwd);
  const v = classifyCall(call, await localDeps(call, root, home));
  if (v.risk !== 'none') await record(root, call, v, 'observed', performance.now() - started, home);
}

export async function runHook(args: string[]): Promise<number> {
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
  const parsed = parseHookInput(agent, text, process.cwd());
  if (!parsed.ok) {
    const msg = `TwoKey: refused because ${parsed.error}; TwoKey checks every ${agentLabel(agent)} tool call before it runs and cannot check this one. Ask the user to look at the TwoKey hook.`;
    return write(agent, { decision: 'deny', agentMessage: msg, userMessage: msg });
  }
  const call = parsed.call;
  try {
    if (call.kind === 'shell' && call.command === undefined) {
      // A task named by its label: the command it runs is in .vscode/tasks.json.
      const { resolveTaskCommand } = await import('../core/hooks/tasks');
      const { readFileSync } = await import('node:fs');
      let text: string | undefined;
      try {
        text = readFileSync(path.join(call.cwd, '.vscode', 'tasks.json'), 'utf8');
      } catch {
        text = undefined;
      }
      call.command = resolveTaskCommand(call, text);
      if (call.command === undefined) {
        const msg = `TwoKey: refused \`${call.tool}\` because it could not find the task it runs in .vscode/tasks.json, so it cannot check its command. Ask the user to run the task themselves.`;
        return write(call.agent, { decision: 'deny', agentMessage: msg, userMessage: msg });
      }
    }
    if (call.observeOnly) {
      await observe(call, started);
      return write(call.agent, { decision: 'neutral' }, true);
    }
    if (!mayMatter(call, os.homedir())) return write(call.agent, { decision: 'neutral' });
    // Cursor's preToolUse is installed for edits; shell, MCP and reads have their own events.
    if (call.agent === 'cursor' && call.event === 'preToolUse' && call.kind !== 'edit') return write(call.agent, { decision: 'neutral' });
    const answered = await viaBroker(call);
    return write(call.agent, answered ?? (await local(call, started)));
  } catch (err) {
    const msg = `TwoKey: refused because its check failed (${err instanceof Error ? err.message : String(err)}). Ask the user to run or approve it.`;
    return write(call.agent, { decision: 'deny', agentMessage: msg, userMessage: msg });
  }
}
