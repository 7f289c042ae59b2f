/** State changes on hosting platforms: deploys, restarts, scaling, variables, hosted databases, and `railway run` / `heroku run`. */
import * as path from 'node:path';
import type { RuleHit, TargetRef } from '../../types';
import type { SimpleCommand } from '../../shell/model';
import { optValue, positionals, type Rule, type RuleContext } from '../util';
import { change, known, words } from './kit';

/** The state-change findings for a command (the inner command of `railway run` is judged by the whole tier). */
export type ChangeRules = (c: SimpleCommand, ctx: RuleContext) => RuleHit[];

// ---------------------------------------------------------------- PaaS

const PAAS_VALUE = new Set(['-e', '--environment', '--env', '-s', '--service', '-a', '--app', '-p', '--project', '--project-id', '--project-ref', '--scope', '--token', '-t', '--org', '-o', '--region', '-r', '--config', '-c', '--team', '--branch', '--site', '--database', '-d', '--remote', '--context', '--output', '--db-url', '--target', '--image', '--dockerfile', '--name']);
const paasWords = (c: SimpleCommand): string[] => positionals(c.args, PAAS_VALUE).map((p) => p.value);

/** `railway run <cmd>`, `heroku run <cmd>`: the inner command runs against the platform's environment. */
function inner(c: SimpleCommand, from: number): SimpleCommand | undefined {
  const args = c.args.slice(from);
  const k = args.findIndex((a) => !a.value.startsWith('-') || a.value === '--');
  const start = args[k]?.value === '--' ? k + 1 : k;
  if (start < 0 || !args[start]) return undefined;
  let rest = args.slice(start);
  // npx prisma …, bundle exec rake …, pnpm exec knex …, poetry run python …
  for (let n = 0; n < 3 && rest.length > 1; n++) {
    const w0 = path.basename(rest[0].value);
    if (w0 === 'npx' || w0 === 'bunx') rest = rest.slice(1);
    else if (/^(?:bundle|pnpm|yarn|poetry|uv|pipenv)$/.test(w0) && /^(?:exec|run|dlx)$/.test(rest[1].value)) rest = rest.slice(2);
    else break;
    while (rest.length > 1 && rest[0].value.startsWith('-')) rest = rest.slice(1);
  }
  return { ...c, name: path.basename(rest[0].value), args: rest.slice(1), via: [...c.via, c.name] };
}

function innerChange(changeRules: ChangeRules, c: SimpleCommand, ctx: RuleContext, from: number, refs: TargetRef[], label: string): RuleHit[] {
  const sub = inner(c, from);
  if (!sub) return [];
  return changeRules(sub, ctx).map((h) => ({ ...h, reason: `${h.reason} (through ${label})`, refs: [...refs, ...(h.refs ?? []).filter((r) => r.kind !== 'db-var' && r.kind !== 'kube-context')] }));
}

function railwayRefs(c: SimpleCommand): TargetRef[] {
  const env = known(optValue(c.args, ['--environment', '-e']));
  return [env ? { tool: 'railway', kind: 'railway-env', value: env, via: '--environment' } : { tool: 'railway', kind: 'railway-env' }];
}

const railway = (changeRules: ChangeRules): Rule => (c, ctx) => {
  const w = paasWords(c);
  const refs = railwayRefs(c);
  if (w[0] === 'run') return innerChange(changeRules, c, ctx, c.args.findIndex((a) => a.value === 'run') + 1, refs, 'railway run');
  if (/^(?:up|deploy|redeploy|restart|scale)$/.test(w[0] ?? '')) return change('change.paas.deploy', 'paas', `railway ${w[0]} deploys or restarts the service`, refs);
  if (/^(?:variables|variable|vars)$/.test(w[0] ?? '') && (w[1] === 'set' || c.args.some((a) => a.value === '--set' || a.value.startsWith('--set=')))) return change('change.paas.variables', 'paas', 'railway variables --set changes service variables and redeploys', refs);
  return;
};

