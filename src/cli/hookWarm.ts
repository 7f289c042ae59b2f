/**
 * The editor's warm hook port (src/intercept/hookPort.ts) answering with the hook's own
 * logic (src/cli/hook.ts): what needs no engine is answered in the editor, without starting
 * Node; anything else is left to the Node hook, which has the agent's environment.
 */
import { hookReply } from './hook';
import { startHookPort, type HookPort } from '../intercept/hookPort';

export function startWarmHooks(stateDir: string, log?: { info(msg: string): void; warn(msg: string): void }): Promise<HookPort> {
  return startHookPort({ stateDir, log, answer: (agent, payload, cwd) => hookReply(agent, payload, cwd, async () => undefined) });
}
