/**
 * Ruby (`ruby -e`, scripts) read with the tree-sitter Ruby grammar: each call is resolved to
 * `Receiver.method` (constants and `Net::HTTP`-style scopes kept, local variables followed
 * through simple assignments) and judged like the Python and JavaScript models: FileUtils and
 * File deletions and writes, system/exec/spawn/backticks/%x/Open3, Net::HTTP, HTTParty,
 * Faraday and RestClient deletes, AWS SDK deletes, ActiveRecord and Redis drops. `send`,
 * `public_send`, `method(…)` and `const_get` with a built name, and `eval` of built code, ask.
 */
import { withTree, type SyntaxNode } from './grammars';
import { Collector, SDK_DESTRUCTIVE, UNKNOWN, cloudDelete, concat, literal, str, type Effects, type Value } from './effects';

const SENSITIVE = /^(?:FileUtils|File|Dir|IO|Kernel|Open3|Process|Pathname|Net::HTTP|HTTParty|Faraday|RestClient|Aws::|Google::|Azure::|Kubeclient|ActiveRecord|Redis|PG|Mysql2|SQLite3|Mongo)/;

interface Scope {
  vars: Map<string, Value>;
}

function rbString(n: SyntaxNode, s: Scope): Value {
  const parts: (string | null)[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') parts.push(c.text);
    else if (c.type === 'escape_sequence') parts.push(c.text === '\\n' ? '\n' : c.text.slice(1));
    else if (c.type === 'interpolation') {
      const inner = c.namedChild(0);
      const v = inner ? evalRb(inner, s) : UNKNOWN;
      parts.push(...(v.kind === 'str' ? v.parts : [null]));
    }
  }
  return { kind: 'str', parts };
}

