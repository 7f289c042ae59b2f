/**
 * Rules that look at what any command writes: credentials and environment switches
 * (.env files, exported secrets, SSH keys, auth tokens), agent launchers that disable
 * approvals, and edits to TwoKey's own policy, audit log and agents' hook files.
 */
import type { RuleHit } from '../types';
import { DYN, type SimpleCommand, type Word } from '../shell/model';
import { deviceWrite } from './filesystem';
import { display, hit, positionals, type Rule, type RuleContext } from './util';
import { guardPathOf, type GuardPathMatch } from '../guardPaths';

/** Paths a command writes, moves over or deletes (not what it reads). */
export function writtenPaths(c: SimpleCommand): Word[] {
  const out: Word[] = [];
  for (const r of c.redirects) if (r.op.includes('>') && !/^&?\d*$/.test(r.target.value) && r.target.value !== '/dev/null') out.push(r.target);
  switch (c.name) {
    case 'cp':
    case 'install':
    case 'ln':
    case 'rsync':
    case 'scp':
    case 'ditto': {
      const p = positionals(c.args, new Set(['-t', '--target-directory', '-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '-e']));
      const t = c.args.findIndex((a) => a.value === '-t' || a.value === '--target-directory');
      if (t >= 0 && c.args[t + 1]) out.push(c.args[t + 1]);
      else if (p.length >= 2) out.push(p[p.length - 1]);
      break;
    }
    case 'mv': {
      const p = positionals(c.args, new Set(['-t', '--target-directory', '-S', '--suffix']));
      out.push(...p);
      break;
    }
    case 'tee':
    case 'rm':
    case 'unlink':
    case 'shred':
    case 'truncate':
    case 'chmod':
    case 'chown':
    case 'chattr':
    case 'rimraf':
      out.push(...positionals(c.args, new Set(['-s', '--size', '-n'])));
      break;
    case 'sed':
    case 'perl':
    case 'gsed': {
      if (!c.args.some((a) => /^-[a-zA-Z]*i/.test(a.value) || a.value.startsWith('--in-place'))) break;
      const p = positionals(c.args, new Set(['-e', '-f', '--expression', '--file']));
      const hasE = c.args.some((a) => a.value === '-e' || a.value === '--expression');
      out.push(...(hasE || c.name === 'perl' ? p : p.slice(1)));
      break;
    }
    case 'dd': {
      const of = c.args.find((a) => a.value.startsWith('of='));
      if (of) out.push({ value: of.value.slice(3), raw: of.raw });
      break;
    }
  }
  return out;
}

const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const ENV_FILE = /^\.env(?:\.[\w.-]+)?$|^[\w.-]+\.env$/;
const SAFE_ENV_SOURCE = /(?:example|sample|template|dist|defaults?|tmpl|schema|test|ci|local|development|dev)(?:\.|$)/i;
const PROD = /prod|production|live|staging|stage|stg|uat|preprod|remote/i;
const SECRET_NAME = /(?:^|_)(?:TOKEN|SECRET|SECRETS|PASSWORD|PASSWD|PASS|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|SECRET_KEY|AUTH|CREDENTIALS?|PAT|DSN)(?:_|$)|_KEY$|^DATABASE_URL$|_URL$|_URI$/;
const SWITCH_NAME = /^(?:AWS_PROFILE|AWS_DEFAULT_PROFILE|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|KUBECONFIG|KUBECONTEXT|KUBE_CONTEXT|CLOUDSDK_CORE_PROJECT|CLOUDSDK_ACTIVE_CONFIG_NAME|GOOGLE_CLOUD_PROJECT|GCLOUD_PROJECT|GOOGLE_APPLICATION_CREDENTIALS|AZURE_SUBSCRIPTION_ID|ARM_SUBSCRIPTION_ID|ARM_CLIENT_SECRET|RAILWAY_ENVIRONMENT|RAILWAY_TOKEN|RAILWAY_API_TOKEN|VERCEL_TOKEN|FLY_API_TOKEN|HEROKU_API_KEY|TF_WORKSPACE|DOCKER_HOST|DOCKER_CONTEXT|PGHOST|PGDATABASE|PGPASSWORD|MYSQL_HOST|MYSQL_PWD|MONGODB_URI|MONGO_URL|REDIS_URL|DATABASE_URL|DIRECT_URL|SUPABASE_DB_URL|NEON_API_KEY|PULUMI_ACCESS_TOKEN|DIGITALOCEAN_ACCESS_TOKEN|CLOUDFLARE_API_TOKEN|GITHUB_TOKEN|GH_TOKEN|NPM_TOKEN|OPENAI_API_KEY|ANTHROPIC_API_KEY)$/;
const ENV_NAME = /^(?:NODE_ENV|RAILS_ENV|RACK_ENV|APP_ENV|ENV|ENVIRONMENT|STAGE|DEPLOY_ENV|FLASK_ENV|DJANGO_SETTINGS_MODULE|MIX_ENV|ASPNETCORE_ENVIRONMENT|SPRING_PROFILES_ACTIVE)$/;


function envFileHits(c: SimpleCommand, paths: Word[]): RuleHit[] {
  const envTargets = paths.filter((p) => ENV_FILE.test(base(p.value)) || /(?:^|\/)\.env(?:\.[\w.-]+)?$/.test(p.value));
  if (!envTargets.length) return [];
  const names = envTargets.map((p) => display(p.value));
  let risky = names.some((n) => PROD.test(base(n)));
  let source = '';
  if (c.name === 'cp' || c.name === 'mv' || c.name === 'ln' || c.name === 'install' || c.name === 'rsync' || c.name === 'scp') {
    const p = positionals(c.args, new Set(['-t', '--target-directory', '-S', '--suffix', '-m', '-o', '-g']));
    const sources = p.slice(0, -1).map((w) => w.value);
    source = sources.join(', ');
    if (c.name === 'mv' && sources.some((s) => ENV_FILE.test(base(s)))) risky = risky || !sources.every((s) => SAFE_ENV_SOURCE.test(base(s)));
    if (sources.some((s) => PROD.test(s) || s.includes(DYN) || /:/.test(s) || !ENV_FILE.test(base(s)) && !SAFE_ENV_SOURCE.test(base(s)))) risky = true;
    if (sources.length && sources.every((s) => SAFE_ENV_SOURCE.test(base(s)) && !PROD.test(base(s)))) risky = risky && names.some((n) => PROD.test(base(n)));
  } else if (c.name === 'rm' || c.name === 'unlink' || c.name === 'shred' || c.name === 'truncate') {
    return [hit('cred.env-file-write', 'credentials', 'low', `${c.name} removes the environment file ${names.join(', ')}`, names)];
  } else {
    // echo/printf/cat/tee …: judge what is written.
    const text = [...c.args.map((a) => a.value), c.stdin?.kind === 'literal' ? c.stdin.text ?? '' : ''].join(' ');
    if (PROD.test(text) || /(?:TOKEN|SECRET|PASSWORD|_KEY|DATABASE_URL)\s*=/.test(text) || text.includes(DYN) || c.name === 'curl' || c.name === 'wget' || c.name === 'vercel' || c.name === 'railway') risky = true;
    if (c.name === 'cat' && positionals(c.args).length) {
      source = positionals(c.args).map((w) => w.value).join(', ');
      if (positionals(c.args).some((w) => PROD.test(w.value) || !SAFE_ENV_SOURCE.test(base(w.value)))) risky = true;
    }
  }
  if (risky) {
    return [hit('cred.env-file-write', 'credentials', 'high', `${c.name} writes ${names.join(', ')}${source ? ` from ${source}` : ''}, which switches the credentials and environment later commands use`, names)];
  }
  return [hit('cred.env-file-write', 'credentials', 'low', `${c.name} writes the environment file ${names.join(', ')}${source ? ` from ${source}` : ''}`, names)];
}

function exportHits(c: SimpleCommand): RuleHit[] {
  if (!/^(?:export|declare|typeset|setenv|set)$/.test(c.name)) return [];
  if ((c.name === 'declare' || c.name === 'typeset') && !c.args.some((a) => /^-[a-zA-Z]*x/.test(a.value))) return [];
  const hits: RuleHit[] = [];
  const args = c.name === 'setenv' ? [{ value: `${c.args[0]?.value}=${c.args[1]?.value ?? ''}`, raw: '' }] : c.args;
  for (const a of args) {
    const eq = a.value.indexOf('=');
    if (eq <= 0) continue;
    const name = a.value.slice(0, eq);
    const value = a.value.slice(eq + 1);
    if (SWITCH_NAME.test(name) || (c.name !== 'set' && SECRET_NAME.test(name) && !/^(?:PUBLIC_|NEXT_PUBLIC_|VITE_)/.test(name) && !/(?:_PATH|_FILE|_DIR|_HOST_URL|_BASE_URL|PUBLIC_URL|API_URL|SITE_URL|_ENDPOINT)$/.test(name) && !/^(?:NODE_PATH|HOME_URL)$/.test(name))) {
      const shown = /TOKEN|SECRET|PASSWORD|PASS|KEY|PWD/.test(name) ? '***' : display(value);
      hits.push(hit('cred.export', 'credentials', 'high', `${c.name} ${name}=${shown} switches the credentials or target that every later command in this shell uses`, [`${name}=${shown}`]));
    } else if (ENV_NAME.test(name) && PROD.test(value)) {
      hits.push(hit('cred.export', 'credentials', 'high', `${c.name} ${name}=${value} switches later commands to ${value}`, [`${name}=${value}`]));
    }
  }
  return hits;
}

const AGENT_FLAG = /^(?:--dangerously-skip-permissions|--allow-dangerously-skip-permissions|--dangerously-bypass-approvals-and-sandbox|--trust-all-tools|--yolo|--allow-all-tools|--allow-all-paths|--approval-mode=yolo|--permission-mode=bypassPermissions|--yes-always|--no-confirm|--auto-approve-all|--dangerously-allow-all|--always-approve|--force-approve)$/;
const AGENTS = /^(?:claude|claude-code|codex|gemini|q|qchat|kiro-cli|cursor-agent|cursor|copilot|aider|amp|opencode|goose|crush|cline|continue|openhands|devin|plandex|qwen|grok|auggie|droid|llm|kilo|roo|warp|jules)$/;

function agentHits(c: SimpleCommand): RuleHit[] {
  const vs = c.args.map((a) => a.value);
  const bad: string[] = [];
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i];
    if (AGENT_FLAG.test(v) && (AGENTS.test(c.name) || /^--dangerously|^--trust-all-tools$|^--yolo$|^--allow-all-tools$/.test(v))) {
      if (v === '--yolo' && !AGENTS.test(c.name)) continue;
      bad.push(v);
    } else if ((v === '--ask-for-approval' || v === '-a') && vs[i + 1] === 'never' && AGENTS.test(c.name)) bad.push(`${v} never`);
    else if (v === '--ask-for-approval=never') bad.push(v);
    else if ((v === '--permission-mode' || v === '--approval-mode') && /^(?:bypassPermissions|yolo)$/.test(vs[i + 1] ?? '')) bad.push(`${v} ${vs[i + 1]}`);
    else if ((v === '-c' || v === '--config') && /approval_policy\s*=\s*["']?never|sandbox_mode\s*=\s*["']?danger-full-access/.test(vs[i + 1] ?? '') && AGENTS.test(c.name)) bad.push(`${v} ${vs[i + 1]}`);
  }
  if (!bad.length) return [];
  return [hit('agent.approvals-disabled', 'agent', 'high', `${c.name} ${bad.join(' ')} starts an agent that runs commands without asking anyone`, [c.name])];
}

function guardHits(c: SimpleCommand, paths: Word[], ctx: RuleContext = {}): RuleHit[] {
  const hits: RuleHit[] = [];
  // The guard path registry, on what each path really names (cwd after `cd`, globs, symlinks).
  // A folder only known when it runs (`cd "$X"; …`): relative paths may be in any guard folder.
  const cwdUnknown = !!c.cwd?.includes(DYN) && !c.cwdMaybe?.length;
  const where = { cwd: c.cwd && c.cwd !== DYN ? c.cwd : ctx.cwd, roots: [ctx.workspaceRoot], home: ctx.home ?? ctx.env?.HOME, env: ctx.env, cwdUnknown };
  const recursive = c.name === 'mv' || c.args.some((a) => /^-[a-zA-Z]*[rR]/.test(a.value) || a.value === '--recursive');
  const g = paths
    .filter((p) => !p.value.includes(DYN))
    .map((p) => ({ p, m: guardPathOf(p.value, where, { recursive }) }))
    .filter((x): x is { p: Word; m: GuardPathMatch } => x.m !== undefined);
  if (g.length) {
    const names = g.map(({ p, m }) => display(p.value) + (m.path.endsWith(p.value.replace(/^\.\//, '')) ? '' : ` (${m.contains ? 'holds' : 'is'} ${m.label})`));
    const audit = g.some(({ m }) => m.kind !== 'guard');
    const what = audit ? [...new Set(g.filter(({ m }) => m.kind !== 'guard').map(({ m }) => m.label))].join(' and ') : 'policy or an agent hook file';
    hits.push(hit('guard.policy-edit', 'guard-config', audit ? 'critical' : 'high', `${c.name} changes ${names.join(', ')}, which is ${audit ? what : `TwoKey's ${what}`}; only a person should change it`, names));
  }
  if (c.name === 'code' || c.name === 'code-insiders' || c.name === 'cursor' || c.name === 'codium') {
    const i = c.args.findIndex((a) => a.value === '--uninstall-extension' || a.value === '--disable-extension');
    if (i >= 0 && /twokey/i.test(c.args[i + 1]?.value ?? '')) hits.push(hit('guard.policy-edit', 'guard-config', 'critical', `${c.name} ${c.args[i].value} turns TwoKey off`, ['twokey']));
  }
  if (c.name === 'unset' || c.name === 'export') {
    for (const a of c.args) {
      if (/^(?:TWOKEY_\w+|BASH_ENV|ENV|PROMPT_COMMAND)(?:=|$)/.test(a.value) && !(c.name === 'export' && /^ENV=/.test(a.value))) {
        hits.push(hit('guard.policy-edit', 'guard-config', 'high', `${c.name} ${a.value.split('=')[0]} can switch off the TwoKey shell gate`, [a.value.split('=')[0]]));
        break;
      }
    }
  }
  const unsetsGate = c.name === 'unset' && c.args.some((a) => a.value === '-f') && c.args.some((a) => /^(?:__twokey|__vsc_)/.test(a.value));
  const noExtdebug = c.name === 'shopt' && c.args.some((a) => a.value === '-u') && c.args.some((a) => a.value === 'extdebug');
  if ((c.name === 'trap' && c.args.some((a) => a.value === 'DEBUG')) || (c.name === 'set' && c.args.some((a) => a.value === '+T')) || unsetsGate || noExtdebug) {
    hits.push(hit('guard.policy-edit', 'guard-config', 'high', `${c.name} ${c.args.map((a) => a.value).join(' ')} removes the shell hook TwoKey uses to check commands`));
  }
  return hits;
}

function sshHits(c: SimpleCommand, paths: Word[], ctx: RuleContext): RuleHit[] {
  const home = ctx.home ?? ctx.env?.HOME;
  const ssh = paths.filter((p) => /(?:^|\/)\.ssh\/(?:id_\w+|authorized_keys|known_hosts|config)(?:\.pub)?$/.test(p.value) && (!home || p.value.startsWith(home) || p.value.startsWith('~') || !p.value.startsWith('/')));
  const hits: RuleHit[] = [];
  if (ssh.length && c.name !== 'ssh-keygen') {
    const names = ssh.map((p) => display(p.value));
    const known = names.every((n) => /known_hosts$/.test(n));
    hits.push(hit('cred.ssh-key-overwrite', 'credentials', known ? 'low' : 'high', `${c.name} overwrites or removes the SSH key file ${names.join(', ')}`, names));
  }
  if (c.name === 'ssh-keygen') {
    const f = c.args.findIndex((a) => a.value === '-f');
    const file = f >= 0 ? c.args[f + 1]?.value : undefined;
    const gen = !c.args.some((a) => /^-[lFRyEBDHe]$/.test(a.value));
    if (gen && file && /(?:^|\/)\.ssh\/id_\w+$/.test(file) && (c.stdin || c.args.some((a) => a.value === '-q'))) {
      hits.push(hit('cred.ssh-key-overwrite', 'credentials', 'high', `ssh-keygen -f ${file} can overwrite an existing SSH key`, [file]));
    }
  }
  return hits;
}

function tokenHits(c: SimpleCommand): RuleHit[] {
  const vs = c.args.map((a) => a.value);
  if ((c.name === 'npm' || c.name === 'pnpm' || c.name === 'yarn') && (vs[0] === 'config' || vs[0] === 'set') && vs.some((v) => /_authToken|npmAuthToken|_auth\b|_password/.test(v))) {
    return [hit('cred.token-write', 'credentials', 'high', `${c.name} ${vs[0]} stores a registry auth token in the npm configuration`, ['.npmrc'])];
  }
  if (/^(?:railway|vercel|netlify|heroku|fly|flyctl|supabase|wrangler|firebase|doctl|npm|docker|gh|glab|az)$/.test(c.name) && (vs[0] === 'login' || (vs[0] === 'auth' && /^(?:login|switch)$/.test(vs[1] ?? '')) || vs[0] === 'adduser')) {
    if (c.name === 'gh') return [];
    return [hit('cred.login', 'credentials', 'low', `${c.name} ${vs.slice(0, 2).join(' ')} signs in and stores a credential`)];
  }
  return [];
}

/**
 * Command words the every-command rule looks at by name (besides any write to a guarded
 * file): for the gates' prefilter, with the packs' names.
 */
export const LOCAL_RULE_WORDS: readonly string[] = [
  'export', 'declare', 'typeset', 'setenv', 'set', 'unset', 'trap', 'shopt', 'cp', 'mv', 'ln', 'install', 'rsync', 'scp', 'rm', 'unlink', 'shred', 'truncate', 'cat', 'tee',
  'code', 'code-insiders', 'cursor', 'codium', 'claude', 'cursor-agent', 'codex', 'gemini', 'copilot', 'aider', 'q', 'amp', 'opencode', 'goose', 'ssh-keygen',
];

/** Runs on every command. */
export const localRule: Rule = (c, ctx) => {
  const paths = writtenPaths(c);
  const hits: RuleHit[] = [];
  if (paths.length) {
    hits.push(...envFileHits(c, paths), ...guardHits(c, paths, ctx), ...sshHits(c, paths, ctx));
  } else {
    hits.push(...guardHits(c, paths, ctx));
    if (c.name === 'ssh-keygen') hits.push(...sshHits(c, paths, ctx));
  }
  const dev = deviceWrite(c);
  if (dev) hits.push(dev);
  if (c.args.length) {
    hits.push(...exportHits(c), ...agentHits(c), ...tokenHits(c));
  }
  return hits;
};
