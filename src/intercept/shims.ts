/**
 * PATH shims for high-risk command-line tools. The extension writes one small POSIX sh
 * script per tool into a private folder and puts that folder first on PATH in VS Code
 * terminals, so that a `psql` or `terraform` started from a script, an npm script, a
 * Makefile or a process task is checked too, not only what is typed at a prompt.
 *
 * A shim:
 *  - finds the real binary on PATH, skipping every folder that holds TwoKey shims (a marker
 *    file), so it never runs itself or another window's shim, however often they appear;
 *  - lets plainly harmless invocations through without leaving sh (`kubectl get`,
 *    `terraform plan`, `--version`, …);
 *  - otherwise asks the gate helper (`--source shim --argv`, the argv passed word by word)
 *    and exits 126 on refusal;
 *  - then `exec`s the real binary with the original argv, untouched.
 *
 * Pure Node, no `vscode` import. Bypassed by absolute paths and by folders put in front of
 * it: defence in depth behind the shell gates.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { singleQuote } from '../core/argv';

/** The default list lives with the policy (one list for the policy, the manifest and the writer). */
export { DEFAULT_SHIMS } from '../core/policy/shims';

/** The file whose presence marks a folder as TwoKey shims; every shim skips such folders. */
export const SHIM_MARKER = '.twokey-shims';

export interface ShimOptions {
  /** dist/gate.js, baked in: the shim's environment cannot point it elsewhere. */
  gateJs: string;
  /** The editor's Node (process.execPath), baked in. */
  node: string;
  /** The broker's socket and the window's key file, baked in (passed to the helper). */
  socket?: string;
  keyFile?: string;
}

/**
 * Invocations that never leave sh. First argument alone, or first two words ("auth can-i");
 * anything with a leading flag (`kubectl --context prod delete …`) goes to the gate. Every
 * entry is read-only or local, and the engine allows each (a unit test keeps them agreeing).
 */
export const HARMLESS: Readonly<Record<string, { first?: string[]; pairs?: string[]; opPrefixes?: string[] }>> = {
  kubectl: {
    first: ['get', 'describe', 'logs', 'explain', 'api-resources', 'api-versions', 'cluster-info', 'top', 'version', 'diff'],
    pairs: ['auth can-i', 'auth whoami', 'config view', 'config get-contexts', 'config current-context'],
  },
  helm: {
    first: ['list', 'ls', 'status', 'get', 'show', 'template', 'lint', 'search', 'history', 'version'],
    pairs: ['repo list', 'dependency list'],
  },
  terraform: { first: ['plan', 'validate', 'fmt', 'show', 'output', 'providers', 'graph', 'version', 'init'] },
  tofu: { first: ['plan', 'validate', 'fmt', 'show', 'output', 'providers', 'graph', 'version', 'init'] },
  pulumi: { first: ['preview', 'version', 'whoami', 'about'], pairs: ['stack ls', 'stack output', 'config get'] },
  aws: { pairs: ['sts get-caller-identity', 's3 ls', 'configure list'], opPrefixes: ['describe-', 'list-'] },
  gcloud: { first: ['info', 'version'], pairs: ['config list', 'auth list'] },
  az: { first: ['version'], pairs: ['account show', 'account list'] },
  fly: { first: ['status', 'logs', 'version'], pairs: ['apps list', 'auth whoami'] },
  flyctl: { first: ['status', 'logs', 'version'], pairs: ['apps list', 'auth whoami'] },
  heroku: { first: ['apps', 'logs', 'ps', 'releases', 'whoami'] },
  vercel: { first: ['ls', 'list', 'inspect', 'logs', 'whoami', 'dev', 'build'], pairs: ['env ls'] },
  supabase: { first: ['status', 'start', 'gen'], pairs: ['projects list', 'migration list'] },
  railway: { first: ['status', 'whoami', 'logs', 'list'] },
  docker: {
    first: ['ps', 'images', 'version', 'info', 'inspect', 'logs', 'stats', 'top', 'history', 'build', 'pull'],
    pairs: ['compose ps', 'compose logs', 'compose config', 'image ls', 'container ls'],
  },
  prisma: { first: ['generate', 'validate', 'format', 'version'], pairs: ['migrate status', 'migrate diff'] },
};

/** Interactive clients: with no arguments they open a session, which the gate is asked about. */
const SESSION_CLIENTS = new Set(['psql', 'mysql', 'mongosh', 'redis-cli']);
/** Never a fast path, not even for --version (the engine asks about every dropdb). */
const ALWAYS_ASK = new Set(['dropdb']);

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;

