/** PaaS pack: railway, fly, heroku, vercel, netlify, render, neon, planetscale, firebase, wrangler … */
import type { Risk } from '../types';
import { hit, optValue, positionals, type Rule } from './util';

const WITH_VALUE = new Set(['-e', '--environment', '--env', '-s', '--service', '-a', '--app', '-p', '--project', '--project-id', '--scope', '--token', '-t', '--org', '-o', '--region', '-r', '--config', '-c', '--team', '--branch', '--site', '--database', '-d', '--remote', '--context', '--json', '--output']);

function words(c: Parameters<Rule>[0]): string[] {
  return positionals(c.args, WITH_VALUE).map((p) => p.value);
}

function scope(c: Parameters<Rule>[0], names: string[]): string[] {
  const t: string[] = [];
  for (const n of names) {
    const v = optValue(c.args, [n]);
    if (v) t.push(`${n.replace(/^--?/, '')}:${v}`);
  }
  return t;
}

const DEL = /^(?:delete|del|remove|rm|destroy|unset|purge|reset|wipe|down)$/;

const railway: Rule = (c) => {
  const w = words(c);
  const t = scope(c, ['--environment', '-e', '--service', '-s', '--project']);
  const sub = w[0];
  if (sub === 'down') return hit('paas.railway.down', 'paas', 'high', 'railway down removes the latest deployment of the service', t);
  if (sub === 'delete') return hit('paas.railway.project-delete', 'paas', 'critical', 'railway delete deletes the whole project, its services and volumes', t);
  if (sub === 'link' || sub === 'environment' || sub === 'env') {
    if (w[1] && DEL.test(w[1])) return hit('paas.railway.environment-delete', 'paas', 'critical', `railway environment ${w[1]} ${w[2] ?? ''} deletes an environment and everything in it`.replace(/\s+/g, ' ').trim(), [...t, ...(w[2] ? [w[2]] : [])]);
    if (sub === 'environment' && w[1] === 'new') return;
    return hit('cred.context-switch', 'credentials', 'high', `railway ${sub}${w[1] ? ' ' + w[1] : ''} changes which project or environment later railway commands act on`, [...t, ...w.slice(1, 2)]);
  }
  const noun = sub === 'variables' || sub === 'variable' || sub === 'vars' ? 'variables' : sub;
  if (noun && w[1] && DEL.test(w[1])) {
    const risk: Risk = noun === 'variables' || noun === 'domain' ? 'high' : 'critical';
    return hit(`paas.railway.${noun === 'volumes' ? 'volume' : noun}-delete`, 'paas', risk, `railway ${sub} ${w[1]} ${w.slice(2).join(' ')} deletes ${noun === 'volume' || noun === 'volumes' ? 'a volume and all data on it' : `a ${noun.replace(/s$/, '')}`}`.replace(/\s+/g, ' '), [...t, ...w.slice(2)]);
  }
  if (noun === 'variables' && c.args.some((a) => a.value === '--set' || a.value.startsWith('--set='))) return hit('paas.railway.variables-set', 'paas', 'low', 'railway variables --set changes service configuration', t);
  return;
};

const fly: Rule = (c) => {
  const w = words(c);
  const t = scope(c, ['--app', '-a', '--org']);
  const vs = c.args.map((a) => a.value);
  const sub = w[0];
  if (sub === 'destroy' || (sub === 'apps' && (w[1] === 'destroy' || w[1] === 'delete'))) return hit('paas.fly.app-destroy', 'paas', 'critical', `${c.name} ${sub}${sub === 'apps' ? ' ' + w[1] : ''} ${w[sub === 'apps' ? 2 : 1] ?? ''} deletes the app and its machines`.replace(/\s+/g, ' ').trim(), [...t, ...w.slice(sub === 'apps' ? 2 : 1)]);
  if ((sub === 'volumes' || sub === 'volume' || sub === 'vol') && w[1] && /^(?:destroy|delete|rm)$/.test(w[1])) return hit('paas.fly.volume-destroy', 'paas', 'critical', `${c.name} volumes ${w[1]} deletes a volume and all data on it`, [...t, ...w.slice(2)]);
  if ((sub === 'postgres' || sub === 'pg' || sub === 'mpg' || sub === 'redis' || sub === 'mysql' || sub === 'tigris' || sub === 'storage' || sub === 'litefs' || sub === 'machine' || sub === 'machines' || sub === 'm' || sub === 'ips' || sub === 'certs' || sub === 'apps') && w[1] && /^(?:destroy|delete|remove|rm|release)$/.test(w[1])) {
    return hit('paas.fly.destroy', 'paas', /postgres|pg|redis|mysql|tigris|storage/.test(sub) ? 'critical' : 'high', `${c.name} ${sub} ${w[1]} deletes ${w[2] ?? 'a ' + sub}`, [...t, ...w.slice(2)]);
  }
  if (sub === 'secrets' && w[1] === 'unset') return hit('paas.fly.secrets-unset', 'paas', 'high', `${c.name} secrets unset removes ${w.slice(2).join(', ')} from the app and redeploys it`, t);
  if (sub === 'scale' && w[1] === 'count' && (w[2] === '0' || vs.includes('0'))) return hit('paas.fly.destroy', 'paas', 'high', `${c.name} scale count 0 stops every machine of the app`, t);
  return;
};

