/**
 * The second key: a modal per pending request, one at a time, with a typed confirmation
 * for production and unknown environments and a deadline (no answer means deny).
 * Contract (design.md, "Approval modal"): the message starts with `TwoKey` and names the
 * command, the environment and the reason; buttons `Allow once` and `Deny`; closing denies.
 *
 * Safe by default: `Deny` is the modal's first button, so it has the keyboard focus and
 * Enter denies; Escape, closing and the deadline deny too. VS Code's dialog focuses the
 * first button that is not the close affordance and always adds one (its own `Cancel` when
 * none is given), so `Deny` cannot be both: the close affordance is left to VS Code, and
 * every way of closing (Cancel, Escape, the close button) is a refusal.
 *
 * What would be lost is in view while deciding: the modal's detail carries a compact
 * summary (counts, the first files, uncommitted work, dropped commits) and a panel beside
 * it the whole preview, filling in as it is counted and closing when the request ends.
 */
import * as vscode from 'vscode';
import type { Verdict } from '../core/types';
import { maskSecrets } from '../core/redact';
import { confirmationWord, whatItDoes, type Answer, type ApprovalAsk } from '../core/decisions';
import { computePreview, type Preview } from '../core/preview';
import type { PreviewService } from './preview';
import { compactSummary, workspaceRelative, type PanelFacts } from './previewHtml';
import { saferAlternatives, type Alternative } from '../core/alternatives';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type ApprovalRequest = ApprovalAsk;

export const ALLOW_ONCE = 'Allow once';
export const DENY = 'Deny';

/** How long the modal waits for the preview so that its summary is in the detail. */
const SUMMARY_WAIT_MS = 1000;

export class ApprovalPrompt {
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;

  private seq = 0;

  constructor(
    private readonly deadlineMs: () => number,
    private readonly previews?: PreviewService,
    /** Told how many requests wait for a person (the badge shows it). */
    private readonly onPending: (n: number) => void = () => undefined,
    /** How long a preview may count before it shows what it has (ms). */
    private readonly previewLimitMs: () => number = () => 3000,
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
    const requestId = `r${++this.seq}`;
    try {
      return await Promise.race([this.dialog(req, requestId), timeout, withdrawn]);
    } finally {
      clearTimeout(timer);
      // Answered, withdrawn or timed out: the panel beside goes with the request.
      this.previews?.close(requestId);
    }
  }

  private async dialog(req: ApprovalRequest, requestId: string): Promise<Answer> {
    const v = req.verdict;
    const root = req.workspaceRoot;
    const rel = (s: string) => workspaceRelative(s, root);
    const cmd = oneLine(maskSecrets(req.command), 160);
    const waiting = this.pending > 1 ? ' ' + vscode.l10n.t('{0} more waiting.', this.pending - 1) : '';
    const message = vscode.l10n.t('TwoKey: `{0}` in {1}, {2} risk: {3}.', cmd, headlineEnvironment(v), v.risk, rel(whatItDoes(v))) + waiting;
    const real = v.evidence.filter((e) => e.signal !== 'none');
    const evidence = real.map((e) => `${e.signal} = ${rel(e.value)} → ${e.environment}`);

    // The preview starts now; the panel beside shows its progress and then what it found.
    let preview: Preview | undefined;
    if (this.previews) {
      const facts: PanelFacts = {
        command: maskSecrets(req.command),
        environment: headlineEnvironment(v),
        evidence,
        risk: v.risk,
        what: whatItDoes(v),
        origin: req.origin,
        confirm: v.typedConfirmation ? confirmWord(v) : undefined,
      };
      this.previews.show(requestId, facts, root);
      const computing = computePreview(v, { command: req.command, cwd: req.cwd, workspaceRoot: root, env: req.env }, { timeLimitMs: this.previewLimitMs() })
        .then((p) => {
          this.previews?.set(requestId, p);
          return p;
        })
        .catch(() => undefined);
      let wait: NodeJS.Timeout | undefined;
      preview = await Promise.race([computing, new Promise<undefined>((r) => (wait = setTimeout(() => r(undefined), SUMMARY_WAIT_MS)))]);
      clearTimeout(wait);
    }
    const lost = preview ? compactSummary(preview, root, undefined, this.previews?.text) : this.previews ? [vscode.l10n.t('Still counting: the panel beside fills in as TwoKey counts.')] : [];
    const detail = [
      ...(lost.length ? [vscode.l10n.t('What would be lost:'), ...lost.map((l) => `  ${l}`), ''] : []),
      // The command's own target and how it was resolved, else the paths it names.
      v.target
        ? vscode.l10n.t('Target: {0}', `\`${v.target.tool}\` → \`${v.target.name}\` (${v.target.how}) → ${v.target.environment}`)
        : v.targets.length
          ? vscode.l10n.t('Target: {0}', v.targets.map(rel).join(', '))
          : '',
      evidence.length
        ? vscode.l10n.t('Environment: {0}', v.environment)
        : vscode.l10n.t('Environment: {0} (no signal places this command; unknown counts as production)', v.environment),
      ...evidence.map((e) => `  ${e}`),
      vscode.l10n.t('Rules: {0} ({1})', v.rules.join(', ') || 'none', v.category),
      vscode.l10n.t('From: {0}', req.origin),
      '',
      v.typedConfirmation
        ? vscode.l10n.t('Enter, Escape or closing denies. Allow once asks you to type "{0}".', confirmWord(v))
        : vscode.l10n.t('Enter, Escape or closing denies.'),
    ]
      .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
      .join('\n');

    const alternatives = saferAlternatives(req.command, v).filter((a) => a.kind === 'trash' || req.runInstead);
    // Deny first: the focused button, so Enter refuses.
    const deny = vscode.l10n.t(DENY);
    const allowOnce = vscode.l10n.t(ALLOW_ONCE);
    const buttons = [deny, allowOnce, ...alternatives.map((a) => a.label)];
    const pick = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
    const alt = alternatives.find((a) => a.label === pick);
    if (alt) return { replaced: await carryOut(alt, req) };
    if (pick !== allowOnce) return 'deny';
    if (!v.typedConfirmation) return 'allow';
    const word = confirmWord(v);
    const typed = await vscode.window.showInputBox({
      title: vscode.l10n.t('TwoKey: typed confirmation'),
      prompt: vscode.l10n.t('Type "{0}" to run `{1}` once. Anything else denies it.', word, oneLine(cmd, 80)),
      placeHolder: word,
      ignoreFocusOut: true,
    });
    return typed?.trim() === word ? 'allow' : 'deny';
  }
}

/** The environment as a headline says it (no parentheses: the risk follows). */
function headlineEnvironment(v: Verdict): string {
  return v.environment === 'unknown' ? vscode.l10n.t('an unknown environment, treated as production') : v.environment;
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

