/**
 * The file side of a hook call, cheap enough for the hook's first look: which files hold
 * credentials, which are TwoKey's own or an agent's hook files, and whether a call could
 * matter at all before the policy and the engine are loaded. Pure: no `vscode`, no I/O.
 */
import * as path from 'node:path';
import type { RuleHit } from '../types';
import type { AgentCall } from './types';
import { guardPathOf } from '../guardPaths';


const ENV_EXAMPLE = /^\.env\.(?:example|sample|template|defaults|dist|schema)$/i;

/** Secrets by file name, wherever they are. */
function secretByName(base: string): boolean {
  const b = base.toLowerCase();
  if (b === '.env' || (b.startsWith('.env.') && !ENV_EXAMPLE.test(b)) || /\.env$/.test(b)) return !ENV_EXAMPLE.test(b);
  if (/\.(?:pem|key|p12|pfx|jks|keystore|ppk|asc|gpg|kdbx|tfstate)$/.test(b)) return true;
  if (/^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/.test(b)) return true;
  if (['.npmrc', '.pypirc', '.netrc', '_netrc', '.pgpass', '.git-credentials', '.htpasswd', 'credentials', 'credentials.json', 'application_default_credentials.json', 'kubeconfig', '.dockercfg', 'secrets.yml', 'secrets.yaml', 'secrets.json', '.secrets', 'master.key', 'credentials.yml.enc'].includes(b)) return true;
  if (/^kubeconfig[\w.-]*$/.test(b) || /^service[-_]?account.*\.json$/.test(b) || /\.tfvars$/.test(b)) return true;
  return false;
}

/** Secrets by place in the home folder. */
function secretByPlace(rel: string): boolean {
  return (
    /^\.aws\/(?:credentials|config)$/.test(rel) ||
    /^\.kube\/config$/.test(rel) ||
    (/^\.ssh\/[^/]+$/.test(rel) && !/\.pub$|known_hosts|^\.ssh\/config$/.test(rel)) ||
    /^\.config\/gcloud\/.+/.test(rel) ||
    /^\.azure\/.+/.test(rel) ||
    /^\.docker\/config\.json$/.test(rel) ||
    /^\.railway\/config\.json$/.test(rel) ||
    /^\.config\/gh\/hosts\.yml$/.test(rel) ||
    /^\.fly\/config\.yml$/.test(rel) ||
    /^\.gnupg\/.+/.test(rel) ||
    /^\.vercel\/auth\.json$/.test(rel) ||
    /^\.local\/share\/com\.vercel\.cli\/auth\.json$/.test(rel)
  );
}

function relUnder(file: string, dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  const rel = path.relative(dir, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
}

/** True for files that hold credentials: `.env*` (not `.env.example`), keys, kubeconfig, cloud credentials. */
export function isCredentialFile(file: string, home?: string): boolean {
  if (secretByName(path.basename(file))) return true;
  if (guardPathOf(file, { home })?.kind === 'secret') return true; // TwoKey's audit chain key
  const rel = relUnder(file, home);
  return rel !== undefined && secretByPlace(rel);
}

/** What a guard file is, or undefined: TwoKey's own files and the agents' hook files. */
export function guardFileKind(file: string, roots: string[], home?: string): 'audit' | 'guard' | undefined {
  // The guard path registry (src/core/guardPaths.ts): the audit log, the state folder and
  // its chain key count as the audit log; policy and hook settings as guard files.
  const m = guardPathOf(file, { roots, home, cwd: roots[0] });
  return m ? (m.kind === 'guard' ? 'guard' : 'audit') : undefined;
}

export function shown(file: string, roots: string[], home?: string): string {
  for (const r of roots) {
    const rel = relUnder(file, r);
    if (rel) return rel;
  }
  const h = relUnder(file, home);
  return h ? `~/${h}` : file;
}

export function fileHits(call: AgentCall, home?: string): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const file of call.paths) {
    const name = shown(file, call.roots, home);
    if (call.kind === 'read') {
      if (isCredentialFile(file, home)) {
        hits.push({
          id: 'cred.secret-read',
          category: 'credentials',
          risk: 'high',
          decision: 'deny',
          reason: `reading ${name} would put the credentials it holds into the agent's context`,
          targets: [file],
        });
      }
      continue;
    }
    const guard = guardFileKind(file, call.roots, home);
    if (guard) {
      hits.push({
        id: 'guard.policy-edit',
        category: 'guard-config',
        risk: guard === 'audit' ? 'critical' : 'high',
        reason: `the agent wants to change ${name}, which is ${guard === 'audit' ? "TwoKey's audit log" : "TwoKey's policy or an agent hook file"}; only a person should change it`,
        targets: [file],
      });
    } else if (isCredentialFile(file, home)) {
      hits.push({
        id: 'cred.file-edit',
        category: 'credentials',
        risk: 'high',
        reason: `the agent wants to change ${name}, which holds credentials or switches the environment later commands use`,
        targets: [file],
      });
    }
  }
  return hits;
}

/** Cheap pre-check without policy or engine: could this call find anything at all? */
export function mayMatter(call: AgentCall, home?: string): boolean {
  if (call.kind === 'shell' || call.kind === 'mcp') return true;
  if (call.kind === 'other') return false;
  return fileHits(call, home).length > 0;
}

