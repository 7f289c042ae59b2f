/**
 * "Mark this workspace as development (or staging)": the policy file's text with
 * `workspaceEnvironment` set, comments and layout kept. A new file starts from the schema
 * reference. Pure: the caller writes the file and records the decision.
 */
import { applyEdits, modify } from 'jsonc-parser';
import type { PlacedEnvironment } from './types';

export function markWorkspaceText(text: string | undefined, environment: PlacedEnvironment): string {
  const base = text && text.trim() ? text : '{\n  "version": 1\n}\n';
  const edits = modify(base, ['workspaceEnvironment'], environment, { formattingOptions: { insertSpaces: true, tabSize: 2, eol: '\n' } });
  return applyEdits(base, edits);
}
