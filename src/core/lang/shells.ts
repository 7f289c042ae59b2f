/** Which shell a command is for when a request does not say: the platform's default. */
import type { ShellName } from '../types';

const KNOWN = new Set<ShellName>(['bash', 'zsh', 'sh', 'powershell', 'pwsh', 'cmd']);

/**
 * The shell to read a command with: the one the request names (`"shell"` in batch mode, a
 * hook's shell field), else the platform's default (PowerShell on Windows, where Cursor,
 * Copilot and Claude Code run commands in PowerShell; bash elsewhere).
 */
export function shellFor(named: string | undefined, platform: string): ShellName {
  const n = named?.toLowerCase().replace(/\.exe$/, '').replace(/^.*[\\/]/, '');
  if (n && KNOWN.has(n as ShellName)) return n as ShellName;
  if (n === 'windowspowershell' || n === 'powershell_ise') return 'powershell';
  return platform === 'win32' ? 'powershell' : 'bash';
}
