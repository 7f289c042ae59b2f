/**
 * The part of `twokey hook` that needs TwoKey's engine: asking the editor's broker, or
 * classifying here with the workspace policy, the environment resolver and the engine, and
 * writing the audit record. Loaded only for calls that may matter (src/cli/hook.ts decides);
 * the shell parser's WebAssembly only for lines that need it (noParser.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentCall } from '../core/hooks/types';
import { agentLabel } from '../core/hooks/types';
import type { HookOutcome } from '../core/hooks/format';
import { classifyCall, describeCall, mayMatter, needsShellEngine, type CallClassifierDeps } from '../core/hooks/classify';
import { createEngine } from '../core/engine';
import { findWorkspaceRoot, loadWorkspacePolicy, makePolicyOverrides } from '../core/policy';
import { createEnvironmentResolver } from '../core/environment';
import { refusal, whatItDoes } from '../core/decisions';
import { maskSecrets } from '../core/redact';
import type { Verdict } from '../core/types';

function hookEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('TWOKEY_') && k !== 'ELECTRON_RUN_AS_NODE') out[k] = v;
  return out;
}

/** How long to wait for the person: a little past the broker's own deadline. */
function brokerWaitMs(): number {
  return (Number(process.env.TWOKEY_HOOK_WAIT_SECONDS) || Number(process.env.TWOKEY_DEADLINE_SECONDS) || 120) * 1000 + 5000;
}

// The broker client, the audit log and the tasks.json reader load when used (in the bundle,
// a dynamic import runs the module's code only then).
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

/**
 * Classify with the workspace policy (untrusted: it can only tighten) and, for shell
 * commands, the engine: first without the parser, which plain lines never need.
 */
async function classifyHere(call: AgentCall, root: string, home: string): Promise<Verdict> {
  const env = process.env;
  const policy = loadWorkspacePolicy(root, { trusted: false }).policy;
  const base: CallClassifierDeps = {
    resolveEnvironment: createEnvironmentResolver({ policy, homeDir: home, hostEnv: env }),
    overrides: makePolicyOverrides(policy),
    home,
    workspaceRoot: root,
    env,
    platform: process.platform,
  };
  if (!needsShellEngine(call)) return classifyCall(call, base);
  // The same engine as the editor's: scripts, package files and saved plans are followed.
  const { nodeFileSource, nodePlanReader } = await import('../core/shell/files');
  const engine = await createEngine({
    resolveEnvironment: base.resolveEnvironment,
    overrides: base.overrides,
    files: nodeFileSource(),
    showPlan: nodePlanReader(),
    stateChanges: () => policy.stateChanges,
  });
  return classifyCall(call, { ...base, shell: (r) => engine.check(r) });
}

async function record(root: string, call: AgentCall, v: Verdict, decision: 'allowed' | 'denied' | 'observed', durationMs: number, home: string): Promise<void> {
  const { appendOnce, policyEntry } = await import('../core/audit');
  await appendOnce(path.join(root, '.twokey'), policyEntry(v, { source: call.agent, command: describeCall(call, home), cwd: call.cwd, decision, durationMs, session: call.session }));
}

async function local(call: AgentCall, started: number): Promise<HookOutcome> {
  const home = os.homedir();
  const root = findWorkspaceRoot(call.roots[0] ?? call.cwd);
  const v = await classifyHere(call, root, home);
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

/** After-the-fact events (Cursor's afterFileEdit): record what matters. */
export async function observeCall(call: AgentCall, started: number): Promise<void> {
  const home = os.homedir();
  if (!mayMatter(call, home)) return;
  const root = findWorkspaceRoot(call.roots[0] ?? call.cwd);
  const v = await classifyHere(call, root, home);
  if (v.risk !== 'none') await record(root, call, v, 'observed', performance.now() - started, home);
}

/** A call that may matter: the editor's broker when a window runs for the workspace, else here. */
export async function decideCall(call: AgentCall, started: number): Promise<HookOutcome> {
  if (call.kind === 'shell' && call.command === undefined) {
    // A task named by its label: the command it runs is in .vscode/tasks.json.
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(call.cwd, '.vscode', 'tasks.json'), 'utf8');
    } catch {
      text = undefined;
    }
    const { resolveTaskCommand } = await import('../core/hooks/tasks');
    call.command = resolveTaskCommand(call, text);
    if (call.command === undefined) {
      const msg = `TwoKey: refused \`${call.tool}\` because it could not find the task it runs in .vscode/tasks.json, so it cannot check its command. Ask the user to run the task themselves.`;
      return { decision: 'deny', agentMessage: msg, userMessage: msg };
    }
  }
  return (await viaBroker(call)) ?? (await local(call, started));
}
