/**
 * Safer ways to get what a refused command wanted, offered in the approval prompt:
 * move a folder to the trash instead of `rm -rf`, `--force-with-lease` instead of `--force`.
 * Pure: the prompt carries them out.
 */
import type { Verdict } from './types';

export type Alternative =
  | { kind: 'trash'; label: string; paths: string[] }
  | { kind: 'command'; label: string; command: string };

/** Deletes that a trash can take back: not the root, home, the workspace root or system folders. */
const TRASHABLE = new Set(['fs.rm.recursive', 'fs.rm.file', 'fs.rm.glob', 'fs.rm.outside-workspace']);

export function saferAlternatives(command: string, v: Verdict): Alternative[] {
  const out: Alternative[] = [];
  const asked = v.hits.filter((h) => h.decision !== 'allow' && h.risk !== 'none' && h.risk !== 'low');
  if (asked.length === 0) return out;

  if (asked.every((h) => TRASHABLE.has(h.id))) {
    const paths = [...new Set(asked.flatMap((h) => h.targets ?? []))];
    if (paths.length > 0 && paths.every((p) => p.startsWith('/') && !/[*?[\]…]/.test(p))) {
      out.push({ kind: 'trash', label: 'Move to trash instead', paths });
    }
  }

  if (asked.every((h) => h.id === 'git.push.force') && isSingleGitPush(command)) {
    const lease = command
      .replace(/(^|\s)(?:--force|-f)(?=\s|$)/g, '$1--force-with-lease')
      .replace(/(\s)\+([^\s+][^\s]*)/g, '$1$2');
    const withLease = /--force-with-lease/.test(lease) ? lease : lease.replace(/\bpush\b/, 'push --force-with-lease');
    if (withLease !== command) out.push({ kind: 'command', label: 'Use --force-with-lease', command: withLease });
  }
  return out;
}

function isSingleGitPush(command: string): boolean {
  return /^\s*git\s+push\b[^;&|`$()<>\n]*$/.test(command);
}
