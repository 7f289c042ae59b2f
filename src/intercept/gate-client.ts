/**
 * The helper every shell gate and PATH shim runs (with the editor's own Node through
 * ELECTRON_RUN_AS_NODE=1, so no system Node is needed):
 *
 *   gate.js --socket S --key FILE [--token T] --source terminal --shell-pid PID --cwd DIR -- <command line>
 *   gate.js --socket S --key FILE --source shim --argv --cwd DIR -- <argv word> <argv word> …   (PATH shims)
 *   gate.js … --tamper -- <what was changed>      (a report: the gate found itself changed)
 *   gate.js … --tampered <what> -- <command line> (after a report: always asked about)
 *   gate.js … --defs TEXT --defs-omitted NAMES -- <command line> (the line's functions and aliases)
 *
 * The socket and the key file are baked into the gate files the extension writes (not read
 * from the shell's variables). It asks the extension's broker, with the window's key from
 * that file, checks that the answer is signed for this very request, and exits 0 to let the
 * command run. On refusal it prints why on stderr, naming TwoKey, and
 * exits 126. When the broker cannot be reached, it classifies the line itself with the same
 * engine and refuses anything that is not plainly harmless, saying why.
 */
import { askBroker, PROTOCOL_VERSION, type GateResponse } from './protocol';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Source, Verdict } from '../core/types';
import { argvToLine } from '../core/argv';
import { pickSignalVariables } from '../core/environment/snapshot';
import { defaultPolicy } from '../core/policy/defaults';
import { isSecretName, maskSecrets } from '../core/redact';

export const EXIT_REFUSED = 126;

interface Args {
  source: Source;
  shellPid?: number;
  cwd: string;
  command: string;
  socket?: string;
  keyFile?: string;
  token?: string;
  tamper?: boolean;
  tampered?: string;
  defs?: string;
  defsOmitted?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { source: 'terminal', cwd: process.cwd(), command: '' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--') {
      // --argv (PATH shims): the words are one command's argv, quoted back into a line.
      a.command = argv.includes('--argv') && argv.indexOf('--argv') < i ? argvToLine(argv.slice(i + 1)) : argv.slice(i + 1).join(' ');
      break;
    } else if (k === '--argv') continue;
    else if (k === '--source') a.source = argv[++i] as Source;
    else if (k === '--shell-pid') a.shellPid = Number(argv[++i]);
    else if (k === '--cwd') a.cwd = argv[++i];
    else if (k === '--socket') a.socket = argv[++i];
    else if (k === '--key') a.keyFile = argv[++i];
    else if (k === '--token') a.token = argv[++i];
    else if (k === '--tamper') a.tamper = true;
    else if (k === '--tampered') a.tampered = argv[++i];
    else if (k === '--defs') a.defs = argv[++i] || undefined;
    else if (k === '--defs-omitted') a.defsOmitted = argv[++i] || undefined;
  }
  return a;
}

/**
 * The shell's variables that the extension may see: the environment signals (URLs reduced to
 * scheme, host, port and database) and every other variable whose name and value are not
 * secret (for expanding `$VAR` in commands). Secret values never leave the shell.
 */
export function shareableEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = pickSignalVariables(env, defaultPolicy());
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || k in out || k.startsWith('TWOKEY_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    if (v.length > 4096 || isSecretName(k) || /:\/\/[^/\s]*:[^@/\s]*@/.test(v) || maskSecrets(v) !== v) continue;
    out[k] = v;
  }
  return out;
}

async function offlineVerdict(args: Args): Promise<GateResponse> {
  if (args.tamper || args.tampered) {
    // Nobody to ask: the change goes on record, and the terminal refuses until a person is back.
    await recordOffline(args, {
      decision: 'ask', risk: 'critical', category: 'guard-config', environment: 'unknown', evidence: [], rules: ['guard.tamper'], targets: [],
      reason: `the TwoKey gate of this shell was tampered with (${args.tampered ?? args.command})`, typedConfirmation: true, hits: [],
    }, args.tamper ? 'tamper' : 'denied');
    if (args.tamper) return { decision: 'allow', message: '' };
    return {
      decision: 'deny',
      message: `TwoKey: refused \`${args.command}\` because this terminal's gate was tampered with (${args.tampered}) and the TwoKey extension could not be reached to ask a person. Do not retry or work around this: ask the user to open a new terminal.`,
    };
  }
  // Lazy: the engine (and its WebAssembly parser) loads only when the broker is gone.
  const { createEngine } = await import('../core/engine');
  const { nodeFileSource, nodePlanReader } = await import('../core/shell/files');
  // A fresh process: the first checks run cold (no JIT yet), so the in-editor 50 ms budget
  // would turn harmless lines into refusals. Warm up once and allow a wider budget here.
  // Scripts, package files and saved plans are followed here too (`sh ./x.sh` is judged by x.sh).
  const engine = await createEngine({ timeBudgetMs: 1000, files: nodeFileSource(), showPlan: nodePlanReader() });
  engine.check({ command: 'true', cwd: args.cwd, env: {}, source: args.source });
  const v = withDefinitions(engine.check({ command: lineWithDefinitions(args.command, args.defs), cwd: args.cwd, env: process.env, source: args.source }), args.defsOmitted);
  if (v.decision === 'allow') return { decision: 'allow', message: '' };
  await recordOffline(args, v);
  return {
    decision: 'deny',
    message:
      `TwoKey: refused \`${args.command}\` (${v.risk} risk, ${v.environment} environment${v.rules.length ? `, rule ${v.rules.join(', ')}` : ''}: ${v.reason}) ` +
      `because the TwoKey extension could not be reached to ask a person. Do not retry or work around this: ask the user, ` +
      `who can reload the editor window (or open this workspace in VS Code or Cursor with TwoKey running) and run it again.`,
  };
}

