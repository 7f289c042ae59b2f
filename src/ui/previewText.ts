/**
 * The words of the panel beside the approval modal and of the modal's compact summary,
 * through one translator (the extension passes `vscode.l10n.t`; tests pass their own).
 * No `vscode` import, so the panel's HTML stays unit-tested.
 */
import type { Translate } from '../webview/auditView/text';
import { PREVIEW_TITLE } from './previewTitle';

export function previewText(t: Translate) {
  return {
    title: t(PREVIEW_TITLE),
    heading: t('What would be lost'),
    command: t('Command'),
    environment: t('Environment'),
    evidence: t('Evidence'),
    risk: t('Risk'),
    from: t('From'),
    noSignal: t('no signal places this command; unknown counts as production'),
    counting: t('Counting what would be lost…'),
    answerNow: t('You can answer the dialog now; this panel fills in as TwoKey counts.'),
    summary: t('Summary'),
    /** `{0}` Deny, `{1}` Allow once (each in bold). */
    answer: t('Answer in the TwoKey dialog: {0} (Enter, Escape or closing it) or {1}.'),
    /** `{0}` Deny, `{1}` Allow once, `{2}` the word to type. */
    answerTyped: t('Answer in the TwoKey dialog: {0} (Enter, Escape or closing it) or {1}, then type {2}.'),
    deny: t('Deny'),
    allowOnce: t('Allow once'),
    /** `{0}`: how many lines more. */
    more: t('… {0} more in the panel beside'),
  };
}

export type PreviewText = ReturnType<typeof previewText>;

/** The panel's words in English (tests, and a panel built without a translator). */
export const ENGLISH: PreviewText = previewText((m) => m);
