/**
 * GraphQL bodies read with graphql-js: every field a mutation selects at its top level
 * (through aliases, fragments and inline fragments) is classified by its verb, with the
 * arguments resolved from literals and `variables`. Persisted queries (a hash instead of
 * the text) cannot be read: the caller asks for management APIs.
 */
import { loadVendor } from './vendor';
import { noteOneTimeLoad } from './grammars';

interface GqlNode {
  kind: string;
  [k: string]: unknown;
}

interface GraphqlLanguage {
  parse(source: string, options?: { noLocation?: boolean }): { definitions: GqlNode[] };
}

let gql: GraphqlLanguage | null | undefined;

function graphql(): GraphqlLanguage | undefined {
  if (gql === undefined) {
    noteOneTimeLoad();
    try {
      gql = loadVendor<GraphqlLanguage>('vendor-graphql.js', 'graphql/language');
    } catch {
      gql = null;
    }
  }
  return gql ?? undefined;
}

export interface GraphqlFinding {
  /** The mutation field (its real name, not the alias). */
  field: string;
  /** Why it is destructive: `delete`, `scales to zero`, `disables backups`. */
  why: string;
}

export interface GraphqlBody {
  findings: GraphqlFinding[];
  /** A persisted query, or a text no parser reads: what it does is unknown. */
  unknown?: string;
  /** Some operation in the body is a mutation. */
  mutation: boolean;
}

const VERBS = new Set(['delete', 'destroy', 'drop', 'purge', 'remove', 'reset', 'truncate', 'wipe', 'revoke', 'detach', 'erase', 'terminate', 'uninstall', 'disconnect', 'unlink', 'archive', 'rollback', 'restore', 'deprovision', 'decommission', 'clear', 'empty', 'nuke']);

/** Words of a field name: `volumeDelete` → volume, delete; `delete_project` → delete, project. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_]+/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

/** The verb that makes a field destructive, if any (`isDeleted` and `canDelete` are not). */
export function destructiveVerb(field: string): string | undefined {
  const w = words(field);
  if (/^(?:is|can|should|will|has|was)$/.test(w[0] ?? '')) return undefined;
  return w.find((x) => VERBS.has(x) || VERBS.has(x.replace(/(?:s|d|ed)$/, '')) || VERBS.has(x.replace(/e?s$/, '')));
}

type Json = unknown;

function valueOf(v: GqlNode | undefined, vars: Record<string, Json>): Json {
  if (!v) return undefined;
  switch (v.kind) {
    case 'Variable':
      return vars[(v.name as { value: string }).value];
    case 'IntValue':
    case 'FloatValue':
      return Number(v.value);
    case 'StringValue':
    case 'EnumValue':
      return v.value;
    case 'BooleanValue':
      return v.value;
    case 'NullValue':
      return null;
    case 'ListValue':
      return (v.values as GqlNode[]).map((x) => valueOf(x, vars));
    case 'ObjectValue':
      return Object.fromEntries((v.fields as GqlNode[]).map((f) => [(f.name as { value: string }).value, valueOf(f.value as GqlNode, vars)]));
    default:
      return undefined;
  }
}

/** Updates that do as much harm as a delete: scaling to zero, switching backups off. */
function harmfulUpdate(args: Json): string | undefined {
  const seen: string[] = [];
  const walk = (x: Json, depth: number): void => {
    if (depth > 6 || !x || typeof x !== 'object') return;
    for (const [k, v] of Object.entries(x as Record<string, Json>)) {
      if (/(?:replica|instance|count|scale|size|desired|min|max)/i.test(k) && (v === 0 || v === '0')) seen.push('scales to zero');
      else if (/backup|pitr|snapshot|pointintime|point_in_time|retention/i.test(k) && (v === false || v === 0 || v === '0' || (typeof v === 'string' && /^(?:disabled?|off|none|false)$/i.test(v)))) seen.push('disables backups');
      else if (/deletionprotection|deletion_protection|protect/i.test(k) && v === false) seen.push('turns deletion protection off');
      else walk(v, depth + 1);
    }
  };
  walk(args, 0);
  return seen[0];
}

