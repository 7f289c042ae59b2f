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
import type { CheckRequest, Risk, Verdict } from '../core/types';
import { writeGateFiles, writeProtectedNames } from './gateFiles';
import type { TamperWatch } from './tamper';
import type { WorkspaceEngine } from '../core/workspaceEngine';
import type { Disposable } from '../core/events';
import { singleQuote } from '../core/argv';
import { lineWithDefinitions, withDefinitions } from './gate-client';

export interface GateWiring {
  socketPath: string;
  /** The file with the window's key (the gates read it at every request). */
  keyFile: string;
  /** dist/gate.js. */
  gateHelper: string;
  deadlineSeconds: number;
  /** media/gate: copied into `gateDir` with this window's configuration baked in. */
  mediaGate: string;
  /** The private folder the window's gate files are written to (stable across reloads). */
  gateDir: string;
  /** The policy's protected variables (the prefilter sends every line naming one). */
  protectedVariables?: readonly string[];
  /** zsh (ZDOTDIR) and non-interactive bash (BASH_ENV) gates; on unless false. */
  zsh?: boolean;
  bashEnv?: boolean;
  /** PATH shims for high-risk tools, written into `dir` and put first on PATH. */
  shims?: { dir: string; names: readonly string[] };
}

export function installGateEnvironment(collection: vscode.GlobalEnvironmentVariableCollection, w: GateWiring): void {
  collection.description = 'TwoKey: asks before destructive commands run in this terminal';
  // The helper, Node, the socket and the key file are baked into these files, not taken
  // from the terminal's variables (which any line can change).
  // The user's own ZDOTDIR / BASH_ENV, which ours replace and chain (a window started from
  // a gated terminal already carries ours: look through it). Baked into the gate files.
  const ours = { ZDOTDIR: path.join(w.gateDir, 'zsh'), BASH_ENV: path.join(w.gateDir, 'bash-env.sh') };
  const user = (name: 'ZDOTDIR' | 'BASH_ENV') => process.env[`TWOKEY_USER_${name}`] || (process.env[name] !== ours[name] ? process.env[name] : undefined);
  const userZdotdir = user('ZDOTDIR');
  const userBashEnv = user('BASH_ENV');
  const files = writeGateFiles(w.mediaGate, w.gateDir, {
    node: process.execPath,
    gateJs: w.gateHelper,
    socket: w.socketPath,
    keyFile: w.keyFile,
    protectedVariables: w.protectedVariables,
    shimDir: w.shims?.names.length ? w.shims.dir : undefined,
    userZdotdir: w.zsh !== false ? userZdotdir : undefined,
    userBashEnv: w.bashEnv !== false ? userBashEnv : undefined,
  });
  // Bash evaluates PROMPT_COMMAND at every prompt; VS Code's shell integration keeps it.
  collection.prepend('PROMPT_COMMAND', `source ${singleQuote(files.bashGate)}; `);
  // Only for looking (which terminals are gated); no gate reads it.
  collection.replace('TWOKEY_SOCKET', w.socketPath);
  for (const gone of ['TWOKEY_SECRET', 'TWOKEY_GATE_JS', 'TWOKEY_NODE']) collection.delete(gone);
  collection.replace('TWOKEY_DEADLINE_SECONDS', String(w.deadlineSeconds));
  // TWOKEY_USER_*: only for a window started from a gated terminal (see `user` above); no gate reads them.
  if (w.zsh !== false) {
    collection.replace('ZDOTDIR', files.zshDir);
    if (userZdotdir) collection.replace('TWOKEY_USER_ZDOTDIR', userZdotdir);
    else collection.delete('TWOKEY_USER_ZDOTDIR');
  }
  if (w.bashEnv !== false) {
    collection.replace('BASH_ENV', files.bashEnv);
    if (userBashEnv) collection.replace('TWOKEY_USER_BASH_ENV', userBashEnv);
    else collection.delete('TWOKEY_USER_BASH_ENV');
  }
  let shimsOnPath = false;
  if (w.shims?.names.length) {
    try {
      writeShims(w.shims.dir, w.shims.names, { gateJs: w.gateHelper, node: process.execPath, socket: w.socketPath, keyFile: w.keyFile });
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

/**
 * Keeps the gates' protected variables in step with the policy: every reload of the workspace
 * policy rewrites the file the gates re-read at every prompt, so a newly protected variable
 * is asked about in terminals that are already open. Disposing stops it.
 */
export function followPolicyReloads(ws: Pick<WorkspaceEngine, 'onDidReload'>, gateDir: string, log?: { warn(m: string): void }): Disposable {
  return ws.onDidReload((loaded) => {
    try {
      writeProtectedNames(gateDir, loaded.policy.protectedVariables);
    } catch (err) {
      log?.warn(`[gate] could not update the protected variables of the terminal gates: ${String(err)}`);
    }
  });
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
  /** Tampered terminals: reports are recorded there, and their next command is asked about. */
  guard?: { tamper: TamperWatch; check: (req: CheckRequest) => Verdict },
): (req: GateRequest, signal: AbortSignal, pre?: Verdict) => Promise<GateResponse> {
  const grants = new ApprovalGrants();
  return async (req, signal, pre) => {
    const term = await terminalForPid(req.shellPid);
    if (req.report === 'tamper') {
      await guard?.tamper.report({ shellPid: req.shellPid, terminal: term?.name, what: req.command, cwd: req.cwd, source: req.source });
      return { decision: 'allow', message: '' };
    }
    // After tampering (reported now or before), the next command waits for a person.
    let tampered = guard && (!req.kind || req.kind === 'shell') ? guard.tamper.mustAsk(req.shellPid, term?.name) : undefined;
    if (guard && req.tampered && !tampered) {
      await guard.tamper.report({ shellPid: req.shellPid, terminal: term?.name, what: req.tampered, cwd: req.cwd, source: req.source });
      tampered = req.tampered;
    }
    const origin =
      req.source === 'terminal'
        ? `terminal '${terminalName(term, req.shellPid) ?? 'unknown'}'${req.shellPid ? ` (shell pid ${req.shellPid})` : ''}`
        : req.kind
          ? `${req.source} agent (${req.kind === 'shell' ? 'shell command' : `${req.kind} ${req.tool ?? ''}`.trim()})`
          : req.source;
    // A shell line may come classified already, off this thread (the broker's preclassify).
    let verdict = req.kind && req.kind !== 'shell' ? classifyCall?.(req) : pre;
    // The shell's own functions and aliases that the line runs are judged with it (here: the worker saw the line alone).
    const defs = !req.kind && (req.defs || req.defsOmitted) ? { defs: typeof req.defs === 'string' ? req.defs.slice(0, 64 * 1024) : undefined, omitted: typeof req.defsOmitted === 'string' ? req.defsOmitted.slice(0, 1000) : undefined } : undefined;
    const judged = () =>
      withDefinitions(guard!.check({ command: lineWithDefinitions(req.command, defs?.defs), cwd: req.cwd, env: req.env, source: req.source, workspaceRoot: workspaceRoot() }), defs?.omitted);
    if (guard && defs) verdict = judged();
    if (tampered && guard) verdict = tamperedVerdict(judged(), tampered);
    if (req.kind && req.kind !== 'shell' && !verdict) {
      return { decision: 'deny', message: `TwoKey: refused the ${req.source} ${req.kind} call because this window cannot classify it; ask the user to update TwoKey.` };
    }
    // Asked about by a process below a shell whose line a person just allowed (its child
    // bash, a PATH shim): covered by that approval when it runs only what the line ran.
    const shellLine = !req.kind || req.kind === 'shell';
    let coveredBy: string | undefined;
    if (shellLine && commandWords && req.shellPid && grants.active() && !tampered) {
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
    if (tampered && r.decidedBy === 'human') guard?.tamper.asked(req.shellPid, term?.name);
    if (shellLine && commandWords && req.shellPid && !coveredBy && r.decision === 'allow' && r.decidedBy === 'human') {
      grants.note(req.shellPid, req.command, commandWords(req.command, req.cwd));
    }
    return { decision: r.decision, message: r.message, outcome: r.outcome, decidedBy: r.decidedBy };
  };
}

const RANK: Record<Risk, number> = { none: 0, low: 1, high: 2, critical: 3 };

/** The engine's verdict, turned into a question for a person: the terminal's gate was tampered with. */
export function tamperedVerdict(v: Verdict, what: string): Verdict {
  return {
    ...v,
    decision: v.decision === 'deny' ? 'deny' : 'ask',
    risk: RANK[v.risk] >= RANK.high ? v.risk : 'high',
    category: v.decision === 'allow' ? 'guard-config' : v.category,
    rules: [...v.rules, 'guard.tamper'],
    reason: `This terminal's TwoKey gate was tampered with (${what}); it was restored, and its next command waits for a person. ${v.reason}`,
  };
}
