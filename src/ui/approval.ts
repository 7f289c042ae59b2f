/**
 * The second key: a modal per pending request, one at a time, with a typed confirmation
 * for production and unknown environments and a deadline (no answer means deny).
 * Contract (design.md, "Approval modal"): the message starts with `TwoKey` and names the
 * command, the environment and the reason; buttons `Allow once` and `Deny`; closing denies.
 */
import * as vscode from 'vscode';
import type { Verdict } from '../core/types';
import { maskSecrets } from '../core/redact';
import { confirmationWord, environmentLabel, whatItDoes, type Answer, type ApprovalAsk } from '../core/decisions';
import { computePreview } from '../core/preview';
import type { PreviewService } from './preview';
import { saferAlternatives, type Alternative } from '../core/alternatives';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ApprovalRequest = ApprovalAsk;

export const ALLOW_ONCE = 'Allow once';
export const SHOW_DETAILS = 'Show details';
export const DENY = 'Deny';

export class ApprovalPrompt {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  private seq = 0;

  constructor(
    private readonly deadlineMs: () => number,
    private readonly previews?: PreviewService,
    /** Told how many requests wait for a person (the badge shows it). */
    private readonly onPending: (n: number) => void = () => undefined,
  ) {}

  /** Number of requests waiting for a person, including the one on screen. */
  get pendingCount(): number {
    return this.pending;
  }

  ask(req: ApprovalRequest): Promise<Answer> {
    this.pending++;
    this.onPending(this.pending);
    const run = this.queue.then(() => this.askNow(req));
    this.queue = run.catch(() => undefined);
    return run.finally(() => {
      this.pending--;
      this.onPending(this.pending);
    });
  }

  private async askNow(req: ApprovalRequest): Promise<Answer> {
    if (req.signal?.aborted) return 'withdrawn';
    const deadline = this.deadlineMs();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Answer>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), deadline);
    });
    const withdrawn = new Promise<Answer>((resolve) => {
      req.signal?.addEventListener('abort', () => resolve('withdrawn'), { once: true });
    });
    try {
      return await Promise.race([this.dialog(req), timeout, withdrawn]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async dialog(req: ApprovalRequest): Promise<Answer> {
    const v = req.verdict;
    const env = environmentLabel(v);
    const cmd = oneLine(maskSecrets(req.command), 160);
    const waiting = this.pending > 1 ? ` (${this.pending - 1} more waiting)` : '';
    const message = `TwoKey: \`${cmd}\` in ${env} (${v.risk} risk): ${whatItDoes(v)}${waiting}`;
    const real = v.evidence.filter((e) => e.signal !== 'none');
    const evidence = real.length
      ? real.map((e) => `  ${e.signal} = ${e.value} → ${e.environment}`).join('\n')
      : '  no signal places this command; unknown counts as production';
    const detail = [
      `Risk: ${v.risk} (${v.category})`,
      `Rules: ${v.rules.join(', ') || 'none'}`,
      v.targets.length ? `Targets: ${v.targets.join(', ')}` : '',
      `From: ${req.origin}`,
      `Environment: ${v.environment}`,
      evidence,
      v.typedConfirmation ? `\nAllowing asks you to type "${confirmWord(v)}".` : '',
    ]
      .filter(Boolean)
      .join('\n');
    const requestId = `r${++this.seq}`;
    let pick: string | undefined;
    try {
      // "Show details" closes a modal like any button: open the preview beside, then ask again.
      const alternatives = saferAlternatives(req.command, v).filter((a) => a.kind === 'trash' || req.runInstead);
      for (;;) {
        const buttons = [ALLOW_ONCE, ...alternatives.map((a) => a.label), ...(this.previews ? [SHOW_DETAILS] : []), DENY];
        pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
        const alt = alternatives.find((a) => a.label === pick);
        if (alt) return { replaced: await carryOut(alt, req) };
        if (pick !== SHOW_DETAILS || !this.previews) break;
        const preview = await computePreview(v, { command: req.command, cwd: req.cwd, workspaceRoot: req.workspaceRoot, env: req.env }, { timeLimitMs: 3000 });
        await this.previews.showPreview(preview, requestId);
      }
    } finally {
      this.previews?.forget(requestId);
    }
    if (pick !== ALLOW_ONCE) return 'deny';
    if (!v.typedConfirmation) return 'allow';
    const word = confirmWord(v);
    const typed = await vscode.window.showInputBox({
      title: 'TwoKey: typed confirmation',
      prompt: `Type "${word}" to run \`${oneLine(cmd, 80)}\` once. Anything else denies it.`,
      placeHolder: word,
      ignoreFocusOut: true,
    });
    return typed?.trim() === word ? 'allow' : 'deny';
  }
}

/** What a person types to confirm: the environment, or the resource the rule names. */
export function confirmWord(v: Verdict): string {
  return confirmationWord(v);
}

function oneLine(s: string, max: number): string {
  const flat = s.replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

/** Does what the person chose instead, and says what was done. */
async function carryOut(alt: Alternative, req: ApprovalRequest): Promise<string> {
  if (alt.kind === 'command') {
    req.runInstead?.(alt.command);
    return `TwoKey ran \`${alt.command}\` in the same terminal`;
  }
  const done: string[] = [];
  for (const p of alt.paths) {
    if (!fs.existsSync(p)) continue;
    try {
      await vscode.workspace.fs.delete(vscode.Uri.file(p), { recursive: true, useTrash: true });
      done.push(`${p} is in the system trash`);
    } catch {
      // No system trash here (a remote or headless host): keep it in the workspace's own.
      const bin = path.join(req.workspaceRoot ?? path.dirname(p), '.twokey', 'trash', new Date().toISOString().replace(/[:.]/g, '-'));
      fs.mkdirSync(bin, { recursive: true });
      const dest = path.join(bin, path.basename(p));
      fs.renameSync(p, dest);
      done.push(`${p} was moved to ${dest}`);
    }
  }
  return done.length ? done.join('; ') : 'nothing was left to move';
}

