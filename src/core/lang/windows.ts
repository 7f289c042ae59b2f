/**
 * What the Windows shells' readers (cmd.ts, powershell.ts) produce: the equivalent bash lines
 * with the findings that have no shell equivalent, and Windows paths in the engine's terms.
 */
import type { Category, Risk } from '../types';

export interface ShellFinding {
  id: string;
  category: Category;
  risk: Risk;
  reason: string;
  targets?: string[];
}

export interface TranslatedScript {
  /** Equivalent bash lines for the shell engine. */
  lines: string[];
  findings: ShellFinding[];
  unanalysable?: string;
}

/** A Windows path in the shell engine's terms: `.\dist` → `./dist`, `C:\Users\x` → `/Users/x`, `$HOME\x` → `~/x`. */
export function winPath(p: string): string {
  let s = p.replace(/\\/g, '/');
  s = s.replace(/^(?:\$env:(?:USERPROFILE|HOME)|\$HOME|~|%USERPROFILE%|%HOMEDRIVE%%HOMEPATH%)(?=\/|$)/i, '~');
  if (/^[A-Za-z]:\/?$/.test(s)) return '/';
  if (/^[A-Za-z]:\//.test(s)) return s.slice(2);
  if (/^\/\/[^/]+\//.test(s)) return s; // UNC: \\server\share
  return s;
}