/**
 * The refusal goes on record even with the extension gone: into the audit log of the
 * workspace the command runs in (the nearest folder above it that has TwoKey's `.twokey`),
 * through the same multi-process-safe chain the extension and the agent hooks use.
 */
async function recordOffline(args: Args, v: Verdict, decision: 'denied' | 'tamper' = 'denied'): Promise<void> {
  let dir: string | undefined;
  for (let d = path.resolve(args.cwd), i = 0; i < 64; i++) {
    if (fs.existsSync(path.join(d, '.twokey', 'audit.jsonl')) || fs.existsSync(path.join(d, '.twokey', 'policy.json'))) {
      dir = path.join(d, '.twokey');
      break;
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  if (!dir) return;
  const { appendOnce, policyEntry } = await import('../core/audit');
  await appendOnce(
    dir,
    policyEntry(v, {
      source: args.source,
      command: args.command,
      cwd: args.cwd,
      decision,
      reason:
        decision === 'tamper'
          ? `The TwoKey gate found itself changed in shell ${args.shellPid ?? '?'} (${args.command}); it restored itself. The extension could not be reached.`
          : `The TwoKey extension could not be reached to ask a person, so the gate refused on its own: ${v.reason}`,
    }),
  );
}

/**
 * The line the engine judges when the gate sent the definitions of the shell functions and
 * aliases it names: the definitions first, as if typed on the same line, so that the engine
 * follows a call into the function's body or an alias into what it runs.
 */
export function lineWithDefinitions(command: string, defs: string | undefined): string {
  return defs && defs.trim() ? `${defs.replace(/\n*$/, '')}\n${command}` : command;
}

/** A verdict on a line whose functions or aliases were too large to send: asked about, never allowed. */
export function withDefinitions(v: Verdict, omitted: string | undefined): Verdict {
  if (!omitted || v.decision !== 'allow') return v;
  return {
    ...v,
    decision: 'ask',
    risk: v.risk === 'critical' ? v.risk : 'high',
    rules: [...v.rules, 'shell.definition-unread'],
    reason: `It runs the shell function or alias ${omitted}, whose definition is too large for TwoKey to read: what it does is unknown.`,
  };
}

export async function runGate(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (!args.command.trim()) return 0;
  // Baked into the gate files; the environment only for callers that pass neither.
  const socketPath = args.socket ?? process.env.TWOKEY_SOCKET;
  let secret = args.keyFile ? '' : (process.env.TWOKEY_SECRET ?? '');
  if (args.keyFile) {
    try {
      secret = fs.readFileSync(args.keyFile, 'utf8').trim();
    } catch {
      /* no window has written it (yet): as if the broker were gone */
    }
  }
  // The person may take a while to answer: wait a little longer than the broker's own deadline.
  const waitMs = (Number(process.env.TWOKEY_DEADLINE_SECONDS) || 120) * 1000 + 5000;
  let res: GateResponse | undefined;
  if (socketPath && secret) {
    res = await askBroker(
      {
        v: PROTOCOL_VERSION,
        secret,
        token: args.token,
        tampered: args.tampered,
        report: args.tamper ? 'tamper' : undefined,
        defs: args.defs,
        defsOmitted: args.defsOmitted,
        source: args.source,
        command: args.command,
        cwd: args.cwd,
        shellPid: args.shellPid,
        env: shareableEnv(process.env),
      },
      socketPath,
      waitMs,
    );
  }
  if (!res) res = await offlineVerdict(args);
  if (res.decision === 'allow') return 0;
  process.stderr.write(`\n${res.message}\n`);
  return EXIT_REFUSED;
}

if (require.main === module) {
  // One check per process: skip V8's optimising WebAssembly tier (see src/cli/main.ts singleShot).
  try {
    require('node:v8').setFlagsFromString('--liftoff-only');
  } catch {
    /* only slower */
  }
  runGate(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`TwoKey gate failed and refuses the command: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(EXIT_REFUSED);
    },
  );
}