function flyRefs(c: SimpleCommand): TargetRef[] {
  const app = known(optValue(c.args, ['--app', '-a']));
  if (app) return [{ tool: c.name, kind: 'fly-app', value: app, via: '--app' }];
  const cfg = known(optValue(c.args, ['--config', '-c']));
  if (cfg) return [{ tool: c.name, kind: 'fly-app', value: cfg, via: '--config' }];
  return [{ tool: c.name, kind: 'fly-app' }];
}

const fly: Rule = (c) => {
  const w = paasWords(c);
  const two = `${w[0] ?? ''} ${w[1] ?? ''}`;
  if (!(/^(?:deploy|scale|restart)$/.test(w[0] ?? '') || /^(?:secrets (?:set|unset|import|deploy)|apps restart|machines? (?:restart|update|stop|start|run|clone|destroy|remove|rm)|m (?:restart|update|stop|start|run)|postgres (?:restart|failover|import)|pg (?:restart|failover|import)|volumes (?:extend|create|fork)|releases rollback|deploy rollback|ips (?:allocate\S*|release)|certs (?:add|remove))/.test(two))) return;
  return change('change.paas.deploy', 'paas', `${c.name} ${/^(?:deploy|scale|restart)$/.test(w[0]) ? w[0] : two} changes the running app`, flyRefs(c));
};

function herokuRefs(c: SimpleCommand): TargetRef[] {
  const app = known(optValue(c.args, ['--app', '-a']));
  if (app) return [{ tool: 'heroku', kind: 'heroku-app', value: app, via: '--app' }];
  const remote = known(optValue(c.args, ['--remote', '-r']));
  if (remote) return [{ tool: 'heroku', kind: 'heroku-remote', value: remote, via: '--remote' }];
  return [{ tool: 'heroku', kind: 'heroku-remote' }];
}

const heroku = (changeRules: ChangeRules): Rule => (c, ctx) => {
  const w = paasWords(c);
  const sub = w[0] ?? '';
  const refs = herokuRefs(c);
  if (sub === 'run' || sub === 'run:detached') return innerChange(changeRules, c, ctx, c.args.findIndex((a) => a.value === sub) + 1, refs, `heroku ${sub}`);
  if (!/^(?:config:set|config:add|config:unset|ps:scale|ps:restart|ps:stop|restart|releases:rollback|rollback|maintenance:on|maintenance:off|pg:promote|pg:push|pg:copy|pg:backups:restore|features:enable|features:disable|stack:set|buildpacks:set|domains:add|container:release|apps:rename|redis:(?:maxmemory|timeout))$/.test(sub)) return;
  return change('change.paas.deploy', 'paas', `heroku ${sub} changes the running app`, refs);
};

const gitPush: Rule = (c) => {
  const pos = positionals(c.args, new Set(['-C', '-c', '--repo', '-o', '--push-option'])).map((p) => p.value);
  if (pos[0] !== 'push' || !pos[1]) return;
  const remote = pos[1];
  if (!/heroku|dokku|production|prod|live/i.test(remote)) return;
  return change('change.paas.deploy', 'paas', `git push ${remote} deploys the app`, [{ tool: 'git push', kind: 'heroku-remote', value: remote, via: 'git remote' }, { tool: 'git push', kind: 'label', value: remote, via: `remote ${remote}` }]);
};