function analyseDocument(text: string, vars: Record<string, Json>, operationName: string | undefined, out: GraphqlBody): void {
  const lang = graphql();
  if (!lang) {
    out.unknown = 'the GraphQL parser cannot be loaded';
    return;
  }
  let doc: { definitions: GqlNode[] };
  try {
    doc = lang.parse(text, { noLocation: true });
  } catch (e) {
    out.unknown = `the GraphQL text does not parse (${(e as Error).message.split('\n')[0]})`;
    if (/\bmutation\b/.test(text)) out.mutation = true;
    return;
  }
  const fragments = new Map<string, GqlNode>();
  for (const d of doc.definitions) if (d.kind === 'FragmentDefinition') fragments.set((d.name as { value: string }).value, d);
  const ops = doc.definitions.filter((d) => d.kind === 'OperationDefinition');
  const chosen = operationName ? ops.filter((o) => (o.name as { value: string } | undefined)?.value === operationName) : ops;
  for (const op of chosen.length ? chosen : ops) {
    if (op.operation !== 'mutation') continue;
    out.mutation = true;
    const visit = (sel: GqlNode | undefined, seen: Set<string>) => {
      for (const s of ((sel?.selections as GqlNode[]) ?? [])) {
        if (s.kind === 'Field') {
          const name = (s.name as { value: string }).value;
          const args = Object.fromEntries(((s.arguments as GqlNode[]) ?? []).map((a) => [(a.name as { value: string }).value, valueOf(a.value as GqlNode, vars)]));
          const verb = destructiveVerb(name);
          if (verb) out.findings.push({ field: name, why: verb });
          else {
            const harm = harmfulUpdate(args);
            if (harm) out.findings.push({ field: name, why: harm });
          }
        } else if (s.kind === 'FragmentSpread') {
          const n = (s.name as { value: string }).value;
          if (!seen.has(n)) visit(fragments.get(n)?.selectionSet as GqlNode | undefined, new Set([...seen, n]));
        } else if (s.kind === 'InlineFragment') visit(s.selectionSet as GqlNode, seen);
      }
    };
    visit(op.selectionSet as GqlNode, new Set());
  }
}

function fromJsonItem(item: Json, out: GraphqlBody): boolean {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return false;
  const o = item as Record<string, Json>;
  let vars: Record<string, Json> = {};
  if (o.variables && typeof o.variables === 'object') vars = o.variables as Record<string, Json>;
  else if (typeof o.variables === 'string') {
    try {
      vars = JSON.parse(o.variables) as Record<string, Json>;
    } catch {
      /* not JSON: no variables */
    }
  }
  const opName = typeof o.operationName === 'string' ? o.operationName : undefined;
  if (typeof o.query === 'string') {
    analyseDocument(o.query, vars, opName, out);
    return true;
  }
  // GraphQL multipart requests: {"operations": "{\"query\": …}"}
  if (typeof o.operations === 'string') return fromText(o.operations, out);
  const ext = o.extensions as { persistedQuery?: { sha256Hash?: string } } | undefined;
  const hash = ext?.persistedQuery?.sha256Hash ?? (typeof o.documentId === 'string' ? o.documentId : undefined) ?? (typeof o.doc_id === 'string' ? o.doc_id : undefined) ?? (typeof o.queryId === 'string' ? o.queryId : undefined);
  if (hash) {
    out.unknown = `it sends a persisted query (${String(hash).slice(0, 16)}…) whose text TwoKey cannot see${opName ? ` (operation ${opName})` : ''}`;
    if (opName && destructiveVerb(opName)) out.findings.push({ field: opName, why: destructiveVerb(opName)! });
    return true;
  }
  return false;
}

function fromText(text: string, out: GraphqlBody): boolean {
  const t = text.trim();
  if (/^[[{]/.test(t)) {
    try {
      const parsed = JSON.parse(t) as Json;
      const items = Array.isArray(parsed) ? parsed : [parsed];
      let any = false;
      for (const it of items) any = fromJsonItem(it, out) || any;
      return any;
    } catch {
      /* not JSON: maybe a GraphQL document starting with `{` */
    }
  }
  // Form or query-string bodies: query=mutation…&variables=…
  if (/^(?:query|operations)=/.test(t)) {
    const params = new URLSearchParams(t);
    const q = params.get('query');
    if (q !== null) {
      let vars: Record<string, Json> = {};
      try {
        vars = JSON.parse(params.get('variables') ?? '{}') as Record<string, Json>;
      } catch {
        /* none */
      }
      analyseDocument(q, vars, params.get('operationName') ?? undefined, out);
      return true;
    }
    const ops = params.get('operations');
    if (ops) return fromText(ops, out);
  }
  if (/^(?:mutation|query|subscription|fragment)\b|^\{/.test(t)) {
    analyseDocument(t, {}, undefined, out);
    return true;
  }
  return false;
}

/** Reads an HTTP body (JSON, batch, form, raw GraphQL); undefined when it is not GraphQL at all. */
export function analyseGraphqlBody(body: string): GraphqlBody | undefined {
  const out: GraphqlBody = { findings: [], mutation: false };
  if (!fromText(body, out)) return undefined;
  return out;
}
