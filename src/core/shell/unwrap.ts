/**
 * Looks through wrappers to the command that really runs. A command word that is a path is
 * followed into its file; same-line aliases are expanded; then the wrapper's unwrapper is
 * looked up by name (wrappers/registry.ts: sudo, env, timeout, flock, xargs, find -exec,
 * eval, source, make, ssh, kubectl, docker, su, tmux, at…), then shells (wrappers/shells.ts),
 * package scripts (follow/packages.ts), package runners (wrappers/runners.ts) and
 * interpreters (wrappers/interpreters.ts).
 */
import { DYN, type SimpleCommand, type Word } from './model';
import { emit, parseNested, type WalkContext } from './extract';
import { basename, wordsToScript, type Unwrapper } from './wrapkit';
import { UNWRAPPERS } from './wrappers/registry';
import { SHELLS, unwrapShell } from './wrappers/shells';
import { RUNNERS, unwrapRunner } from './wrappers/runners';
import { INTERPRETERS, unwrapInterpreter } from './wrappers/interpreters';
import { followPackageScripts } from './follow/packages';
import { followScript } from './follow/scripts';

export { SHELLS } from './wrappers/shells';
export { RUNNERS, toolOfPackage } from './wrappers/runners';
export { INTERPRETERS } from './wrappers/interpreters';

/**
 * Command words the analysis looks through or follows (wrappers, shells, runners,
 * interpreters, package tools): with the rule packs' names, the words a shell-side prefilter
 * must send to the engine.
 */
export function wrapperWords(): string[] {
  return [...new Set([...Object.keys(UNWRAPPERS), ...SHELLS, ...RUNNERS, ...Object.keys(INTERPRETERS)])].sort();
}

export function unwrapCommand(input: SimpleCommand, ctx: WalkContext): void {
  let c: SimpleCommand | undefined = input;
  for (let guard = 0; c && guard < 16; guard++) {
    const name = basename(c.name);
    if (name !== c.name && isScriptPath(c.name) && !c.via.includes(c.name)) {
      // `./x.sh`, `scripts/wipe`, `~/.local/bin/tool`: the file itself is what runs.
      const file: Word = { value: c.name, raw: c.name };
      const withArgs = { ...c, name };
      if (followScript(withArgs, ctx, file, c.name, undefined)) {
        emit(withArgs, ctx);
        return;
      }
    }
    if (name !== c.name) c = { ...c, name };
    const args: Word[] = c.args;

    // Same-line alias: `alias r='rm -rf'; r src`.
    const alias = ctx.aliases.get(name);
    if (alias !== undefined && !c.via.includes(`alias ${name}`)) {
      parseNested(alias + ' ' + wordsToScript(args, true), ctx, `alias ${name}`, c.stdin);
      return;
    }

    const unwrapper: Unwrapper | undefined = UNWRAPPERS[name];
    if (unwrapper) {
      const r: SimpleCommand | 'done' | undefined = unwrapper(c, ctx);
      if (r === 'done') return;
      if (r) {
        c = r;
        continue;
      }
    }


    if (SHELLS.has(name)) {
      unwrapShell(c, ctx, name);
      return;
    }
    // `bun -e CODE` / `bun x.ts` run code (the interpreter below), not a package script.
    const bunCode = name === 'bun' && (c.args.some((a) => /^(?:-e|--eval|-p|--print)$/.test(a.value)) || /\.[cm]?[jt]sx?$/.test(c.args[0]?.value ?? ''));
    if ((name === 'npm' || name === 'pnpm' || name === 'yarn' || (name === 'bun' && !bunCode)) && followPackageScripts(c, ctx, name)) {
      emit(c, ctx);
      return;
    }
    if (RUNNERS.has(name)) {
      const next = unwrapRunner(c, name);
      if (next) {
        c = next;
        continue;
      }
    }
    const lang = INTERPRETERS[name] ?? (/^python\d(\.\d+)?$/.test(name) ? 'python' : undefined);
    if (lang) {
      emit(c, ctx);
      unwrapInterpreter(c, ctx, name, lang);
      return;
    }
    emit(c, ctx);
    return;
  }
  if (c) emit(c, ctx);
}

/** A command word naming a file to run (not a system program looked up by its full path). */
function isScriptPath(name: string): boolean {
  if (name.includes(DYN) || name.startsWith('\\') || name.endsWith('/')) return false;
  if (/^\/(?:usr\/)?(?:local\/)?s?bin\/|^\/opt\/homebrew\/|^\/nix\/|^\/snap\/bin\/|(?:^|\/)node_modules\/\.bin\//.test(name)) return false;
  return name.includes('/');
}