const heroku: Rule = (c) => {
  const w = words(c);
  const t = scope(c, ['--app', '-a', '--remote', '-r']);
  const sub = w[0] ?? '';
  if (/^(?:apps:destroy|destroy|apps:delete)$/.test(sub)) return hit('paas.heroku.apps-destroy', 'paas', 'critical', `heroku ${sub} deletes the app, its add-ons and data`, t);
  if (/^pg:(?:reset|killall)$/.test(sub)) return hit('paas.heroku.pg-reset', 'paas', sub === 'pg:reset' ? 'critical' : 'high', `heroku ${sub} ${sub === 'pg:reset' ? 'deletes all data in the database' : 'kills every database connection'}`, [...t, ...w.slice(1)]);
  if (/^(?:addons:destroy|addons:remove|pg:backups:delete|redis:(?:reset|flush)|domains:remove|domains:clear|spaces:destroy|pipelines:destroy)$/.test(sub)) return hit('paas.heroku.destroy', 'paas', 'critical', `heroku ${sub} deletes ${w[1] ?? 'a resource'}`, [...t, ...w.slice(1)]);
  if (/^(?:config:unset|config:remove)$/.test(sub)) return hit('paas.heroku.config-unset', 'paas', 'high', `heroku ${sub} removes ${w.slice(1).join(', ')} from the app and restarts it`, t);
  if (sub === 'ps:scale' && w.slice(1).some((x) => /=0$/.test(x))) return hit('paas.heroku.scale-zero', 'paas', 'high', 'heroku ps:scale …=0 stops the app', t);
  if (sub === 'run' && w.length > 1) return;
  return;
};

const vercel: Rule = (c) => {
  const w = words(c);
  const t = scope(c, ['--scope', '--team']);
  const sub = w[0];
  if (sub === 'remove' || sub === 'rm') return hit('paas.vercel.remove', 'paas', 'high', `vercel ${sub} ${w.slice(1).join(' ')} deletes deployments${c.args.some((a) => a.value === '--safe') ? '' : ' (including the ones in production)'}`, [...t, ...w.slice(1)]);
  if (sub === 'env' && w[1] && /^(?:rm|remove)$/.test(w[1])) return hit('paas.vercel.env-rm', 'paas', 'high', `vercel env rm removes ${w[2] ?? 'a variable'}${w[3] ? ' from ' + w[3] : ''}`, [...t, ...w.slice(2)]);
  if ((sub === 'project' || sub === 'projects' || sub === 'domains' || sub === 'domain' || sub === 'dns' || sub === 'certs' || sub === 'alias' || sub === 'teams' || sub === 'blob') && w[1] && /^(?:rm|remove|delete|del)$/.test(w[1])) return hit('paas.vercel.remove', 'paas', sub.startsWith('project') ? 'critical' : 'high', `vercel ${sub} ${w[1]} deletes ${w[2] ?? 'a ' + sub}`, [...t, ...w.slice(2)]);
  if (sub === 'link' || sub === 'switch') return hit('cred.context-switch', 'credentials', 'low', `vercel ${sub} changes which project or team later commands act on`, t);
  if (sub === 'env' && w[1] === 'pull') return hit('cred.env-file-write', 'credentials', 'low', 'vercel env pull writes secrets into a local .env file', t);
  return;
};

const netlify: Rule = (c) => {
  const w = words(c);
  const sub = w[0] ?? '';
  if (/^(?:sites:delete|env:unset|env:clear|blobs:delete|addons:delete)$/.test(sub)) return hit('paas.netlify.delete', 'paas', sub === 'sites:delete' ? 'critical' : 'high', `netlify ${sub} ${w.slice(1).join(' ')}`.trim() + ' deletes it on Netlify', w.slice(1));
  if (sub === 'api' && /^delete/i.test(w[1] ?? '')) return hit('paas.netlify.delete', 'paas', 'critical', `netlify api ${w[1]} deletes a Netlify resource`);
  if (sub === 'link' || sub === 'switch') return hit('cred.context-switch', 'credentials', 'low', `netlify ${sub} changes the linked site`);
  return;
};

