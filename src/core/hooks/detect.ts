/**
 * Which agents are on this machine: their programs on PATH, their per-user folders, or (for
 * the editor extensions Copilot and Cline) their extension folders. The installers offer
 * these first. Pure apart from the `exists` probe it is given.
 */
import * as path from 'node:path';
import type { Agent } from './types';
import { AGENTS } from './types';

interface Signs {
  programs: string[];
  /** Paths under the home folder. */
  homePaths: string[];
  /** Extension id prefixes in the editors' extension folders. */
  extensions?: string[];
}

const SIGNS: Readonly<Record<Agent, Signs>> = {
  cursor: { programs: ['cursor', 'cursor-agent'], homePaths: ['.cursor'] },
  'claude-code': { programs: ['claude'], homePaths: ['.claude', '.claude.json'] },
  copilot: { programs: [], homePaths: [], extensions: ['github.copilot-chat-', 'github.copilot-'] },
  codex: { programs: ['codex'], homePaths: ['.codex'] },
  gemini: { programs: ['gemini'], homePaths: ['.gemini'] },
  'copilot-cli': { programs: ['copilot'], homePaths: ['.copilot'] },
  windsurf: { programs: ['windsurf'], homePaths: ['.codeium/windsurf'] },
  cline: { programs: ['cline'], homePaths: ['Documents/Cline', '.cline'], extensions: ['saoudrizwan.claude-dev-'] },
};

const EXTENSION_DIRS = ['.vscode/extensions', '.vscode-server/extensions', '.cursor/extensions', '.windsurf/extensions', '.vscode-oss/extensions'];

export interface DetectDeps {
  home: string;
  pathEnv: string | undefined;
  exists: (p: string) => boolean;
  /** Entries of a folder (for extension folders); empty when unreadable. */
  list: (dir: string) => string[];
  platform?: NodeJS.Platform;
}

/** The agents found on the machine, each with what showed it. */
export function detectAgents(d: DetectDeps): { agent: Agent; evidence: string }[] {
  const win = (d.platform ?? process.platform) === 'win32';
  const dirs = (d.pathEnv ?? '').split(win ? ';' : ':').filter(Boolean);
  const exts = EXTENSION_DIRS.flatMap((e) => d.list(path.join(d.home, e)).map((name) => name.toLowerCase()));
  const out: { agent: Agent; evidence: string }[] = [];
  for (const agent of AGENTS) {
    const s = SIGNS[agent];
    let evidence: string | undefined;
    for (const prog of s.programs) {
      for (const dir of dirs) {
        for (const name of win ? [`${prog}.exe`, `${prog}.cmd`, `${prog}.ps1`] : [prog]) {
          if (!evidence && d.exists(path.join(dir, name))) evidence = path.join(dir, name);
        }
      }
    }
    for (const p of s.homePaths) if (!evidence && d.exists(path.join(d.home, p))) evidence = `~/${p}`;
    for (const prefix of s.extensions ?? []) {
      const hit = exts.find((n) => n.startsWith(prefix));
      if (!evidence && hit) evidence = `extension ${hit}`;
    }
    if (evidence) out.push({ agent, evidence });
  }
  return out;
}
