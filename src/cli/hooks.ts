/**
 * `twokey hooks install|uninstall|status|doctor [--agent AGENT,…|all] [--dry-run] [--cwd DIR]`
 * Exit: 0 done (status: all installed), 1 status found something missing or changed, 64 usage, 70 failure.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Agent } from '../core/hooks/types';
import { hookCommandLine, unifiedDiff, HookFileError, type HookExecutable } from '../core/hooks/install';
import { parseCommandLine, UsageError } from './args';
import { agentsFrom, applyInstall, applyUninstall, planInstallAll, planUninstallAll, statusAll } from '../core/hooks/workspaceHooks';

const USAGE = `usage: twokey hooks install|uninstall|status|doctor [--agent AGENT,…|all] [--dry-run] [--cwd DIR]
  AGENT: cursor, claude-code, copilot, codex, gemini, copilot-cli, windsurf, cline
  install     add TwoKey's hook to each agent's hook file (merged; Cursor entries fail closed)
  uninstall   remove exactly what install added
  status      installed, missing, or changed since install, per agent
  doctor      run each installed hook as its agent does, with a harmless and a destructive
              sample call: says which would fail open or block everything (exit 1 if any)`;

/** `install` without --agent: the agents found on this machine (all when none is found). */
function foundAgents(): Agent[] {
  const { detectAgents } = require('../core/hooks/detect') as typeof import('../core/hooks/detect');
  const found = detectAgents({
    home: os.homedir(),
    pathEnv: process.env.PATH,
    exists: fs.existsSync,
    list: (d) => {
      try {
        return fs.readdirSync(d);
      } catch {
        return [];
      }
    },
  });
  for (const f of found) process.stdout.write(`found ${f.agent} (${f.evidence})\n`);
  if (!found.length) process.stdout.write('no agent found on this machine; installing for all (choose with --agent)\n');
  return found.length ? found.map((f) => f.agent) : agentsFrom('all');
}

/** This CLI, as an agent should start it: absolute Node and absolute dist/cli.js. */
export function selfExecutable(): HookExecutable {
  const script = process.argv[1] ? fs.realpathSync(path.resolve(process.argv[1])) : path.resolve(__filename);
  // Agents start the lean hook entry beside the CLI when it is there (it hands the rest to cli.js).
  const lean = path.join(path.dirname(script), 'hook.js');
  return { node: process.execPath, cli: /cli\.js$/.test(script) && fs.existsSync(lean) ? lean : script, electron: !!process.versions.electron };
}

const OPTIONS = {
  agent: { type: 'string' },
  'dry-run': { type: 'boolean', short: 'n' },
  cwd: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runHooks(args: string[]): Promise<number> {
  let parsed: { values: { agent?: string; 'dry-run'?: boolean; cwd?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseCommandLine({ args, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`twokey hooks: ${e.message}\n${USAGE}\n`);
    return 64;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  const [verb, ...extra] = positionals;
  if (verb !== 'install' && verb !== 'uninstall' && verb !== 'status' && verb !== 'doctor') {
    process.stderr.write(`${verb ? `twokey hooks: unknown command '${verb}'\n` : ''}${USAGE}\n`);
    return 64;
  }
  if (extra.length) {
    process.stderr.write(`twokey hooks: unexpected argument '${extra[0]}'\n${USAGE}\n`);
    return 64;
  }
  const agentArg = values.agent;
  const dryRun = !!values['dry-run'];
  const cwd = values.cwd ?? process.cwd();
  let agents: Agent[];
  try {
    agents = agentArg || verb !== 'install' ? agentsFrom(agentArg) : foundAgents();
  } catch (e) {
    process.stderr.write(`twokey hooks: ${(e as Error).message}\n`);
    return 64;
  }
  const { findWorkspaceRoot } = await import('../core/policy');
  const root = findWorkspaceRoot(path.resolve(cwd));
  try {
    if (verb === 'doctor') {
      const { doctor } = await import('../core/hooks/doctor');
      const results = await doctor(root, agents);
      for (const r of results) process.stdout.write(`${r.agent.padEnd(12)} ${r.state.padEnd(18)} ${r.detail}${r.command ? `\n${' '.repeat(31)}runs: ${r.command}` : ''}\n`);
      return results.some((r) => r.state !== 'ok' && r.state !== 'not-installed') ? 1 : 0;
    }
    if (verb === 'status') {
      const st = statusAll(root, agents);
      for (const s of st) process.stdout.write(`${s.agent.padEnd(12)} ${s.state.padEnd(10)} ${s.detail}\n`);
      return st.every((s) => s.state === 'installed') ? 0 : 1;
    }
    if (verb === 'install') {
      const exe = selfExecutable();
      const plans = planInstallAll(root, agents, (a) => hookCommandLine(a, exe));
      for (const p of plans) {
        if (p.after === p.before) process.stdout.write(`${p.file}: already up to date\n`);
        else process.stdout.write(unifiedDiff(p.file, p.before, p.after));
      }
      if (dryRun) {
        process.stdout.write(`(dry run: nothing written in ${root})\n`);
        return 0;
      }
      applyInstall(root, plans);
      process.stdout.write(`TwoKey hooks installed for ${agents.join(', ')} in ${root}; the agents run: ${hookCommandLine(agents[0], exe).replace(/ hook \S+$/, ' hook <agent>')}\n`);
      return 0;
    }
    const plans = planUninstallAll(root, agents);
    for (const p of plans) {
      if (p.before === undefined) process.stdout.write(`${p.file}: not there\n`);
      else if (p.after === p.before) process.stdout.write(`${p.file}: nothing of TwoKey's recorded to remove\n`);
      else process.stdout.write(unifiedDiff(p.file, p.before, p.after));
      if (p.keptChanged) process.stdout.write(`${p.file}: left ${p.keptChanged} TwoKey entr${p.keptChanged === 1 ? 'y' : 'ies'} that changed since install; remove by hand if wanted\n`);
    }
    if (dryRun) {
      process.stdout.write(`(dry run: nothing written in ${root})\n`);
      return 0;
    }
    applyUninstall(root, plans);
    return 0;
  } catch (e) {
    if (e instanceof HookFileError) {
      process.stderr.write(`twokey hooks: ${e.message}\n`);
      return 70;
    }
    throw e;
  }
}
