/**
 * Each command's own target: what `psql`, `kubectl`, `terraform`, `aws` or a PaaS CLI will
 * act on, resolved from its arguments and from the variables and files the tool reads
 * (`DATABASE_URL` in .env, the kubeconfig's contexts, `.terraform/environment`, the AWS
 * profile's role account, `fly.toml`, Railway's linked environment, Supabase's linked
 * project). Each resolved target becomes a signal named after the tool, with a name people
 * can read and type, and how it was found. A reference that cannot be resolved at all (no
 * kubeconfig, no such variable) names no target; the workspace's environment stands.
 */
import * as path from 'node:path';
import type { EnvironmentName, ResolvedTarget, TargetRef } from '../types';
import { mostDangerous, type Identity } from '../policy/match';
import {
  awsConfig,
  findGitConfig,
  gcloudConfiguration,
  hasDefaultProfile,
  parseVercelProject,
  profileSection,
  railwayLink,
  roleAccountOf,
  parseAzureProfile,
  parseFlyApp,
  parseHerokuRemotes,
  parseKube,
  kubeContext,
  placeIdentities,
  rel,
  workspaceDotenv,
  type SignalContext,
} from './signals';
import { hostOnly, looksSecret, maskUrl, parseServiceUrl, safeValue } from './values';

interface Found {
  name: string;
  how: string;
  ids: Identity[];
  /** Set when the target's nature decides it (a local socket, a file database). */
  environment?: EnvironmentName;
}

const LOCAL_HOST = /^(?:localhost|127\.\d+\.\d+\.\d+|::1|0\.0\.0\.0|host\.docker\.internal)$/i;

