import * as vscode from 'vscode';
import { showEnvironmentPick } from '../environmentPick';
import type { TwoKeyCommand } from './types';

/** `TwoKey: Show Environment` (the badge's click): evidence, protection, actions. */
export const showEnvironment: TwoKeyCommand = (d) => vscode.commands.registerCommand('twokey.showEnvironment', () => showEnvironmentPick(d.environment, d.protection, d.coverage));