export function isValidShimName(name: string): boolean {
  return NAME_RE.test(name) && name !== SHIM_MARKER;
}

/** The sh `case` patterns of the harmless fast path for one tool (words are plain: no quoting needed). */
function fastPath(name: string): string {
  const lines: string[] = [];
  if (!ALWAYS_ASK.has(name)) {
    lines.push(`case $# in 0) ${SESSION_CLIENTS.has(name) ? '' : '__tk_ask=0 '};; 1) case $1 in --version|-v|-V|--help|-h|version|help) __tk_ask=0;; esac;; esac`);
  }
  const h = HARMLESS[name];
  if (h?.first?.length) lines.push(`case $1 in ${h.first.join('|')}) __tk_ask=0;; esac`);
  if (h?.pairs?.length || h?.opPrefixes?.length) {
    const pats = [...(h.pairs ?? []).map((p) => `'${p}'`), ...(h.opPrefixes ?? []).map((p) => `[a-z]*' '${p}*`)];
    lines.push(`[ $# -ge 2 ] && case "$1 $2" in ${pats.join('|')}) __tk_ask=0;; esac`);
  }
  return lines.join('\n');
}

export function shimScript(name: string, dir: string, opts: ShimOptions): string {
  if (!isValidShimName(name)) throw new Error(`not a command name: ${name}`);
  return `#!/bin/sh
# TwoKey PATH shim for \`${name}\`, written by the TwoKey extension (rewritten at every start;
# edits are lost). Harmless invocations run straight away; others are checked first.
__tk_name=${name}
__tk_ask=1
${fastPath(name)}
# The real ${name}: the first on PATH outside any folder of TwoKey shims.
__tk_real=
__tk_ifs=$IFS
IFS=:
set -f
for __tk_d in $PATH; do
  [ -n "$__tk_d" ] || continue
  [ -e "$__tk_d/${SHIM_MARKER}" ] && continue
  if [ -f "$__tk_d/$__tk_name" ] && [ -x "$__tk_d/$__tk_name" ]; then __tk_real=$__tk_d/$__tk_name; break; fi
done
set +f
IFS=$__tk_ifs
if [ -z "$__tk_real" ]; then
  echo "$__tk_name: command not found (TwoKey shim in ${dir.replace(/["`$\\]/g, '\\$&')})" >&2
  exit 127
fi
if [ $__tk_ask = 1 ]; then
  # Baked in: nothing in the environment (TWOKEY_NODE, TWOKEY_GATE_JS…) chooses what runs here.
  __tk_node=${singleQuote(opts.node)}
  __tk_js=${singleQuote(opts.gateJs)}
  __tk_rc=0
  BASH_ENV= ELECTRON_RUN_AS_NODE=1 "$__tk_node" "$__tk_js" ${opts.socket ? `--socket ${singleQuote(opts.socket)} ` : ''}${opts.keyFile ? `--key ${singleQuote(opts.keyFile)} ` : ''}--source shim --shell-pid $$ --argv --cwd "$PWD" -- "$__tk_name" "$@" || __tk_rc=$?
  if [ $__tk_rc != 0 ]; then
    [ $__tk_rc = 126 ] || echo "TwoKey: refused \\\`$__tk_name\\\` because its gate helper could not run (exit $__tk_rc: $__tk_node $__tk_js). Do not retry or work around this; ask the user to reload the editor window." >&2
    exit 126
  fi
fi
exec "$__tk_real" "$@"
`;
}

/**
 * Writes (atomically) one shim per name into `dir`, plus the marker file, and removes
 * shims of names no longer listed. Returns the names written; invalid names are skipped.
 */
export function writeShims(dir: string, names: readonly string[], opts: ShimOptions): string[] {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dir, SHIM_MARKER), 'TwoKey PATH shims: every shim skips this folder when it looks for the real binary.\n');
  const wanted = [...new Set(names.filter(isValidShimName))];
  for (const name of wanted) {
    const file = path.join(dir, name);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, shimScript(name, dir, opts), { mode: 0o755 });
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, file);
  }
  for (const e of fs.readdirSync(dir)) {
    if (e === SHIM_MARKER || wanted.includes(e)) continue;
    if (isValidShimName(e) || e.endsWith('.tmp')) fs.rmSync(path.join(dir, e), { force: true });
  }
  return wanted;
}
