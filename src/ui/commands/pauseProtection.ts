import * as vscode from 'vscode';
import { pauseProtection as pauseFlow } from '../pauseProtection';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Pause Protection…`. */
export const pauseProtection: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.pauseProtection', () => pauseFlow(d.protection, d.audit, d.log));