function evalRb(n: SyntaxNode, s: Scope): Value {
  switch (n.type) {
    case 'string':
    case 'subshell':
      return rbString(n, s);
    case 'simple_symbol':
      return str(n.text.slice(1));
    case 'integer':
      return { kind: 'num', value: Number(n.text) };
    case 'true':
    case 'false':
      return { kind: 'bool', value: n.type === 'true' };
    case 'parenthesized_statements':
      return n.namedChild(0) ? evalRb(n.namedChild(0)!, s) : UNKNOWN;
    case 'constant':
    case 'scope_resolution':
      return { kind: 'ref', path: n.text };
    case 'identifier':
      return s.vars.get(n.text) ?? { kind: 'ref', path: n.text };
    case 'binary': {
      const op = n.childForFieldName('operator')?.text;
      if (op === '+') return concat(evalRb(n.childForFieldName('left')!, s), evalRb(n.childForFieldName('right')!, s));
      return UNKNOWN;
    }
    case 'array':
      return { kind: 'list', items: n.namedChildren.map((c) => (c ? evalRb(c, s) : UNKNOWN)) };
    case 'hash': {
      const entries: [string, Value][] = [];
      for (const p of n.namedChildren) {
        if (p?.type !== 'pair') continue;
        const k = p.childForFieldName('key');
        const key = k ? (k.type === 'hash_key_symbol' ? k.text : literal(evalRb(k, s))) : undefined;
        if (key !== undefined) entries.push([key.replace(/^:/, ''), evalRb(p.childForFieldName('value')!, s)]);
      }
      return { kind: 'dict', entries };
    }
    case 'call': {
      const recv = n.childForFieldName('receiver');
      const method = n.childForFieldName('method')?.text ?? '';
      const r = recv ? evalRb(recv, s) : undefined;
      const args = rbArgs(n, s);
      if ((!recv && method === 'URI') || (r?.kind === 'ref' && r.path === 'URI' && method === 'parse')) return args[0] ?? UNKNOWN;
      if (r?.kind === 'ref') {
        if (method === 'new' || method === 'client') return { kind: 'ref', path: `${r.path}.new(${literal(args[0]) ?? ''})`, arg: args[0], args };
        return { kind: 'ref', path: `${r.path}.${method}(${literal(args[0]) ?? ''})`, arg: args[0], args };
      }
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function rbArgs(call: SyntaxNode, s: Scope): Value[] {
  const list = call.childForFieldName('arguments');
  return (list?.namedChildren ?? []).filter((c): c is SyntaxNode => !!c).map((c) => (c.type === 'splat_argument' || c.type === 'block_argument' ? UNKNOWN : c.type === 'pair' ? evalRb(list!, s) : evalRb(c, s)));
}

function judge(n: SyntaxNode, s: Scope, out: Collector, depth: number): void {
  if (n.type === 'subshell') return out.exec(rbString(n, s), 'backticks');
  const recvNode = n.childForFieldName('receiver');
  const method = n.childForFieldName('method')?.text ?? '';
  const recv = recvNode ? evalRb(recvNode, s) : undefined;
  const rp = recv?.kind === 'ref' ? recv.path : recv ? '?' : '';
  const args = rbArgs(n, s);
  const p = rp ? `${rp}.${method}` : method;

  // ---- dynamic dispatch
  if ((method === 'send' || method === '__send__' || method === 'public_send' || method === 'method') && literal(args[0]) === undefined) {
    if (!rp || SENSITIVE.test(rp)) out.ask(`the inline code calls a method whose name is built at run time (${method})`);
    return;
  }
  if ((method === 'send' || method === 'public_send' || method === '__send__') && recv?.kind === 'ref') {
    // FileUtils.send(:rm_rf, "x") is FileUtils.rm_rf("x")
    const name = literal(args[0])!;
    return judgeResolved(`${rp}.${name}`, name, rp, args.slice(1), out);
  }
  if (method === 'const_get' && literal(args[0]) === undefined) return out.ask('the inline code looks up a class whose name is built at run time');
  if (/^(?:eval|instance_eval|class_eval|module_eval|binding\.eval)$/.test(method)) {
    const code = literal(args[0]);
    if (code === undefined) out.ask(`the inline code runs Ruby built at run time (${method})`);
    else if (depth < 4) {
      const inner = analyseRuby(code, depth + 1);
      for (const l of inner.lines) out.line(l);
      if (inner.unanalysable) out.ask(inner.unanalysable);
    }
    return;
  }
  judgeResolved(p, method, rp, args, out);
}

function judgeResolved(p: string, method: string, rp: string, args: Value[], out: Collector): void {
  if (/^FileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry|remove_entry_secure|rmtree|remove_tree)$/.test(p) || (/^Pathname\.new\(/.test(rp) && method === 'rmtree')) {
    const target = /^Pathname/.test(rp) ? (args[0] ?? str(/\(([^)]*)\)/.exec(rp)?.[1] ?? '')) : args[0];
    const list = target?.kind === 'list' ? target.items : [target];
    for (const t of list) out.remove(/^Pathname/.test(rp) && method === 'rmtree' ? str(/\(([^)]*)\)/.exec(rp)?.[1] ?? '') : t, true);
    return;
  }
  if (/^(?:FileUtils\.(?:rm|rm_f|remove)|File\.(?:delete|unlink))$/.test(p)) {
    for (const t of args) out.remove(t, false);
    return;
  }
  if (/^(?:File|IO)\.(?:write|binwrite)$/.test(p)) return out.write(args[0]);
  if (/^File\.open$|^File\.new$/.test(p)) {
    const mode = literal(args[1]) ?? 'r';
    if (/[wa+]/.test(mode)) out.write(args[0], mode.startsWith('a'));
    return;
  }
  if (!rp && /^(?:system|exec|spawn)$/.test(method) || /^(?:Kernel|Process)\.(?:system|exec|spawn)$/.test(p)) {
    const a = args[0]?.kind === 'dict' ? args.slice(1) : args;
    if (a.length > 1) return out.exec({ kind: 'list', items: a.filter((x) => x.kind !== 'dict') }, method);
    return out.exec(a[0], method);
  }
  if (/^Open3\.\w+$|^IO\.popen$|^PTY\.spawn$/.test(p)) {
    const a = args[0]?.kind === 'dict' ? args.slice(1) : args;
    if (a[0]?.kind === 'list') return out.exec(a[0], p);
    if (a.length > 1) return out.exec({ kind: 'list', items: a.filter((x) => x.kind !== 'dict') }, p);
    return out.exec(a[0], p);
  }
  // ---- HTTP
  if (/^Net::HTTP::(\w+)\.new$/.test(p)) {
    const m = /^Net::HTTP::(\w+)/.exec(p)![1].toUpperCase();
    return out.http(m, args[0]);
  }
  if (/^(?:HTTParty|Faraday|RestClient|HTTP|Excon|Typhoeus)\.(?:delete|post|put|patch)$/.test(p) || (/^Net::HTTP/.test(rp) && /^(?:delete|post|put|patch)$/.test(method))) {
    return out.http(method, args[0], method === 'delete' ? undefined : args[1]);
  }
  // ---- cloud SDKs
  if (/^Aws::(\w+)::(?:Client|Resource)\.new/.test(rp) && SDK_DESTRUCTIVE.test(method)) {
    const svc = /^Aws::(\w+)/.exec(rp)![1];
    const target = args[0]?.kind === 'dict' ? args[0].entries.find(([, v]) => v.kind === 'str')?.[1] : args[0];
    return cloudDelete(out, 'aws', svc.toLowerCase(), method, target);
  }
  if (/^Google::Cloud/.test(rp) && SDK_DESTRUCTIVE.test(method)) return cloudDelete(out, 'gcloud', 'resources', method, args[0]);
  if (/^Kubeclient/.test(rp) && /^delete_/.test(method)) return cloudDelete(out, 'kubectl', 'k8s', method.replace(/_/g, '-'), args[0]);
  // ---- databases
  if (/^(?:execute|exec|exec_query|query|exec_params|async_exec)$/.test(method) && args.length) return out.sql(args[0], /Mysql2/.test(rp) ? 'mysql' : /SQLite3/.test(rp) ? 'sqlite3' : 'psql');
  if ((method === 'delete_all' || method === 'destroy_all') && /^[A-Z]\w*(?:\.all)?$/.test(rp.replace(/\.all\(\)$/, ''))) {
    return out.line(`psql -c 'DELETE FROM "${rp.replace(/\.all\(\)$/, '')}"'`);
  }
  if (/^(?:flushall|flushdb)$/.test(method)) return out.line(`redis-cli ${method.toUpperCase()}`);
  if (method === 'drop' && /Mongo|collection|database/i.test(rp)) return out.line(`mongosh --eval 'db.c.drop()'`);
}

function bind(root: SyntaxNode, s: Scope): void {
  for (const n of root.descendantsOfType('assignment')) {
    const left = n?.childForFieldName('left');
    const right = n?.childForFieldName('right');
    if (left?.type === 'identifier' && right) s.vars.set(left.text, evalRb(right, s));
  }
}

export function analyseRuby(code: string, depth = 0): Effects {
  const out = new Collector();
  const r = withTree('ruby', code, (root) => {
    const s: Scope = { vars: new Map() };
    bind(root, s);
    for (const n of root.descendantsOfType(['call', 'subshell'])) if (n) judge(n, s, out, depth);
    // `system "rm -rf x"` without parentheses is a call too; %x(…) is a subshell.
    for (const n of root.descendantsOfType('identifier')) {
      if (n && n.parent?.type !== 'call' && /^(?:system|exec)$/.test(n.text) && n.nextNamedSibling?.type === 'argument_list') {
        out.exec(evalRb(n.nextNamedSibling.namedChild(0)!, s), n.text);
      }
    }
  });
  if (r.error) out.ask(`the Ruby code cannot be parsed: ${r.error}`);
  return out;
}