/** Generic: `<cli> <noun…> delete|destroy|rm …` for CLIs whose delete verbs all destroy hosted resources. */
function genericPaas(id: string, label: string, critical: RegExp, verbs = /^(?:delete|destroy|remove|rm|del|purge|reset)$/): Rule {
  return (c) => {
    const w = words(c);
    const idx = w.findIndex((x) => verbs.test(x));
    if (idx < 0) return;
    if (c.args.some((a) => a.value === '--help' || a.value === '-h')) return;
    const what = w.slice(0, idx).join(' ');
    return hit(id, 'paas', critical.test(what || w[idx]) ? 'critical' : 'high', `${label} ${what ? what + ' ' : ''}${w[idx]} ${w[idx + 1] ?? ''}`.trim() + ` deletes it on ${label}`, w.slice(idx + 1, idx + 3));
  };
}

const wrangler: Rule = (c) => {
  const w = words(c);
  if (w[0] === 'delete') return hit('paas.cloudflare.delete', 'paas', 'critical', `wrangler delete deletes the Worker ${w[1] ?? ''}`.trim(), w.slice(1, 2));
  const idx = w.findIndex((x) => /^(?:delete|del|remove|rm|purge)$/.test(x));
  if (idx > 0) {
    const what = w.slice(0, idx).join(' ');
    if (/^(?:d1 execute)$/.test(what)) return;
    return hit('paas.cloudflare.delete', 'paas', /^(?:d1|r2 bucket|kv namespace|kv:namespace|vectorize|queues|hyperdrive)$/.test(what) ? 'critical' : 'high', `wrangler ${what} ${w[idx]} deletes ${w[idx + 1] ?? 'a resource'}`, w.slice(idx + 1, idx + 2));
  }
  return;
};

const firebase: Rule = (c) => {
  const w = words(c);
  const sub = w[0] ?? '';
  if (/^(?:projects:delete|firestore:delete|database:remove|database:set|hosting:disable|functions:delete|auth:delete|apps:delete|remoteconfig:rollback|database:instances:delete|storage:delete)$/.test(sub)) {
    const all = c.args.some((a) => a.value === '--all-collections' || a.value === '-r' || a.value === '--recursive');
    return hit('paas.firebase.delete', 'paas', all || /projects|database/.test(sub) ? 'critical' : 'high', `firebase ${sub} ${w.slice(1).join(' ')} deletes data or resources on Firebase`.replace(/\s+/g, ' '), w.slice(1, 3));
  }
  if (sub === 'use' && w[1]) return hit('cred.context-switch', 'credentials', /prod/i.test(w[1]) ? 'high' : 'low', `firebase use ${w[1]} changes which project later commands act on`, [w[1]]);
  return;
};

export const paasRules: Record<string, Rule[]> = {
  railway: [railway],
  fly: [fly],
  flyctl: [fly],
  heroku: [heroku],
  vercel: [vercel],
  netlify: [netlify],
  ntl: [netlify],
  render: [genericPaas('paas.render.delete', 'render', /services|postgres|redis|disks?/)],
  neonctl: [genericPaas('paas.neon.delete', 'neonctl', /projects?|branch(es)?|databases?/)],
  neon: [genericPaas('paas.neon.delete', 'neon', /projects?|branch(es)?|databases?/)],
  pscale: [genericPaas('paas.planetscale.delete', 'pscale', /database|branch/)],
  wrangler: [wrangler],
  firebase: [firebase],
  dokku: [genericPaas('paas.dokku.destroy', 'dokku', /apps|postgres|mysql|redis|mongo/, /^(?:apps:destroy|destroy|\w+:destroy|\w+:unlink|config:unset)$/)],
  'dokku-cli': [genericPaas('paas.dokku.destroy', 'dokku', /./, /^(?:apps:destroy|\w+:destroy)$/)],
  kamal: [genericPaas('paas.kamal.remove', 'kamal', /./, /^(?:remove)$/)],
  convex: [genericPaas('paas.convex.delete', 'convex', /./, /^(?:delete|reset)$/)],
  amplify: [genericPaas('paas.amplify.delete', 'amplify', /./, /^(?:delete)$/)],
  turso: [genericPaas('paas.turso.delete', 'turso', /db|group/, /^(?:destroy|delete)$/)],
  upstash: [genericPaas('paas.upstash.delete', 'upstash', /./, /^(?:delete)$/)],
  appwrite: [genericPaas('paas.appwrite.delete', 'appwrite', /databases|projects|storage/, /^(?:delete\w*)$/)],
  doctl_apps: [],
  'railway-cli': [railway],
  gh_noop: [],
};
