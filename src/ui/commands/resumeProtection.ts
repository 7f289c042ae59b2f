import * as vscode from 'vscode';
import { resumeProtection as resumeNow } from '../pauseProtection';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Resume Protection`. */
export const resumeProtection: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.resumeProtection', () => resumeNow(d.protection, d.audit));
