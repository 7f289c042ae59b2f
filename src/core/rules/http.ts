/** HTTP and GraphQL pack: DELETE requests and delete/destroy mutations via curl, wget, httpie, xh, gh api. */
import type { RuleHit } from '../types';
import { DYN, type SimpleCommand } from '../shell/model';
import { hit, hostOf, isLocalHost, type Rule, type RuleContext } from './util';

/** Management APIs where a delete means infrastructure or data is gone. */
const MANAGEMENT = /(?:^|\.)(?:backboard\.railway\.app|railway\.app|railway\.com|api\.github\.com|api\.vercel\.com|api\.fly\.io|machines\.dev|api\.machines\.dev|api\.heroku\.com|api\.cloudflare\.com|supabase\.co|api\.supabase\.com|api\.netlify\.com|api\.render\.com|console\.neon\.tech|api\.planetscale\.com|api\.digitalocean\.com|management\.azure\.com|googleapis\.com|amazonaws\.com|api\.linode\.com|api\.hetzner\.cloud|api\.vultr\.com|gitlab\.com|api\.bitbucket\.org|api\.stripe\.com|api\.mongodb\.com|cloud\.mongodb\.com|api\.upstash\.com|api\.turso\.tech|api\.fastly\.com|api\.pulumi\.com|app\.terraform\.io|api\.openai\.com|api\.anthropic\.com)$/;

const DESTRUCTIVE_FIELD = /^(?:\w*(?:delete|destroy|drop|purge|remove|wipe|truncate|erase|reset|terminate|archive|uninstall|disconnect|revoke|detach)\w*)$/i;

