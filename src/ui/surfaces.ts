/**
 * The protected surfaces the badge lists, each with its state: the terminal gates, the
 * broker, each terminal no gate reaches or whose gate was tampered with, each agent's hook,
 * and an elevated terminal.
 */
import type { TamperWatch } from '../intercept/tamper';
import type { TerminalCoverage } from '../intercept/terminalCoverage';
import { readRecord, statusAll } from '../core/hooks/workspaceHooks';
import type { AgentHooks } from './agentHooks';
import type { Surface } from './statusBar';

export interface SurfaceSources {
  gateEnabled: () => boolean;
  socketPath: string;
  coverage: TerminalCoverage;
  tamper: TamperWatch;
  workspace: string | undefined;
  agentHooks: AgentHooks;
  /** The elevated terminal's note, while there is one. */
  elevation: () => string | undefined;
}

export function protectionSurfaces(s: SurfaceSources): Surface[] {
  const gate = s.gateEnabled();
  const elevation = s.elevation();
  return [
    { name: 'Terminal gates (bash, zsh)', state: gate ? 'on' : 'off', detail: gate ? undefined : 'twokey.gate.enabled is off' },
    { name: 'Broker', state: 'on', detail: s.socketPath },
    ...s.coverage.ungated().map((u) => ({ name: `Terminal '${u.name}' has no gate`, state: 'degraded' as const, detail: u.coverage.reason })),
    ...s.tamper.compromised().map((c) => ({ name: `Terminal '${c.terminal ?? `shell ${c.shellPid}`}' was tampered with`, state: 'compromised' as const, detail: c.what.join('; ') })),
    ...agentHookSurfaces(s.workspace, s.agentHooks),
    ...(elevation ? [{ name: 'Elevated terminal', state: 'degraded' as const, detail: elevation }] : []),
  ];
}

/**
 * Each agent's hook: installed, or missing / changed since TwoKey installed it (degraded).
 * A hook never installed is only "off": not every workspace uses every agent.
 */
export function agentHookSurfaces(root: string | undefined, hooks: AgentHooks): Surface[] {
  if (!root) return [];
  try {
    const installed = readRecord(root).agents;
    return statusAll(root).map((h): Surface => {
      const d = hooks.finding(h.agent);
      if (h.state === 'installed' && d && d.state !== 'ok') return { name: `Agent hook (${h.agent})`, state: 'degraded', detail: `${d.state.replace(/-/g, ' ')}: ${d.detail}` };
      return {
        name: `Agent hook (${h.agent})`,
        state: h.state === 'installed' ? 'on' : installed[h.agent] ? h.state : 'off',
        detail: h.state === 'installed' ? h.file : installed[h.agent] ? `${h.detail}` : 'not installed: TwoKey: Install Agent Hooks',
      };
    });
  } catch {
    return [];
  }
}