export function resolveRefs(ctx: SignalContext, refs: readonly TargetRef[]): ResolvedTarget[] {
  const out: ResolvedTarget[] = [];
  const seen = new Set<string>();
  for (const ref of refs) {
    for (const f of resolveOne(ctx, ref)) {
      const environment = f.environment ?? placeIdentities(ctx.place, f.ids);
      const key = `${ref.tool}\0${f.name}\0${f.how}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ tool: ref.tool, name: f.name, how: f.how, environment });
    }
  }
  return out;
}

function resolveOne(ctx: SignalContext, ref: TargetRef): Found[] {
  const v = ref.value?.trim();
  switch (ref.kind) {
    case 'db-url':
      return v ? dbUrl(v, ref.via ?? 'argument') : [];
    case 'db-var':
      return v ? dbVariable(ctx, v, ref.via) : [];
    case 'dynamic':
      // `--context "$CTX"`, `psql -h $HOST`: chosen at run time, so nobody can place it.
      return [{ name: v ?? '…', how: `${ref.via ?? 'an option'} set at run time`, ids: [], environment: 'unknown' }];
    case 'db-host':
      return v ? [host(v, ref.via ?? '--host')] : [];
    case 'kube-context':
    case 'kubeconfig':
      return kube(ctx, ref);
    case 'tf-workspace':
      return tfWorkspace(ctx, v, ref.via);
    case 'tf-var-file':
      return v ? tfVarFile(ctx, v) : [];
    case 'tf-dir':
      return v ? [{ name: v, how: ref.via ?? '-chdir', ids: [{ kind: 'name', value: v }] }] : [];
    case 'aws-profile':
      return awsProfile(ctx, v, ref.via);
    case 'gcp-project':
      return gcpProject(ctx, v, ref.via);
    case 'azure-subscription':
      return azureSubscription(ctx, v, ref.via);
    case 'railway-env':
      return railwayEnv(ctx, v, ref.via);
    case 'fly-app':
      return flyApp(ctx, v, ref.via);
    case 'heroku-app':
    case 'heroku-remote':
      return herokuApp(ctx, ref.kind, v, ref.via);
    case 'vercel-target':
      return vercelTarget(ctx, v ?? 'preview', ref.via);
    case 'supabase-project':
      return supabase(ctx, v, ref.via);
    case 'branch':
      return v ? branch(v, ref.via) : [];
    case 'http-host':
      return v ? httpHost(ctx, v, ref.via) : [];
    case 'token':
      return v ? token(ctx, v, ref.via) : [];
    case 'label':
      return v ? label(ctx, v, ref.via) : [];
  }
  return [];
}

// ---------------------------------------------------------------- databases

function dbUrl(v: string, how: string): Found[] {
  if (/^(?:file|sqlite3?):/i.test(v) || /\.(?:db|sqlite3?)$/i.test(v)) return [{ name: safeValue(v), how: `${how}, a local file database`, ids: [], environment: 'development' }];
  const u = parseServiceUrl(v);
  if (!u) return /[:@/]/.test(v) ? [] : [host(v, how)];
  // libpq and most drivers take the host from the query too (`?host=…`, `?hostaddr=…`).
  for (const m of v.matchAll(/[?&](?:host|hostaddr|server)=([^&#]+)/gi)) {
    for (const h of safeDecode(m[1]).split(',')) if (h && !h.startsWith('/')) u.hosts.push(hostOnly(h).toLowerCase());
  }
  if (!u.hosts.length) return [{ name: maskUrl(v), how: `${how}, a local socket`, ids: [], environment: 'development' }];
  const ids: Identity[] = u.hosts.map((h) => ({ kind: 'host', value: h }));
  if (u.database) ids.push({ kind: 'name', value: u.database });
  const local = u.hosts.every((h) => LOCAL_HOST.test(h));
  const name = u.hosts.join(',') + (u.database && !looksSecret(u.database) ? `/${u.database}` : '');
  return [{ name, how, ids, environment: local && !u.database ? 'development' : undefined }];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function host(v: string, how: string): Found {
  if (v.startsWith('/')) return { name: v, how: `${how}, a local socket`, ids: [], environment: 'development' };
  const h = hostOnly(v).toLowerCase();
  return { name: h, how, ids: [{ kind: 'host', value: h }] };
}

/**
 * A variable the command reads (`psql "$DATABASE_URL"`, Prisma's `env("DATABASE_URL")`): its
 * value in the terminal and in the workspace's dotenv files. Both count, so a terminal's
 * value can raise the target but never hide a production URL the workspace's files hold.
 */
function dbVariable(ctx: SignalContext, name: string, via: string | undefined): Found[] {
  const out: Found[] = [];
  const inTerminal = ctx.get(name);
  if (inTerminal) out.push(...dbUrl(inTerminal, `${name} in the terminal`));
  for (const f of workspaceDotenv(ctx)) {
    const v = f.vars[name];
    if (!v) continue;
    out.push(...dbUrl(v, `${name} in ${f.shown}`));
    break; // the first file that sets it is the one dotenv loaders use
  }
  // Named on the command line (`psql "$CONN"`) but set nowhere TwoKey can see: unknown, not local.
  if (!out.length && via?.startsWith('$')) out.push({ name: `$${name}`, how: 'not set in the terminal or the workspace\'s .env files', ids: [], environment: 'unknown' });
  return out;
}

// ---------------------------------------------------------------- Kubernetes

function kube(ctx: SignalContext, ref: TargetRef): Found[] {
  const explicitConfig = ref.kind === 'kubeconfig' ? ref.value : undefined;
  const envConfig = ctx.get('KUBECONFIG');
  const list = explicitConfig ?? envConfig;
  const files = list ? list.split(path.delimiter).filter(Boolean).map((f) => path.resolve(ctx.cwd ?? ctx.home, f.replace(/^~(?=\/|$)/, ctx.home))) : [path.join(ctx.home, '.kube', 'config')];
  const docs = files.map((f) => ({ f, k: ctx.files.parsed(f, 'kubeconfig', parseKube) }));
  const contextName = ref.kind === 'kube-context' ? ref.value : undefined;
  let name = contextName;
  let how: string;
  if (name) how = ref.via ?? '--context';
  else {
    const withCurrent = docs.find((d) => d.k?.current);
    name = withCurrent?.k?.current;
    if (!name) return [];
    how = `current-context in ${rel(ctx, withCurrent!.f)}${explicitConfig ? ` (${ref.via ?? '--kubeconfig'})` : ''}`;
  }
  const { host: h, ids } = kubeContext(docs, name);
  if (h) how += `, server ${h}`;
  else if (contextName && docs.every((d) => !d.k?.contexts.has(name!))) how += ', not in the kubeconfig';
  return [{ name, how, ids }];
}

// ---------------------------------------------------------------- Terraform / OpenTofu

function tfWorkspace(ctx: SignalContext, value: string | undefined, via: string | undefined): Found[] {
  if (value) return [{ name: value, how: via ?? 'TF_WORKSPACE', ids: [{ kind: 'name', value }] }];
  const env = ctx.get('TF_WORKSPACE');
  if (env) return [{ name: env, how: 'TF_WORKSPACE', ids: [{ kind: 'name', value: env }] }];
  const dir = via && via.startsWith('-chdir=') ? path.resolve(ctx.cwd ?? ctx.root ?? ctx.home, via.slice(7)) : (ctx.cwd ?? ctx.root);
  if (!dir) return [];
  const file = path.join(dir, ctx.get('TF_DATA_DIR') ?? '.terraform', 'environment');
  const ws = ctx.files.parsed(file, 'text', (t) => t.trim() || undefined);
  if (!ws) return [];
  return [{ name: ws, how: `workspace in ${rel(ctx, file)}`, ids: [{ kind: 'name', value: ws }] }];
}

const TFVARS_ENV = /^\s*(?:env|environment|stage|tier|workspace|deployment_environment|app_env)\s*=\s*"([^"]{1,60})"/im;

function tfVarFile(ctx: SignalContext, file: string): Found[] {
  const base = path.basename(file).replace(/\.(?:auto\.)?tfvars(?:\.json)?$/i, '');
  const abs = path.resolve(ctx.cwd ?? ctx.root ?? ctx.home, file);
  const declared = ctx.files.parsed(abs, 'tfvars-env', (t) => TFVARS_ENV.exec(t)?.[1] ?? /"(?:env|environment|stage)"\s*:\s*"([^"]{1,60})"/.exec(t)?.[1]);
  const ids: Identity[] = [{ kind: 'name', value: base }];
  if (declared) ids.push({ kind: 'name', value: declared });
  return [{ name: base, how: `-var-file=${file}${declared ? `, environment = "${declared}"` : ''}`, ids }];
}

// ---------------------------------------------------------------- clouds

function awsProfile(ctx: SignalContext, value: string | undefined, via: string | undefined): Found[] {
  let profile = value;
  let how = via ?? '--profile';
  if (!profile) {
    for (const k of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) {
      const p = ctx.get(k);
      if (p) {
        profile = p;
        how = k;
        break;
      }
    }
  }
  const { file: configFile, ini } = awsConfig(ctx);
  if (!profile) {
    if (!hasDefaultProfile(ini)) return [];
    profile = 'default';
    how = `default profile in ${rel(ctx, configFile)}`;
  }
  const section = profileSection(ini, profile);
  const ids: Identity[] = [{ kind: 'name', value: profile }];
  const account = section?.get('sso_account_id') ?? roleAccountOf(section?.get('role_arn'));
  if (account) {
    ids.push({ kind: 'id', value: account });
    how += `, account ${account}`;
  }
  const role = section?.get('role_arn');
  if (role) ids.push({ kind: 'id', value: role });
  return [{ name: profile, how, ids }];
}

function gcpProject(ctx: SignalContext, value: string | undefined, via: string | undefined): Found[] {
  if (value) return [{ name: value, how: via ?? '--project', ids: [{ kind: 'id', value }] }];
  const env = ctx.get('CLOUDSDK_CORE_PROJECT');
  if (env) return [{ name: env, how: 'CLOUDSDK_CORE_PROJECT', ids: [{ kind: 'id', value: env }] }];
  const { name: config, project } = gcloudConfiguration(ctx);
  if (!project) return [];
  const ids: Identity[] = [{ kind: 'id', value: project }];
  if (config !== 'default') ids.push({ kind: 'name', value: config });
  return [{ name: project, how: `project of the gcloud configuration ${config}`, ids }];
}

function azureSubscription(ctx: SignalContext, value: string | undefined, via: string | undefined): Found[] {
  if (value) return [{ name: value, how: via ?? '--subscription', ids: [{ kind: 'id', value }, { kind: 'name', value }] }];
  const file = path.join(ctx.get('AZURE_CONFIG_DIR') ?? path.join(ctx.home, '.azure'), 'azureProfile.json');
  const sub = ctx.files.parsed(file, 'azure', parseAzureProfile);
  if (!sub || (!sub.id && !sub.name)) return [];
  const ids: Identity[] = [];
  if (sub.id) ids.push({ kind: 'id', value: sub.id });
  if (sub.name) ids.push({ kind: 'name', value: sub.name });
  return [{ name: sub.name ?? sub.id!, how: `default subscription in ${rel(ctx, file)}`, ids }];
}

// ---------------------------------------------------------------- PaaS

function railwayEnv(ctx: SignalContext, value: string | undefined, via: string | undefined): Found[] {
  if (value) return [{ name: value, how: via ?? '--environment', ids: [{ kind: 'name', value }] }];
  const env = ctx.get('RAILWAY_ENVIRONMENT') ?? ctx.get('RAILWAY_ENVIRONMENT_NAME');
  if (env) return [{ name: env, how: 'RAILWAY_ENVIRONMENT', ids: [{ kind: 'name', value: env }] }];
  const found = railwayLink(ctx);
  if (!found) return [];
  const { file, link: best } = found;
  const name = best.environmentName ?? best.environment;
  if (!name) return [];
  const ids: Identity[] = [{ kind: 'name', value: name }];
  if (best.environment) ids.push({ kind: 'id', value: best.environment });
  if (best.project) ids.push({ kind: 'id', value: best.project });
  return [{ name, how: `environment linked in ${rel(ctx, file)}${best.name ? `, project ${best.name}` : ''}`, ids }];
}

function flyApp(ctx: SignalContext, value: string | undefined, via: string | undefined): Found[] {
  if (value && via !== '--config') return [{ name: value, how: via ?? '--app', ids: [{ kind: 'name', value }] }];
  const candidates = value ? [path.resolve(ctx.cwd ?? ctx.root ?? ctx.home, value)] : ctx.dirs.map((d) => path.join(d, 'fly.toml'));
  for (const file of candidates) {
    const app = ctx.files.parsed(file, 'fly', parseFlyApp);
    if (app) return [{ name: app, how: `app in ${rel(ctx, file)}`, ids: [{ kind: 'name', value: app }] }];
  }
  const env = ctx.get('FLY_APP_NAME');
  return env ? [{ name: env, how: 'FLY_APP_NAME', ids: [{ kind: 'name', value: env }] }] : [];
}

function herokuApp(ctx: SignalContext, kind: string, value: string | undefined, via: string | undefined): Found[] {
  if (value && kind === 'heroku-app') return [{ name: value, how: via ?? '--app', ids: [{ kind: 'name', value }] }];
  const env = !value ? ctx.get('HEROKU_APP') : undefined;
  if (env) return [{ name: env, how: 'HEROKU_APP', ids: [{ kind: 'name', value: env }] }];
  const file = findGitConfig(ctx);
  const remotes = file ? (ctx.files.parsed(file, 'heroku', parseHerokuRemotes) ?? []) : [];
  const want = value ?? 'heroku';
  const r = remotes.find((x) => x.remote === want) ?? (value ? undefined : remotes.length === 1 ? remotes[0] : undefined);
  if (!r) return value ? [{ name: value, how: via ?? 'git remote', ids: [{ kind: 'name', value }] }] : [];
  return [{ name: r.app, how: `git remote ${r.remote}`, ids: [{ kind: 'name', value: r.app }, { kind: 'name', value: r.remote }] }];
}

function vercelTarget(ctx: SignalContext, target: string, via: string | undefined): Found[] {
  let project: string | undefined;
  for (const dir of ctx.dirs) {
    project ??= ctx.files.parsed(path.join(dir, '.vercel', 'project.json'), 'vercel', parseVercelProject)?.projectName;
  }
  const ids: Identity[] = [{ kind: 'name', value: target }];
  if (project) ids.push({ kind: 'name', value: project });
  // Vercel's own words: production is production; preview deployments are staging at most.
  const environment: EnvironmentName | undefined = target === 'production' ? 'production' : target === 'preview' ? 'staging' : undefined;
  return [{ name: project ? `${project} (${target})` : target, how: via ?? '--target', ids, environment }];
}

function supabase(ctx: SignalContext, value: string | undefined, via: string | undefined): Found[] {
  if (value === 'local') return [{ name: 'local', how: via ?? '--local', ids: [], environment: 'development' }];
  if (value && value !== 'linked') return dbUrl(value, via ?? '--db-url');
  for (const dir of ctx.dirs) {
    const file = path.join(dir, 'supabase', '.temp', 'project-ref');
    const ref = ctx.files.parsed(file, 'text', (t) => t.trim() || undefined);
    if (ref) return [{ name: ref, how: `project linked in ${rel(ctx, file)}`, ids: [{ kind: 'id', value: ref }] }];
  }
  return [];
}

function branch(v: string, via: string | undefined): Found[] {
  // Neon, PlanetScale and Render call the default branch main: it is the one that serves production.
  const prod = /^(?:main|master|production|prod)$/i.test(v);
  return [{ name: v, how: `${via ?? 'branch'}${prod ? ', the default branch' : ''}`, ids: [{ kind: 'name', value: v }], environment: prod ? 'production' : undefined }];
}

/** An HTTP host is a target only when something places it: a host nobody listed is not judged by its name. */
function httpHost(ctx: SignalContext, v: string, via: string | undefined): Found[] {
  const h = (parseServiceUrl(v)?.hosts[0] ?? hostOnly(v)).toLowerCase();
  if (!h) return [];
  const ids: Identity[] = [{ kind: 'host', value: h }];
  if (LOCAL_HOST.test(h) || h.endsWith('.localhost') || h.endsWith('.local')) return [{ name: h, how: via ?? 'URL', ids, environment: 'development' }];
  const placed = ctx.place.explicit(ids[0]) ?? ctx.place.byName(h.split('.').slice(0, -1).join('.') || h);
  return placed ? [{ name: h, how: via ?? 'URL', ids, environment: placed }] : [];
}

/** A token whose variable name or prefix names its scope (`$PROD_API_TOKEN`, `sk_live_…`). */
function token(ctx: SignalContext, v: string, via: string | undefined): Found[] {
  if (/^(?:sk|rk|pk)_live_/.test(v)) return [{ name: 'a live-mode key', how: via ?? 'token', ids: [], environment: 'production' }];
  if (/^(?:sk|rk|pk)_test_/.test(v)) return [{ name: 'a test-mode key', how: via ?? 'token', ids: [], environment: 'development' }];
  if (!/^\w+$/.test(v)) return [];
  const placed = ctx.place.byName(v);
  return placed === 'production' ? [{ name: `$${v}`, how: `${via ?? 'token'} whose name says production`, ids: [{ kind: 'name', value: v }], environment: 'production' }] : [];
}

/** An environment named on the command line (`--env production`, `RAILS_ENV=production`, `--stage prod`). */
function label(ctx: SignalContext, v: string, via: string | undefined): Found[] {
  const placed = ctx.place.explicit({ kind: 'name', value: v }) ?? ctx.place.byName(v);
  return placed ? [{ name: v, how: via ?? 'environment', ids: [{ kind: 'name', value: v }], environment: placed }] : [];
}

/** The most dangerous of several targets' environments, or undefined without one. */
export function targetsEnvironment(targets: readonly ResolvedTarget[]): EnvironmentName | undefined {
  return targets.length ? mostDangerous(targets.map((t) => t.environment)) : undefined;
}

/** A resolved target as evidence: `target:psql = prod-db.acme.internal (DATABASE_URL in .env) → production`. */
export function targetEvidence(t: ResolvedTarget): { signal: string; value: string; environment: EnvironmentName } {
  return { signal: `target:${t.tool}`, value: `${t.name} (${t.how})`, environment: t.environment };
}
