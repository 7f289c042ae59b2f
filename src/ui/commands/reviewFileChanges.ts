import * as vscode from 'vscode';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Review File Changes`: ask again about credential and guard file changes left unanswered. */
export const reviewFileChanges: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.reviewFileChanges', () => d.credentials.review());