const vercel: Rule = (c) => {
  const w = paasWords(c);
  const vs = words(c);
  const prod = vs.includes('--prod') || vs.includes('--production') || known(optValue(c.args, ['--target'])) === 'production' || vs.includes('--target=production');
  const target = prod ? 'production' : (known(optValue(c.args, ['--target'])) ?? 'preview');
  const via = prod ? (vs.includes('--prod') ? '--prod' : '--target production') : 'a preview deployment';
  const sub = w[0];
  if (sub === undefined || sub === 'deploy' || (sub && !/^(?:dev|env|link|login|logout|whoami|ls|list|inspect|logs|pull|build|switch|teams|projects?|domains?|dns|certs|alias|remove|rm|promote|rollback|redeploy|bisect|help|init|git|integration|secrets|blob|open|telemetry|target|install)$/.test(sub) && w.length === 1 && !vs.some((v) => v === '--help'))) {
    if (sub && sub !== 'deploy' && !/^[./~]/.test(sub)) return;
    return change('change.paas.deploy', 'paas', `vercel ${prod ? '--prod ' : ''}deploys the project${prod ? ' to production' : ''}`, [{ tool: 'vercel', kind: 'vercel-target', value: target, via }]);
  }
  if (sub === 'promote' || sub === 'rollback' || sub === 'redeploy') return change('change.paas.deploy', 'paas', `vercel ${sub} changes what production serves`, [{ tool: 'vercel', kind: 'vercel-target', value: sub === 'redeploy' && !prod ? 'preview' : 'production', via: sub }]);
  if (sub === 'env' && /^(?:add|rm|remove|update)$/.test(w[1] ?? '')) {
    const envName = w[3] ?? 'production';
    return change('change.paas.variables', 'paas', `vercel env ${w[1]} ${w[2] ?? ''} changes a variable`.replace(/\s+/g, ' '), [{ tool: 'vercel', kind: 'vercel-target', value: /^(?:production|preview|development)$/.test(envName) ? envName : 'production', via: `env ${w[1]} … ${envName}` }]);
  }
  if (sub === 'alias' && /^(?:set|add)$/.test(w[1] ?? '')) return change('change.paas.deploy', 'paas', 'vercel alias set points a domain at a deployment', [{ tool: 'vercel', kind: 'vercel-target', value: 'production', via: 'alias' }]);
  return;
};

const supabase: Rule = (c) => {
  const w = paasWords(c);
  const two = `${w[0] ?? ''} ${w[1] ?? ''}`;
  if (!/^(?:db (?:push|reset|execute)|migration (?:up|repair|squash)|functions deploy|secrets (?:set|unset)|storage (?:cp|mv|rm)|config push|branches (?:create|delete|update)|seed buckets)/.test(two)) return;
  const vs = words(c);
  const url = known(optValue(c.args, ['--db-url']));
  const ref = known(optValue(c.args, ['--project-ref']));
  const refs: TargetRef[] = url ? [{ tool: 'supabase', kind: 'supabase-project', value: url, via: '--db-url' }] : ref ? [{ tool: 'supabase', kind: 'label', value: ref, via: '--project-ref' }] : vs.includes('--local') ? [{ tool: 'supabase', kind: 'supabase-project', value: 'local', via: '--local' }] : [{ tool: 'supabase', kind: 'supabase-project', value: 'linked', via: vs.includes('--linked') ? '--linked' : 'the linked project' }];
  // `supabase db reset` without --linked resets the local database only.
  if (two === 'db reset' && !vs.includes('--linked') && !url) return;
  return change('change.paas.deploy', 'paas', `supabase ${two} changes the project`, refs);
};

const branchTool = (id: string, verbs: RegExp, branchFlags: string[]): Rule => (c) => {
  const w = paasWords(c);
  const joined = w.join(' ');
  if (!verbs.test(joined)) return;
  const refs: TargetRef[] = [];
  const b = known(optValue(c.args, branchFlags));
  if (b) refs.push({ tool: c.name, kind: 'branch', value: b, via: branchFlags[0] });
  else {
    // pscale deploy-request deploy <db> <n>; pscale branch promote <db> <branch>; neonctl branches reset <branch>
    const m = /(?:branch(?:es)? (?:promote|reset|restore|set-default|delete)|shell|connect) \S+ (\S+)/.exec(joined) ?? /branch(?:es)? (?:reset|restore|set-default|delete) (\S+)/.exec(joined);
    if (m && known(m[1])) refs.push({ tool: c.name, kind: 'branch', value: m[1], via: 'branch' });
    else if (/deploy-request deploy/.test(joined)) refs.push({ tool: c.name, kind: 'branch', value: 'main', via: 'deploy request into' });
  }
  return change(id, 'paas', `${c.name} ${w.slice(0, 2).join(' ')} changes a hosted database`, refs);
};

