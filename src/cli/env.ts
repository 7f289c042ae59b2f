/**
 * `twokey env [--cwd DIR] [--json] [--trust]`: the environment TwoKey resolves for a
 * folder, and every piece of evidence with where it came from.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { createEnvironmentResolver, NO_SIGNAL } from '../core/environment';
import { findWorkspaceRoot, loadWorkspacePolicy } from '../core/policy';
import { parseCommandLine, UsageError } from './args';

const USAGE = `usage: twokey env [--cwd DIR] [--json] [--trust]

  --cwd DIR   the folder to resolve (default: the current folder)
  --json      print JSON: {environment, evidence, signals, workspaceRoot, policy}
  --trust     apply the workspace policy as trusted (by default it may only tighten)
`;

const OPTIONS = {
  cwd: { type: 'string' },
  json: { type: 'boolean' },
  trust: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function runEnv(args: string[]): Promise<number> {
  let values: { cwd?: string; json?: boolean; trust?: boolean; help?: boolean };
  try {
    ({ values } = parseCommandLine({ args, options: OPTIONS }));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`twokey env: ${e.message}\n${USAGE}`);
    return 64;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const json = !!values.json;
  const trusted = !!values.trust;
  const cwd = path.resolve(values.cwd ?? process.cwd());
  const home = os.homedir();
  const workspaceRoot = findWorkspaceRoot(cwd);
  const loaded = loadWorkspacePolicy(workspaceRoot, { trusted });
  const resolver = createEnvironmentResolver({ policy: loaded.policy, homeDir: home, hostEnv: process.env });
  const ctx = { cwd, workspaceRoot, targets: [], home };
  const detail = resolver.detect(ctx);
  const resolution = {
    environment: detail.environment,
    evidence: detail.signals.length ? detail.signals.map((s) => ({ signal: s.signal, value: s.value, environment: s.environment })) : [{ ...NO_SIGNAL }],
  };
  const shortPath = (p: string) => (p === home || p.startsWith(home + path.sep) ? '~' + p.slice(home.length) : p);

  if (json) {
    const out = {
      environment: resolution.environment,
      evidence: resolution.evidence,
      signals: detail.signals.map((s) => ({ signal: s.signal, value: s.value, environment: s.environment, source: s.source, detail: s.detail })),
      cwd,
      workspaceRoot,
      policy: {
        file: loaded.file,
        exists: loaded.exists,
        trusted,
        diagnostics: loaded.diagnostics,
        ignored: loaded.ignored,
      },
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }

  const lines: string[] = [];
  lines.push(`environment: ${resolution.environment}${resolution.environment === 'unknown' ? ' (treated as production)' : ''}`);
  lines.push(`folder:      ${shortPath(cwd)}${workspaceRoot !== cwd ? ` (workspace ${shortPath(workspaceRoot)})` : ''}`);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  const policyState = !loaded.exists
    ? 'none (built-in defaults)'
    : `${path.relative(cwd, loaded.file) || loaded.file} (${trusted ? 'trusted' : 'untrusted: may only tighten'})${errors ? `, ${errors} error(s): using the built-in defaults` : ''}`;
  lines.push(`policy:      ${policyState}`);
  for (const d of loaded.diagnostics) lines.push(`  ${d.severity} ${d.line + 1}:${d.column + 1} ${d.message}`);
  for (const i of loaded.ignored) lines.push(`  ignored: ${i}`);
  lines.push('evidence:');
  if (!detail.signals.length) {
    for (const e of resolution.evidence) lines.push(`  ${e.environment.padEnd(11)} ${e.signal}  ${e.value}`);
  } else {
    const w = Math.max(...detail.signals.map((s) => s.signal.length));
    for (const s of detail.signals) {
      const from = s.signal.startsWith('file:') ? 'env' : s.source === 'env' || s.source.startsWith('env:') || s.source === 'command' ? s.source : shortPath(s.source);
      const extra = [s.detail, from !== 'env' ? `from ${from}` : undefined].filter(Boolean).join('; ');
      lines.push(`  ${s.environment.padEnd(11)} ${s.signal.padEnd(w)}  ${s.value}${extra ? `  (${extra})` : ''}`);
    }
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