/** GraphQL mutation fields that delete or destroy, e.g. `volumeDelete`, `deleteProject`, `dropTable`. */
export function graphqlDeletes(body: string): string[] {
  let text = body;
  // Bodies are usually JSON: {"query":"mutation { … }"}
  if (/^\s*[[{]/.test(text)) {
    try {
      const parsed = JSON.parse(text) as unknown;
      const items = Array.isArray(parsed) ? parsed : [parsed];
      text = items.map((p) => (p && typeof p === 'object' && typeof (p as { query?: unknown }).query === 'string' ? (p as { query: string }).query : JSON.stringify(p))).join('\n');
    } catch {
      text = text.replace(/\\"/g, '"').replace(/\\n/g, '\n');
    }
  }
  if (!/\bmutation\b/.test(text)) return [];
  const out: string[] = [];
  // Field names followed by ( or { inside the mutation body.
  const mIdx = text.search(/\bmutation\b/);
  const sel = text.slice(mIdx);
  const re = /([A-Za-z_]\w*)\s*(?=[({])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sel))) {
    const f = m[1];
    if (f === 'mutation') continue;
    if (DESTRUCTIVE_FIELD.test(f) && !/^(?:is|can|should|will|has)[A-Z]/.test(f)) out.push(f);
  }
  return [...new Set(out)];
}

interface Request {
  method?: string;
  url?: string;
  bodies: string[];
  bearer: boolean;
  unknownBody: boolean;
}

function parseCurl(c: SimpleCommand, ctx: RuleContext): Request {
  const r: Request = { bodies: [], bearer: false, unknownBody: false };
  const a = c.args;
  const readBody = (v: string) => {
    if (v.startsWith('@')) {
      const file = v.slice(1);
      if (file === '-') {
        if (c.stdin?.kind === 'literal' && c.stdin.text) r.bodies.push(c.stdin.text);
        else r.unknownBody = true;
      } else {
        const t = file.includes(DYN) ? undefined : ctx.readFile?.(file);
        if (t !== undefined) r.bodies.push(t);
        else r.unknownBody = true;
      }
    } else r.bodies.push(v);
  };
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    const next = a[i + 1]?.value;
    if (v === '-X' || v === '--request') {
      r.method = next?.toUpperCase();
      i++;
    } else if (/^-X[A-Za-z]+$/.test(v)) r.method = v.slice(2).toUpperCase();
    else if (v.startsWith('--request=')) r.method = v.slice(10).toUpperCase();
    else if (/^(?:-d|--data|--data-ascii|--data-binary|--data-urlencode|--json)$/.test(v) && next !== undefined) {
      readBody(next);
      i++;
    } else if (v === '--data-raw' && next !== undefined) {
      r.bodies.push(next);
      i++;
    } else if (/^--(?:data|data-raw|data-binary|json)=/.test(v)) readBody(v.slice(v.indexOf('=') + 1));
    else if (/^-d.+/.test(v)) readBody(v.slice(2));
    else if ((v === '-H' || v === '--header') && next !== undefined) {
      if (/^authorization:\s*(?:bearer|token|basic)\s+\S/i.test(next) || /^(?:x-api-key|api-key|private-token|x-auth-token):/i.test(next)) r.bearer = true;
      i++;
    } else if (v === '-u' || v === '--user' || v === '--oauth2-bearer') {
      r.bearer = true;
      i++;
    } else if (v === '--url' && next) {
      r.url = next;
      i++;
    } else if (/^-[a-zA-Z]$/.test(v) && /^-[oOwAeEbcKTFrmYyz]$/.test(v)) i++;
    else if (/^--(?:output|write-out|user-agent|referer|cookie|cookie-jar|config|max-time|connect-timeout|retry|cacert|cert|key|proxy|resolve|form|upload-file)$/.test(v)) i++;
    else if (!v.startsWith('-') && !r.url) r.url = v;
  }
  if (!r.method && (r.bodies.length || r.unknownBody)) r.method = 'POST';
  return r;
}

function parseWget(c: SimpleCommand, ctx: RuleContext): Request {
  const r: Request = { bodies: [], bearer: false, unknownBody: false };
  for (const w of c.args) {
    const v = w.value;
    if (v.startsWith('--method=')) r.method = v.slice(9).toUpperCase();
    else if (v.startsWith('--body-data=') || v.startsWith('--post-data=')) r.bodies.push(v.slice(v.indexOf('=') + 1));
    else if (v.startsWith('--body-file=') || v.startsWith('--post-file=')) {
      const t = ctx.readFile?.(v.slice(v.indexOf('=') + 1));
      if (t !== undefined) r.bodies.push(t);
      else r.unknownBody = true;
    } else if (/^--header=authorization:/i.test(v)) r.bearer = true;
    else if (!v.startsWith('-') && !r.url) r.url = v;
  }
  if (!r.method && r.bodies.length) r.method = 'POST';
  return r;
}

const METHODS = /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/i;

/** httpie / xh: `http DELETE url`, `http POST url query='mutation…'`, `xh delete url`. */
function parseHttpie(c: SimpleCommand): Request {
  const r: Request = { bodies: [], bearer: false, unknownBody: false };
  const pos = c.args.filter((w) => !w.value.startsWith('-'));
  let i = 0;
  if (pos[0] && METHODS.test(pos[0].value)) {
    r.method = pos[0].value.toUpperCase();
    i = 1;
  }
  r.url = pos[i]?.value;
  const fields: Record<string, string> = {};
  for (const w of pos.slice(i + 1)) {
    const m = /^([^=:]+)(:=|==|=|:)(.*)$/s.exec(w.value);
    if (!m) continue;
    if (m[2] === ':' && /^authorization$/i.test(m[1])) r.bearer = true;
    else if (m[2] === '=' || m[2] === ':=') fields[m[1]] = m[3];
  }
  if (Object.keys(fields).length) r.bodies.push(JSON.stringify(fields));
  if (c.stdin?.kind === 'literal' && c.stdin.text) r.bodies.push(c.stdin.text);
  if (c.args.some((w) => w.value === '-A' || w.value === '--auth' || w.value.startsWith('--auth='))) r.bearer = true;
  if (!r.method) r.method = r.bodies.length ? 'POST' : 'GET';
  return r;
}

/** gh api: `gh api -X DELETE repos/o/r`, `gh api graphql -f query='mutation …'`. */
function parseGhApi(c: SimpleCommand, ctx: RuleContext): Request | undefined {
  if (c.args[0]?.value !== 'api') return undefined;
  const r: Request = { bodies: [], bearer: true, unknownBody: false };
  const a = c.args.slice(1);
  for (let i = 0; i < a.length; i++) {
    const v = a[i].value;
    const next = a[i + 1]?.value;
    if (v === '-X' || v === '--method') {
      r.method = next?.toUpperCase();
      i++;
    } else if (v.startsWith('--method=')) r.method = v.slice(9).toUpperCase();
    else if ((v === '-f' || v === '-F' || v === '--field' || v === '--raw-field') && next !== undefined) {
      const eq = next.indexOf('=');
      const val = eq >= 0 ? next.slice(eq + 1) : '';
      if (val.startsWith('@')) {
        const t = ctx.readFile?.(val.slice(1));
        if (t !== undefined) r.bodies.push(t);
        else r.unknownBody = true;
      } else r.bodies.push(val);
      i++;
    } else if (v === '--input' && next) {
      const t = next === '-' ? (c.stdin?.kind === 'literal' ? c.stdin.text : undefined) : ctx.readFile?.(next);
      if (t !== undefined) r.bodies.push(t);
      else r.unknownBody = true;
      i++;
    } else if (v === '-H' || v === '--header' || v === '--hostname' || v === '-q' || v === '--jq' || v === '-t' || v === '--template' || v === '--cache' || v === '-p' || v === '--preview') i++;
    else if (!v.startsWith('-') && !r.url) r.url = v === 'graphql' ? 'https://api.github.com/graphql' : /^https?:/.test(v) ? v : `https://api.github.com/${v.replace(/^\//, '')}`;
  }
  if (!r.method) r.method = r.bodies.length ? 'POST' : 'GET';
  return r;
}

function judge(c: SimpleCommand, r: Request, tool: string): RuleHit[] {
  const hits: RuleHit[] = [];
  const url = r.url && !r.url.includes(DYN) ? r.url : r.url ? r.url.split(DYN).join('…') : undefined;
  const host = url ? hostOf(url) : undefined;
  const local = isLocalHost(host);
  const mgmt = host ? MANAGEMENT.test(host) : false;
  const targets = host ? [host] : [];
  if (url && r.url?.includes(DYN) && !host) targets.push(url);
  if (r.method === 'DELETE') {
    hits.push(hit('http.delete', 'http-api', local ? 'low' : mgmt ? 'critical' : 'high', `${tool} sends an HTTP DELETE to ${url ?? 'a URL'}${mgmt ? ', a management API' : ''}`, url ? [...targets, url] : targets));
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

const curl: Rule = (c, ctx) => judge(c, parseCurl(c, ctx), 'curl');
const wget: Rule = (c, ctx) => judge(c, parseWget(c, ctx), 'wget');
const httpie: Rule = (c) => judge(c, parseHttpie(c), c.name);
const ghApi: Rule = (c, ctx) => {
  const r = parseGhApi(c, ctx);
  if (!r) return;
  return judge(c, r, 'gh api').filter((h) => h.id !== 'cred.bearer-token');
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