const render: Rule = (c) => {
  const w = paasWords(c);
  if (!/^(?:deploys? create|services? (?:restart|suspend|resume|update|scale)|restart|deploy|jobs create)/.test(w.join(' '))) return;
  const service = w[2] ?? known(optValue(c.args, ['--service', '-s']));
  return change('change.paas.deploy', 'paas', `render ${w.slice(0, 2).join(' ')} changes a service`, service ? [{ tool: 'render', kind: 'label', value: service, via: 'service' }] : []);
};

const netlify: Rule = (c) => {
  const w = paasWords(c);
  const vs = words(c);
  if (w[0] === 'deploy' && (vs.includes('--prod') || vs.includes('--production'))) return change('change.paas.deploy', 'paas', 'netlify deploy --prod deploys to production', [{ tool: 'netlify', kind: 'label', value: 'production', via: '--prod' }]);
  if (/^(?:env:set|env:import|env:unset)$/.test(w[0] ?? '')) {
    const ctxName = known(optValue(c.args, ['--context'])) ?? 'production';
    return change('change.paas.variables', 'paas', `netlify ${w[0]} changes a variable`, [{ tool: 'netlify', kind: 'label', value: ctxName, via: `--context ${ctxName}` }]);
  }
  return;
};

const wrangler: Rule = (c) => {
  const w = paasWords(c);
  const two = `${w[0] ?? ''} ${w[1] ?? ''}`;
  if (!(/^(?:deploy|publish|rollback)$/.test(w[0] ?? '') || /^(?:secret (?:put|delete|bulk)|versions deploy|kv:key (?:put|delete)|kv key (?:put|delete)|kv:bulk (?:put|delete)|r2 object (?:put|delete)|d1 (?:execute|migrations))/.test(two + (w[2] ? ' ' + w[2] : '')))) return;
  if (w[0] === 'd1' && w[1] === 'execute' && !c.args.some((a) => a.value === '--remote')) return;
  const env = known(optValue(c.args, ['--env', '-e']));
  const refs: TargetRef[] = env ? [{ tool: 'wrangler', kind: 'label', value: env, via: `--env ${env}` }] : [{ tool: 'wrangler', kind: 'label', value: 'production', via: 'no --env: the production Worker' }];
  return change('change.paas.deploy', 'paas', `wrangler ${two.trim()} changes a deployed Worker`, refs);
};

const firebase: Rule = (c) => {
  const w = paasWords(c);
  if (!/^(?:deploy|hosting:channel:deploy|functions:config:set|database:update|database:push|firestore:indexes|remoteconfig:rollback|apphosting:rollouts:create)$/.test(w[0] ?? '')) return;
  const project = known(optValue(c.args, ['--project', '-P']));
  return change('change.paas.deploy', 'paas', `firebase ${w[0]} changes the project`, project ? [{ tool: 'firebase', kind: 'gcp-project', value: project, via: '--project' }] : []);
};

/** The platform rules; `changeRules` judges the command a platform runs for you. */
export function paasPack(changeRules: ChangeRules): Record<string, Rule[]> {
  return {
    railway: [railway(changeRules)],
    fly: [fly],
    flyctl: [fly],
    heroku: [heroku(changeRules)],
    git: [gitPush],
    vercel: [vercel],
    supabase: [supabase],
    neonctl: [branchTool('change.paas.database', /^(?:branch(?:es)? (?:reset|restore|set-default|delete|create)|connection-string|databases? (?:create|delete)|roles? (?:create|delete))/, ['--branch'])],
    neon: [branchTool('change.paas.database', /^(?:branch(?:es)? (?:reset|restore|set-default|delete|create)|databases? (?:create|delete)|roles? (?:create|delete))/, ['--branch'])],
    pscale: [branchTool('change.paas.database', /^(?:deploy-request (?:deploy|apply|revert)|branch (?:promote|delete|safe-migrations)|database (?:restore|delete)|shell \S+ \S+)/, ['--branch'])],
    render: [render],
    netlify: [netlify],
    ntl: [netlify],
    wrangler: [wrangler],
    firebase: [firebase],
  };
}
