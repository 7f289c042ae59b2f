/**
 * First run: the "Get started with TwoKey" walkthrough (contributes.walkthroughs) opens once,
 * the first time TwoKey starts for this user, unless `twokey.walkthrough.openOnFirstRun`
 * is off. VS Code itself opens it only after an install from the Extensions view.
 * The mark that it was shown is a file in the extension's global storage, on the machine
 * the extension runs on: written at once (the editor's own state store may be flushed late,
 * and a browser keeps it per profile).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const WALKTHROUGH_ID = 'twokey.twokey#gettingStarted';

export async function openWalkthroughOnFirstRun(context: vscode.ExtensionContext): Promise<void> {
  if (!vscode.workspace.getConfiguration('twokey').get<boolean>('walkthrough.openOnFirstRun', true)) return;
  const mark = path.join(context.globalStorageUri.fsPath, 'walkthrough-shown');
  try {
    fs.mkdirSync(path.dirname(mark), { recursive: true });
    fs.writeFileSync(mark, new Date().toISOString(), { flag: 'wx' });
  } catch {
    return; // shown before (or no place to remember it: better not than every time)
  }
  try {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false);
  } catch {
    /* an editor without walkthroughs: nothing to open */
  }
}
