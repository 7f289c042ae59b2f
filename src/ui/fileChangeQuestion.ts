/**
 * The question about one credential or guard file change: a modal with the masked diff and
 * the environment before and after (`Keep`, `Revert`, `Show diff`; closing it answers
 * nothing), and the record of the answer. The caller says how an answer applies to the files.
 */
import * as vscode from 'vscode';
import type { AuditEntry } from '../core/audit';
import type { GuardKind, MaskedDiff } from '../core/credentials';
import type { Logger } from '../logger';
import type { MaskedDiffs } from './maskedContent';
import type { Prompt } from './prompt';

export const KEEP = 'Keep';
export const REVERT = 'Revert';
export const SHOW_DIFF = 'Show diff';

export interface ChangeInQuestion {
  file: string;
  label: string;
  guard?: GuardKind;
}

export interface QuestionDeps {
  prompt: Prompt;
  diffs: MaskedDiffs;
  log: Logger;
  record: (e: Omit<AuditEntry, 'source'>) => Promise<void>;
  /** Applies a person's answer to the file, before it is recorded. */
  apply: (answer: typeof KEEP | typeof REVERT) => void;
}

/** Asks until the person keeps, reverts or closes; applies and records the answer. */
export async function askAboutChange(d: QuestionDeps, p: ChangeInQuestion, diff: MaskedDiff, reasons: string[]): Promise<void> {
  const envLine =
    diff.environmentBefore && diff.environmentAfter && diff.environmentBefore.environment !== diff.environmentAfter.environment
      ? ` It now points at ${diff.environmentAfter.environment} (was ${diff.environmentBefore.environment}).`
      : '';
  const message = p.guard
    ? `TwoKey: ${p.label} was changed in a way that loosens the guard; it does not take effect until you keep it.`
    : `TwoKey: ${p.label} was changed on disk by something no approved command explains.${envLine}`;
  const detail = [
    ...(reasons.length ? ['Why this loosens the guard:', ...reasons.map((r) => `  • ${r}`), ''] : []),
    ...clip(diff.text.split('\n'), 40),
    '',
    `Keep approves the new content. Revert writes back the last approved content, byte for byte.`,
  ].join('\n');
  d.log.info(`[credentials] ${p.label} changed; asking (${diff.changedKeys.length} key(s): ${summary(diff.changedKeys)})`);
  let answer: string | undefined;
  for (;;) {
    try {
      answer = await d.prompt.modal(message, detail, [KEEP, REVERT, SHOW_DIFF]);
    } catch (err) {
      d.log.warn(`[credentials] could not ask about ${p.label}: ${String(err)}`);
      answer = undefined;
    }
    if (answer !== SHOW_DIFF) break;
    await d.diffs.show(p.label, diff.left, diff.right);
  }
  const rules = [p.guard ? 'guard-config.loosening' : 'credentials.file-change'];
  const environment = diff.environmentAfter?.environment;
  const what = p.guard ? reasons.join('; ') : summary(diff.changedKeys);
  if (answer === KEEP) {
    d.apply(KEEP);
    await d.record({ command: `${p.label} changed`, decision: 'allowed', decidedBy: 'human', risk: 'high', rules, environment, reason: `Kept by a person: ${what}.` });
  } else if (answer === REVERT) {
    d.apply(REVERT);
    await d.record({ command: `${p.label} changed`, decision: 'denied', decidedBy: 'human', risk: 'high', rules, environment, reason: `Reverted by a person to the last approved content: ${what}.` });
    void vscode.window.showInformationMessage(`TwoKey: ${p.label} was restored to its last approved content.`);
  } else {
    await d.record({
      command: `${p.label} changed`,
      decision: 'observed',
      decidedBy: 'human',
      risk: 'high',
      rules,
      environment,
      reason: `The prompt was closed without an answer; the change stays unapproved${p.guard === 'policy' ? ' and TwoKey keeps the last approved policy' : ''} (TwoKey: Review File Changes asks again): ${what}.`,
    });
  }
}

export function summary(keys: string[]): string {
  if (!keys.length) return 'no key changed';
  return keys.length > 6 ? `${keys.slice(0, 6).join(', ')} and ${keys.length - 6} more` : keys.join(', ');
}

function clip(lines: string[], max: number): string[] {
  return lines.length > max ? [...lines.slice(0, max), `… ${lines.length - max} more line(s): use Show diff`] : lines;
}
