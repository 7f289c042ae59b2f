/** HTTP and GraphQL pack: DELETE requests and delete/destroy mutations via curl, wget, httpie, xh, gh api. */
import type { RuleHit } from '../types';
import { DYN } from '../shell/model';
import { hit, hostOf, isLocalHost, type Rule } from './util';
import { analyseGraphqlBody } from '../lang/graphql';
import { parseCurl, parseGhApi, parseHttpie, parseWget, type Request } from './httpRequest';

/** Management APIs where a delete means infrastructure or data is gone. */
const MANAGEMENT = /(?:^|\.)(?:backboard\.railway\.app|railway\.app|railway\.com|api\.github\.com|api\.vercel\.com|api\.fly\.io|machines\.dev|api\.machines\.dev|api\.heroku\.com|api\.cloudflare\.com|supabase\.co|api\.supabase\.com|api\.netlify\.com|api\.render\.com|console\.neon\.tech|api\.planetscale\.com|api\.digitalocean\.com|management\.azure\.com|googleapis\.com|amazonaws\.com|api\.linode\.com|api\.hetzner\.cloud|api\.vultr\.com|gitlab\.com|api\.bitbucket\.org|api\.stripe\.com|api\.mongodb\.com|cloud\.mongodb\.com|api\.upstash\.com|api\.turso\.tech|api\.fastly\.com|api\.pulumi\.com|app\.terraform\.io|api\.openai\.com|api\.anthropic\.com)$/;

const DESTRUCTIVE_FIELD = /^(?:\w*(?:delete|destroy|drop|purge|remove|wipe|truncate|erase|reset|terminate|archive|uninstall|disconnect|revoke|detach)\w*)$/i;

/** Keyword reading of text graphql-js cannot parse: a second opinion, never the only one. */
function graphqlDeletesByPattern(body: string): string[] {
  let text = body.replace(/\\"/g, '"').replace(/\\n/g, '\n');
  if (!/\bmutation\b/.test(text)) return [];
  text = text.slice(text.search(/\bmutation\b/));
  const out: string[] = [];
  const re = /([A-Za-z_]\w*)\s*(?=[({])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const f = m[1];
    if (f !== 'mutation' && DESTRUCTIVE_FIELD.test(f) && !/^(?:is|can|should|will|has)[A-Z]/.test(f)) out.push(f);
  }
  return [...new Set(out)];
}

/** GraphQL mutation fields that delete or destroy, e.g. `volumeDelete`, `deleteProject`, `dropTable` (graphql-js). */
export function graphqlDeletes(body: string): string[] {
  const g = analyseGraphqlBody(body);
  if (!g) return [];
  const fields = g.findings.map((f) => (f.why === f.field || words(f.field).includes(f.why) ? f.field : `${f.field} (${f.why})`));
  if (g.unknown && g.mutation && !fields.length) return graphqlDeletesByPattern(body);
  return [...new Set(fields)];
}

function words(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_]+/).map((w) => w.toLowerCase());
}

function judge(r: Request, tool: string): RuleHit[] {
  const hits: RuleHit[] = [];
  const url = r.url && !r.url.includes(DYN) ? r.url : r.url ? r.url.split(DYN).join('…') : undefined;
  const host = url ? hostOf(url) : undefined;
  const local = isLocalHost(host);
  const mgmt = host ? MANAGEMENT.test(host) : false;
  const targets = host ? [host] : [];
  if (url && r.url?.includes(DYN) && !host) targets.push(url);
  const method = r.override ?? r.method;
  if (r.override && r.method !== r.override) {
    r.method = r.override;
  }
  if (r.methodDynamic && !local) {
    hits.push(hit('http.method-unknown', 'http-api', mgmt ? 'critical' : 'high', `${tool} sends a request to ${url ?? 'a URL'} with an HTTP method only known at run time`, url ? [...targets, url] : targets));
  }
  if (method === 'DELETE') {
    hits.push(hit('http.delete', 'http-api', local ? 'low' : mgmt ? 'critical' : 'high', `${tool} sends an HTTP DELETE${r.override ? ' (as a method override)' : ''} to ${url ?? 'a URL'}${mgmt ? ', a management API' : ''}`, url ? [...targets, url] : targets));
  }
  for (const b of r.bodies) {
    const g = analyseGraphqlBody(b.split(DYN).join('x'));
    if (g?.unknown && (mgmt || g.mutation) && !local && !graphqlDeletes(b.split(DYN).join('x')).length) {
      hits.push(hit('http.graphql.unknown', 'http-api', mgmt ? 'high' : 'low', `${tool} sends GraphQL to ${host ?? 'an API'} that TwoKey cannot read: ${g.unknown}`, targets));
      break;
    }
  }
  for (const b of r.bodies) {
    const fields = graphqlDeletes(b.split(DYN).join('x'));
    if (fields.length) {
      hits.push(hit('http.graphql.delete-mutation', 'http-api', local ? 'low' : mgmt ? 'critical' : 'high', `${tool} posts a GraphQL mutation that calls ${fields.join(', ')} on ${host ?? 'an API'}`, [...targets, ...fields]));
      break;
    }
  }
  if (r.unknownBody && r.method && r.method !== 'GET' && mgmt && hits.length === 0) {
    hits.push(hit('http.management-write', 'http-api', 'high', `${tool} sends a ${r.method} with a body that cannot be read to the management API ${host}`, targets));
  }
  if (r.bearer && !local) {
    hits.push(hit('cred.bearer-token', 'credentials', 'low', `${tool} uses a credential on the command line${host ? ` for ${host}` : ''}`, targets));
  }
  return hits;
}

const curl: Rule = (c, ctx) => judge(parseCurl(c, ctx), 'curl');
const wget: Rule = (c, ctx) => judge(parseWget(c, ctx), 'wget');
const httpie: Rule = (c) => judge(parseHttpie(c), c.name);
const ghApi: Rule = (c, ctx) => {
  const r = parseGhApi(c, ctx);
  if (!r) return;
  return judge(r, 'gh api').filter((h) => h.id !== 'cred.bearer-token');
};

export const httpRules: Record<string, Rule[]> = {
  curl: [curl],
  wget: [wget],
  wget2: [wget],
  http: [httpie],
  https: [httpie],
  xh: [httpie],
  xhs: [httpie],
  curlie: [curl],
  gh: [ghApi],
};
