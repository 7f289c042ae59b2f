/**
 * The installer on disk: reads the agents' hook files of a workspace, plans the change
 * (install.ts), writes it, and keeps the record of what TwoKey added. No `vscode`: the CLI
 * and the editor command share it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Agent } from './types';
import { AGENTS } from './types';
import {
  HOOK_FILES,
  RECORD_FILE,
  isScriptHookFile,
  hookStatus,
  parseRecord,
  planInstall,
  planUninstall,
  type HookStatus,
  type InstallPlan,
  type InstallRecord,
  type UninstallPlan,
} from './install';

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function agentsFrom(arg: string | undefined): Agent[] {
  if (!arg || arg === 'all') return [...AGENTS];
  const list = arg.split(',').map((s) => s.trim());
  for (const a of list) if (!(AGENTS as readonly string[]).includes(a)) throw new Error(`unknown agent '${a}' (${AGENTS.join(', ')} or all)`);
  return list as Agent[];
}

export function readRecord(root: string): InstallRecord {
  return parseRecord(read(path.join(root, RECORD_FILE)));
}

function writeFile(file: string, text: string, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text, mode ? { mode } : undefined);
  if (mode) fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

export function planInstallAll(root: string, agents: Agent[], commandFor: (a: Agent) => string): InstallPlan[] {
  return agents.map((a) => planInstall(a, read(path.join(root, HOOK_FILES[a])), commandFor(a)));
}

export function applyInstall(root: string, plans: InstallPlan[]): void {
  const rec = readRecord(root);
  for (const p of plans) {
    writeFile(path.join(root, p.file), p.after, isScriptHookFile(p.agent) ? 0o755 : undefined);
    const prev = rec.agents[p.agent];
    // A reinstall over our own file keeps "TwoKey created it".
    rec.agents[p.agent] = { ...p.record, createdFile: p.record.createdFile || (prev?.createdFile ?? false) };
  }
  writeFile(path.join(root, RECORD_FILE), JSON.stringify(rec, null, 2) + '\n');
}

export function planUninstallAll(root: string, agents: Agent[]): UninstallPlan[] {
  const rec = readRecord(root);
  return agents.map((a) => planUninstall(a, read(path.join(root, rec.agents[a]?.file ?? HOOK_FILES[a])), rec.agents[a]));
}

export function applyUninstall(root: string, plans: UninstallPlan[]): void {
  const rec = readRecord(root);
  for (const p of plans) {
    const file = path.join(root, p.file);
    if (p.before !== undefined) {
      if (p.after === undefined) fs.rmSync(file, { force: true });
      else if (p.after !== p.before) writeFile(file, p.after);
    }
    delete rec.agents[p.agent];
  }
  const recFile = path.join(root, RECORD_FILE);
  if (Object.keys(rec.agents).length === 0) fs.rmSync(recFile, { force: true });
  else writeFile(recFile, JSON.stringify(rec, null, 2) + '\n');
}

export function statusAll(root: string, agents: Agent[] = [...AGENTS]): HookStatus[] {
  const rec = readRecord(root);
  return agents.map((a) => hookStatus(a, read(path.join(root, rec.agents[a]?.file ?? HOOK_FILES[a])), rec.agents[a], fs.existsSync));
}
