/**
 * The `twokey` command-line tool: the same engine as the extension, outside the editor.
 * Each subcommand lives in its own module; this file only dispatches.
 */
// Subcommands load on demand: start-up pays only for the one that runs.

/** The hook's slow path, for the lean hook bundle (dist/hook.js) that loads this one. */
export { decideCall, observeCall } from './hookSlow';

const USAGE = `usage: twokey <command> [options]

commands:
  check -- <command line>   classify one command (exit 0 allow, 1 ask, 2 deny)
  check --batch             classify JSON lines from stdin, one JSON verdict per line
  env [--cwd DIR]           show the environment TwoKey resolves for a folder
  audit verify [FILE]       verify the hash chain of .twokey/audit.jsonl
  audit export --format csv|json [FILE]
  hook AGENT                an agent's pre-execution hook (JSON on stdin); AGENT is one of
                            cursor claude-code copilot codex gemini copilot-cli windsurf cline
  hooks install|uninstall|status|doctor [--agent AGENT,…|all] [--dry-run]
  help                      show this text
`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!rest.includes('--batch')) singleShot();
  switch (cmd) {
    case 'check':
      return (await import('./check')).runCheck(rest);
    case 'audit':
      return (await import('./audit')).runAudit(rest);
    case 'env':
      return (await import('./env')).runEnv(rest);
    case 'hook':
      return (await import('./hook')).runHook(rest, () => import('./hookSlow'));
    case 'hooks':
      return (await import('./hooks')).runHooks(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return cmd === undefined ? 64 : 0;
    default:
      process.stderr.write(`twokey: unknown command '${cmd}'\n${USAGE}`);
      return 64;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`twokey: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 70;
    },
  );
}

/**
 * A one-shot run checks a line or two: compiling the parser's WebAssembly with V8's optimising
 * tier costs more (about 0.8 s before exit) than it could ever save. Batch runs keep it.
 */
export function singleShot(): void {
  try {
    require('node:v8').setFlagsFromString('--liftoff-only');
  } catch {
    /* an embedder that refuses the flag: only slower */
  }
}

