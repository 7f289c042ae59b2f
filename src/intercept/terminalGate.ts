/**
 * Puts the shell gate into every new VS Code terminal through the extension's
 * environmentVariableCollection, and answers the gate's requests through the broker.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeShims } from './shims';
import type { GateRequest, GateResponse } from './protocol';
import type { DecisionService } from '../core/decisions';
import { ApprovalGrants } from '../core/grants';
import { ancestorPids } from './coverage';
import type { Verdict } from '../core/types';

export interface GateWiring {
  socketPath: string;
  secret: string;
  gateScript: string;
  gateHelper: string;
  deadlineSeconds: number;
  /** media/gate/zsh: becomes ZDOTDIR; its startup files chain the user's own. */
  zshDir?: string;
  /** media/gate/bash-env.sh: becomes BASH_ENV (shell tasks, `bash -c`, scripts). */
  bashEnvScript?: string;
  /** PATH shims for high-risk tools, written into `dir` and put first on PATH. */
  shims?: { dir: string; names: readonly string[] };
}

export function installGateEnvironment(collection: vscode.GlobalEnvironmentVariableCollection, w: GateWiring): void {
  collection.description = 'TwoKey: asks before destructive commands run in this terminal';
  // Bash evaluates PROMPT_COMMAND at every prompt; VS Code's shell integration keeps it.
  collection.prepend('PROMPT_COMMAND', `source ${shQuote(w.gateScript)}; `);
  collection.replace('TWOKEY_SOCKET', w.socketPath);
  collection.replace('TWOKEY_SECRET', w.secret);
  collection.replace('TWOKEY_GATE_JS', w.gateHelper);
  collection.replace('TWOKEY_NODE', process.execPath);
  collection.replace('TWOKEY_DEADLINE_SECONDS', String(w.deadlineSeconds));
  // The user's own ZDOTDIR / BASH_ENV, which ours replace and chain (a window started from
  // a gated terminal already carries ours: look through it).
  const user = (name: string, ours: string) => process.env[`TWOKEY_USER_${name}`] || (process.env[name] !== ours ? process.env[name] : undefined);
  if (w.zshDir) {
    collection.replace('ZDOTDIR', w.zshDir);
    const u = user('ZDOTDIR', w.zshDir);
    if (u) collection.replace('TWOKEY_USER_ZDOTDIR', u);
    else collection.delete('TWOKEY_USER_ZDOTDIR');
  }
  if (w.bashEnvScript) {
    collection.replace('BASH_ENV', w.bashEnvScript);
    const u = user('BASH_ENV', w.bashEnvScript);
    if (u) collection.replace('TWOKEY_USER_BASH_ENV', u);
    else collection.delete('TWOKEY_USER_BASH_ENV');
  }
  let shimsOnPath = false;
  if (w.shims?.names.length) {
    try {
      writeShims(w.shims.dir, w.shims.names, { gateJs: w.gateHelper, node: process.execPath });
      // At process creation (task terminals) and again once shell integration runs, after
      // the user's rc files, which would otherwise put their own folders in front.
      collection.prepend('PATH', w.shims.dir + path.delimiter, { applyAtProcessCreation: true, applyAtShellIntegration: true });
      shimsOnPath = true;
    } catch {
      /* no shims this time: the shell gates still stand */
    }
  }
  if (!shimsOnPath) collection.delete('PATH');
}

export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The name a person knows a terminal by. A terminal titled by its foreground process is
 * called `node` while the gate helper asks; then the shell's own name is used instead.
 */
export function terminalName(term: vscode.Terminal | undefined, shellPid: number | undefined): string | undefined {
  if (!term || term.name !== 'node' || !shellPid) return term?.name;
  try {
    return fs.readFileSync(`/proc/${shellPid}/comm`, 'utf8').trim() || term.name;
  } catch {
    return term.name;
  }
}

/** Finds the terminal whose shell has this pid. */
export async function terminalForPid(pid: number | undefined): Promise<vscode.Terminal | undefined> {
  if (!pid) return undefined;
  for (const t of vscode.window.terminals) {
    if ((await t.processId) === pid) return t;
  }
  return undefined;
}

export function gateHandler(
  decisions: DecisionService,
  workspaceRoot: () => string | undefined,
  /** Agent hooks: classifies MCP calls, file reads and edits (not shell lines). */
  classifyCall?: (req: GateRequest) => Verdict | undefined,
  /** A line's simple commands as words, after unwrapping (for approvals that cover children). */
  commandWords?: (command: string, cwd: string) => string[][],
): (req: GateRequest, signal: AbortSignal) => Promise<GateResponse> {
  const grants = new ApprovalGrants();
  return async (req, signal) => {
    const term = await terminalForPid(req.shellPid);
    const origin =
      req.source === 'terminal'
        ? `terminal '${terminalName(term, req.shellPid) ?? 'unknown'}'${req.shellPid ? ` (shell pid ${req.shellPid})` : ''}`
        : req.kind
          ? `${req.source} agent (${req.kind === 'shell' ? 'shell command' : `${req.kind} ${req.tool ?? ''}`.trim()})`
          : req.source;
    const verdict = req.kind && req.kind !== 'shell' ? classifyCall?.(req) : undefined;
    if (req.kind && req.kind !== 'shell' && !verdict) {
      return { decision: 'deny', message: `TwoKey: refused the ${req.source} ${req.kind} call because this window cannot classify it; ask the user to update TwoKey.` };
    }
    // Asked about by a process below a shell whose line a person just allowed (its child
    // bash, a PATH shim): covered by that approval when it runs only what the line ran.
    const shellLine = !req.kind || req.kind === 'shell';
    let coveredBy: string | undefined;
    if (shellLine && commandWords && req.shellPid && grants.active()) {
      coveredBy = grants.take(await ancestorPids(req.shellPid), commandWords(req.command, req.cwd));
    }
    const r = await decisions.decide({
      coveredBy,
      command: req.command,
      cwd: req.cwd,
      env: req.env,
      source: req.source,
      origin,
      terminal: terminalName(term, req.shellPid),
      session: req.session,
      workspaceRoot: workspaceRoot(),
      signal,
      verdict,
      // A safer command chosen in the prompt goes to the same terminal, through the gate again.
      runInstead: term && req.source === 'terminal' ? (cmd) => setTimeout(() => term.sendText(cmd, true), 300) : undefined,
    });
    if (shellLine && commandWords && req.shellPid && !coveredBy && r.decision === 'allow' && r.decidedBy === 'human') {
      grants.note(req.shellPid, req.command, commandWords(req.command, req.cwd));
    }
    return { decision: r.decision, message: r.message, outcome: r.outcome, decidedBy: r.decidedBy };
  };
}
