/**
 * Python (`python -c`, scripts) read with the tree-sitter Python grammar. Imports and simple
 * assignments are followed so each call resolves to what it names (`from shutil import
 * rmtree as r; r(p)` is `shutil.rmtree`); the calls that delete, write guard or credential
 * files, run commands, send HTTP requests, delete cloud resources or drop data become the
 * shell commands they amount to (effects.ts). Dynamic dispatch that can reach those modules
 * (`getattr(shutil, name)`, `__import__(x)`, `exec(code)`) makes the code unanalysable: ask.
 */
import { withTree, type SyntaxNode } from './grammars';
import { Collector, SDK_DESTRUCTIVE, UNKNOWN, cloudDelete, concat, literal, str, type Effects, type Value } from './effects';
import { singleQuote } from '../argv';

/** Modules whose reach makes dynamic dispatch unanalysable. */
const SENSITIVE = /^(?:os|shutil|subprocess|pathlib|pty|commands|posix|nt|sh|plumbum|pexpect|requests|httpx|urllib|urllib3|aiohttp|http|boto3|botocore|google|googleapiclient|azure|kubernetes|psycopg2|psycopg|sqlite3|pymysql|MySQLdb|mysql|pymongo|redis|sqlalchemy|ctypes|asyncio|send2trash|builtins|importlib|sys)(?:\.|$)/;

interface Scope {
  vars: Map<string, Value>;
  starModules: string[];
}

function text(n: SyntaxNode | null | undefined): string {
  return n ? n.text : '';
}

function pyString(n: SyntaxNode, s: Scope): Value {
  const parts: (string | null)[] = [];
  const prefix = (n.child(0)?.text ?? '').toLowerCase();
  const raw = prefix.includes('r');
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content') parts.push(raw ? c.text : unescapePy(c.text));
    else if (c.type === 'escape_sequence') parts.push(unescapePy(c.text));
    else if (c.type === 'interpolation') {
      const inner = c.namedChild(0);
      const v = inner ? evalPy(inner, s) : UNKNOWN;
      parts.push(...(v.kind === 'str' ? v.parts : v.kind === 'num' ? [String(v.value)] : [null]));
    }
  }
  return { kind: 'str', parts };
}

function unescapePy(t: string): string {
  return t.replace(/\\(n|t|\\|'|"|x[0-9a-fA-F]{2})/g, (_m, e: string) => (e === 'n' ? '\n' : e === 't' ? '\t' : e.startsWith('x') ? String.fromCharCode(parseInt(e.slice(1), 16)) : e));
}

function joinPath(parts: Value[]): Value {
  let out: Value | undefined;
  for (const p of parts) {
    const l = literal(p);
    if (l !== undefined && l.startsWith('/')) out = p;
    else out = out ? concat(concat(out, str('/')), p) : p;
  }
  return out ?? UNKNOWN;
}

function args(call: SyntaxNode, s: Scope): { pos: Value[]; kw: Map<string, Value>; posNodes: SyntaxNode[] } {
  const pos: Value[] = [];
  const posNodes: SyntaxNode[] = [];
  const kw = new Map<string, Value>();
  const list = call.childForFieldName('arguments');
  for (const a of list?.namedChildren ?? []) {
    if (!a) continue;
    if (a.type === 'keyword_argument') kw.set(text(a.childForFieldName('name')), evalPy(a.childForFieldName('value')!, s));
    else if (a.type === 'list_splat' || a.type === 'dictionary_splat') pos.push(UNKNOWN);
    else {
      pos.push(evalPy(a, s));
      posNodes.push(a);
    }
  }
  return { pos, kw, posNodes };
}

/** Evaluates an expression as far as it is known. */
function evalPy(n: SyntaxNode, s: Scope): Value {
  switch (n.type) {
    case 'string':
      return pyString(n, s);
    case 'concatenated_string':
      return n.namedChildren.reduce<Value>((acc, c) => (c ? concat(acc, pyString(c, s)) : acc), str(''));
    case 'integer':
    case 'float':
      return { kind: 'num', value: Number(n.text.replace(/_/g, '')) };
    case 'true':
    case 'false':
      return { kind: 'bool', value: n.type === 'true' };
    case 'parenthesized_expression':
      return n.namedChild(0) ? evalPy(n.namedChild(0)!, s) : UNKNOWN;
    case 'identifier': {
      const v = s.vars.get(n.text);
      if (v) return v;
      return { kind: 'ref', path: n.text };
    }
    case 'attribute': {
      const obj = evalPy(n.childForFieldName('object')!, s);
      const attr = text(n.childForFieldName('attribute'));
      if (obj.kind === 'ref') return { kind: 'ref', path: `${obj.path}.${attr}` };
      return { kind: 'ref', path: `?.${attr}` };
    }
    case 'binary_operator': {
      const op = text(n.childForFieldName('operator'));
      const l = evalPy(n.childForFieldName('left')!, s);
      const r = evalPy(n.childForFieldName('right')!, s);
      if (op === '+') return concat(l, r);
      if (op === '/' && l.kind === 'ref' && l.path.endsWith('Path()')) return { ...l, arg: joinPath([l.arg ?? UNKNOWN, r]) };
      if (op === '%' && l.kind === 'str') return { kind: 'str', parts: [...l.parts, null] };
      return UNKNOWN;
    }
    case 'list':
    case 'tuple':
      return { kind: 'list', items: n.namedChildren.map((c) => (c ? evalPy(c, s) : UNKNOWN)) };
    case 'dictionary': {
      const entries: [string, Value][] = [];
      for (const p of n.namedChildren) {
        if (p?.type !== 'pair') continue;
        const k = literal(evalPy(p.childForFieldName('key')!, s));
        if (k !== undefined) entries.push([k, evalPy(p.childForFieldName('value')!, s)]);
      }
      return { kind: 'dict', entries };
    }
    case 'call':
      return callValue(n, s);
    default:
      return UNKNOWN;
  }
}

/** The value a call returns, as a reference: `boto3.client("s3")` → ref `boto3.client(s3)`. */
function callValue(n: SyntaxNode, s: Scope): Value {
  const fn = evalPy(n.childForFieldName('function')!, s);
  const a = args(n, s);
  if (fn.kind !== 'ref') return UNKNOWN;
  const p = fn.path;
  if (p === 'os.path.join' || p === 'posixpath.join') return joinPath(a.pos);
  if (p === 'str' || p === 'os.fspath' || p === 'os.path.expanduser' || p === 'os.path.abspath') return a.pos[0] ?? UNKNOWN;
  if (p === 'getattr' && a.pos.length >= 2) {
    const name = literal(a.pos[1]);
    const obj = a.pos[0];
    if (name !== undefined && obj.kind === 'ref') return { kind: 'ref', path: `${obj.path}.${name}` };
    return UNKNOWN;
  }
  if (p === '__import__' || p === 'importlib.import_module') {
    const name = literal(a.pos[0]);
    return name ? { kind: 'ref', path: name } : UNKNOWN;
  }
  if (/(?:^|\.)(?:Path|PurePath|PosixPath)$/.test(p)) return { kind: 'ref', path: 'pathlib.Path()', arg: joinPath(a.pos.length ? a.pos : [str('.')]) };
  const first = a.pos[0] ?? a.kw.get('service_name');
  const tag = literal(first);
  return { kind: 'ref', path: `${p}(${tag ?? ''})`, arg: first, args: a.pos };
}

function bindImports(root: SyntaxNode, s: Scope): void {
  for (const n of root.descendantsOfType(['import_statement', 'import_from_statement'])) {
    if (!n) continue;
    if (n.type === 'import_statement') {
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (c.type === 'dotted_name') s.vars.set(c.text.split('.')[0], { kind: 'ref', path: c.text.split('.')[0] });
        else if (c.type === 'aliased_import') s.vars.set(text(c.childForFieldName('alias')), { kind: 'ref', path: text(c.childForFieldName('name')) });
      }
    } else {
      const mod = text(n.childForFieldName('module_name'));
      if (n.descendantsOfType('wildcard_import').length) s.starModules.push(mod);
      for (const c of n.childrenForFieldName('name')) {
        if (!c) continue;
        if (c.type === 'dotted_name') s.vars.set(c.text, { kind: 'ref', path: `${mod}.${c.text}` });
        else if (c.type === 'aliased_import') s.vars.set(text(c.childForFieldName('alias')), { kind: 'ref', path: `${mod}.${text(c.childForFieldName('name'))}` });
      }
    }
  }
}

const EXEC_FNS = /^(?:os\.(?:system|popen|exec\w*|spawn\w*|posix_spawnp?)|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\.getoutput|pty\.spawn|asyncio\.create_subprocess_(?:shell|exec)|pexpect\.(?:spawn|run)|plumbum\.local\.\w+|popen2\.\w+)$/;

function pathOf(v: Value | undefined): Value | undefined {
  if (v?.kind === 'ref' && v.path.startsWith('pathlib.Path()')) return v.arg;
  return v;
}

/** Judges one call. */
function judgeCall(n: SyntaxNode, s: Scope, out: Collector, depth: number): void {
  const fnNode = n.childForFieldName('function');
  if (!fnNode) return;
  const fn = evalPy(fnNode, s);
  const a = args(n, s);
  if (fn.kind === 'ref') fn.path = fn.path.replace(/^(?:__builtins__|builtins)\./, '');
  // Dynamic dispatch: getattr with a built name, __import__/import_module of a built name, exec/eval of built code.
  if (fn.kind === 'ref') {
    const p = fn.path;
    if (p === 'getattr' && a.pos.length >= 2 && literal(a.pos[1]) === undefined) {
      const obj = a.pos[0];
      if (obj.kind === 'ref' && SENSITIVE.test(obj.path)) out.ask(`the inline code calls a function of ${obj.path.split('(')[0]} whose name is built at run time (getattr)`);
      return;
    }
    if ((p === '__import__' || p === 'importlib.import_module' || p === 'importlib.__import__') && literal(a.pos[0]) === undefined) {
      out.ask('the inline code imports a module whose name is built at run time');
      return;
    }
    if (p === 'exec' || p === 'eval' || p === 'compile' || p === 'builtins.exec' || p === 'builtins.eval') {
      const code = literal(a.pos[0]);
      if (code === undefined) out.ask(`the inline code runs Python built at run time (${p})`);
      else if (depth < 4) {
        const inner = analysePython(code, depth + 1);
        for (const l of inner.lines) out.line(l);
        if (inner.unanalysable) out.ask(inner.unanalysable);
      }
      return;
    }
  }
  if (fnNode.type === 'subscript') {
    // globals()["rmtree"](…), vars(shutil)[name](…), sys.modules[x].…
    const base = evalPy(fnNode.childForFieldName('value')!, s);
    if (base.kind === 'ref' && /^(?:globals|locals|vars)\(|^sys\.modules/.test(base.path)) out.ask('the inline code calls a function looked up by name at run time');
    return;
  }
  if (fn.kind !== 'ref') return;
  const p = fn.path;
  const last = p.slice(p.lastIndexOf('.') + 1);
  const recv = p.slice(0, Math.max(0, p.lastIndexOf('.')));
  const objNode = fnNode.type === 'attribute' ? fnNode.childForFieldName('object') : null;
  const self = objNode ? evalPy(objNode, s) : undefined;
  const selfPath = self?.kind === 'ref' && self.path.startsWith('pathlib.Path()') ? self.arg : undefined;

  // ---- files
  if (/^(?:shutil\.rmtree|distutils\.dir_util\.remove_tree|send2trash\.send2trash)$/.test(p)) return out.remove(pathOf(a.pos[0] ?? a.kw.get('path')), true);
  if (/^os\.(?:remove|unlink)$/.test(p)) return out.remove(pathOf(a.pos[0] ?? a.kw.get('path')), false);
  if (/^os\.(?:rmdir|removedirs)$/.test(p)) return;
  if (recv.startsWith('pathlib.Path()') && last === 'unlink') return out.remove(selfPath, false);
  if (recv.startsWith('pathlib.Path()') && (last === 'write_text' || last === 'write_bytes')) return out.write(selfPath);
  if (recv.startsWith('pathlib.Path()') && last === 'open') {
    const mode = literal(a.pos[0] ?? a.kw.get('mode')) ?? 'r';
    if (/[wax+]/.test(mode)) out.write(selfPath, mode.includes('a'));
    return;
  }
  if (p === 'open' || p === 'io.open' || p === 'codecs.open' || p === 'builtins.open' || p === 'os.open') {
    const mode = p === 'os.open' ? (/O_(?:WRONLY|RDWR|TRUNC|CREAT|APPEND)/.test(text(n)) ? 'w' : 'r') : literal(a.pos[1] ?? a.kw.get('mode')) ?? (a.pos[1] || a.kw.get('mode') ? 'w' : 'r');
    if (/[wax+]/.test(mode)) out.write(pathOf(a.pos[0] ?? a.kw.get('file')), mode.includes('a') && !mode.includes('w'));
    return;
  }
  if (/^os\.truncate$/.test(p)) return out.write(pathOf(a.pos[0]));
  if (/^shutil\.(?:move|copy|copyfile|copy2|copytree)$/.test(p)) {
    out.line(`${last === 'move' ? 'mv' : 'cp -r'} ${[a.pos[0], a.pos[1]].map((v) => wordOf(pathOf(v))).join(' ')}`);
    return;
  }

  // ---- commands
  if (EXEC_FNS.test(p)) {
    const cmd = a.pos[0] ?? a.kw.get('args') ?? a.kw.get('cmd');
    if (/os\.exec[lv]p?e?$|os\.spawn[lv]p?e?$/.test(p)) {
      // os.execvp(file, [argv0, …]) / os.execlp(file, argv0, arg1, …)
      const list = /[v]p?e?$/.test(p) ? a.pos[1] : { kind: 'list' as const, items: a.pos.slice(/spawn/.test(p) ? 2 : 1) };
      if (list && list.kind === 'list') out.exec({ kind: 'list', items: list.items }, p);
      else out.ask(`the inline code runs a command built at run time (${p})`);
      return;
    }
    if (p === 'asyncio.create_subprocess_exec') return out.exec({ kind: 'list', items: a.pos }, p);
    return out.exec(cmd, p);
  }
  if (p.startsWith('sh.') && last !== 'Command') {
    // The sh library: sh.rm("-rf", "x") runs rm.
    out.exec({ kind: 'list', items: [str(last), ...a.pos] }, p);
    return;
  }
  if (/^ctypes\./.test(p) && /(?:^|\.)(?:system|popen|execv\w*|unlink|remove|rmdir)$/.test(p)) {
    out.ask('the inline code calls the C library directly (ctypes)');
    return;
  }

  // ---- HTTP
  const http = /^(?:requests|httpx|urllib3|aiohttp)\b/.test(p) || /^(?:requests|httpx)\.(?:Session|Client|AsyncClient)\(/.test(p) || /^aiohttp\.ClientSession\(/.test(p) || /^urllib3\.PoolManager\(/.test(p);
  if (http && /^(?:delete|post|put|patch|request|urlopen|get)$/.test(last)) {
    let method = last === 'request' ? literal(a.pos[0] ?? a.kw.get('method')) : last;
    let url = last === 'request' ? (a.pos[1] ?? a.kw.get('url')) : (a.pos[0] ?? a.kw.get('url'));
    if (method === undefined) {
      out.ask(`the inline code sends an HTTP request whose method is built at run time (${p})`);
      return;
    }
    if (last === 'urlopen') {
      method = 'GET';
      url = a.pos[0];
    }
    out.http(method, url, a.kw.get('json') ?? a.kw.get('data') ?? a.kw.get('content'));
    return;
  }
  if (/^urllib\.request\.(?:Request|urlopen)$/.test(p)) {
    const m = a.kw.get('method');
    const method = m ? literal(m) : a.kw.get('data') || a.pos[1] ? 'POST' : 'GET';
    if (m && method === undefined) return out.ask('the inline code sends an HTTP request whose method is built at run time (urllib)');
    if (p.endsWith('Request')) out.http(method, a.pos[0] ?? a.kw.get('url'), a.kw.get('data') ?? a.pos[1]);
    return;
  }
  if (/^http\.client\.HTTPS?Connection\(/.test(p) && last === 'request') {
    const method = literal(a.pos[0]);
    if (method === undefined) return out.ask('the inline code sends an HTTP request whose method is built at run time (http.client)');
    const host = self?.kind === 'ref' ? literal(self.arg) : undefined;
    out.http(method, concat(str(`https://${host ?? 'unknown.invalid'}`), a.pos[1] ?? str('/')), a.pos[2] ?? a.kw.get('body'));
    return;
  }

  // ---- cloud SDKs
  if (/^boto3\.(?:client|resource)\(|^boto3\.session\.Session\(\)\.(?:client|resource)\(|^boto3\.Session\(.*\)\.(?:client|resource)\(/.test(p)) {
    const svc = /(?:client|resource)\(([^)]*)\)/.exec(p)?.[1] || 'aws';
    if (/\.objects\.all\(\)\.delete$|\.objects\.filter\(.*\)\.delete$|\.object_versions\.all\(\)\.delete$/.test(p)) {
      const bucket = /\.Bucket\(([^)]*)\)/.exec(p)?.[1];
      out.line(`aws s3 rm ${bucket ? `'s3://${bucket}'` : '"s3://$CODE_VALUE"'} --recursive`);
      return;
    }
    if (/\.Bucket\([^)]*\)\.delete$/.test(p)) {
      const bucket = /\.Bucket\(([^)]*)\)/.exec(p)?.[1];
      out.line(`aws s3 rb ${bucket ? `'s3://${bucket}'` : '"s3://$CODE_VALUE"'}`);
      return;
    }
    if (SDK_DESTRUCTIVE.test(last)) {
      const target = a.kw.size ? [...a.kw.values()].find((v) => v.kind === 'str') : a.pos[0];
      cloudDelete(out, 'aws', svc, last === 'delete' || last === 'terminate' ? `${last}-${/\.(\w+)\([^)]*\)\.\w+$/.exec(p)?.[1] ?? 'resource'}` : last, target);
    }
    return;
  }
  if (/^(?:google\.cloud|googleapiclient)\b/.test(p) && SDK_DESTRUCTIVE.test(last)) {
    const svc = /^google\.cloud\.(\w+)/.exec(p)?.[1] ?? 'resources';
    return cloudDelete(out, 'gcloud', svc, last, a.pos[0] ?? (self?.kind === 'ref' ? self.arg : undefined));
  }
  if (/^azure\b/.test(p) && (SDK_DESTRUCTIVE.test(last) || /^begin_(?:delete|purge)/.test(last))) {
    const svc = /^azure\.mgmt\.(\w+)/.exec(p)?.[1] ?? /^azure\.(\w+)/.exec(p)?.[1] ?? 'resource';
    return cloudDelete(out, 'az', svc, last, a.pos[0]);
  }
  if (/^kubernetes\b/.test(p) && /^delete_/.test(last)) {
    return cloudDelete(out, 'kubectl', 'k8s', last.replace(/_/g, '-'), a.pos[0] ?? a.kw.get('name'));
  }

  // ---- databases
  if (/^(?:execute|executemany|executescript|exec_driver_sql|mogrify|raw|query|sql)$/.test(last) && a.pos.length) {
    const client = /^sqlite3\b/.test(p) ? 'sqlite3' : /^(?:pymysql|MySQLdb|mysql)\b/.test(p) ? 'mysql' : 'psql';
    const sqlArg = a.pos[0].kind === 'ref' && /(?:^|\.)text\(/.test(a.pos[0].path) ? a.pos[0].arg : a.pos[0];
    out.sql(sqlArg, client);
    return;
  }
  if (/^(?:drop_database|dropDatabase)$/.test(last)) return out.line(`mongosh --eval 'db.dropDatabase()'`);
  if (last === 'drop_collection' || (last === 'drop' && /^pymongo\b/.test(p))) return out.line(`mongosh --eval 'db.c.drop()'`);
  if (/^(?:delete_many|remove)$/.test(last) && /^pymongo\b|\.(?:find|collection)\b/i.test(p) && (a.pos.length === 0 || (a.pos[0].kind === 'dict' && a.pos[0].entries.length === 0))) {
    return out.line(`mongosh --eval 'db.c.deleteMany({})'`);
  }
  if (/^(?:flushall|flushdb)$/i.test(last)) return out.line(`redis-cli ${last.toUpperCase()}`);
  if (last === 'drop_all' && /metadata|Base|SQLModel|db/i.test(p)) return out.line(`psql -c 'DROP TABLE "every table of the metadata"'`);
  if (last === 'delete' && /\.objects\.all\(\)$/.test(recv)) {
    const model = /(\w+)\.objects\.all\(\)$/.exec(recv)?.[1] ?? 'model';
    return out.line(`psql -c 'DELETE FROM "${model}"'`);
  }
}

function wordOf(v: Value | undefined): string {
  const l = literal(v);
  return l !== undefined ? singleQuote(l) : '"$CODE_VALUE"';
}

/** Follows `x = …` assignments in order (last one wins) so names carry their values. */
function bindAssignments(root: SyntaxNode, s: Scope): void {
  for (const n of root.descendantsOfType(['assignment', 'with_item', 'named_expression'])) {
    if (!n) continue;
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && right) s.vars.set(left.text, evalPy(right, s));
    } else if (n.type === 'named_expression') {
      const name = n.childForFieldName('name');
      const value = n.childForFieldName('value');
      if (name && value) s.vars.set(name.text, evalPy(value, s));
    } else {
      const v = n.childForFieldName('value');
      if (v?.type === 'as_pattern') {
        const target = v.childForFieldName('alias')?.namedChild(0) ?? v.namedChildren[1];
        const src = v.namedChild(0);
        if (target?.type === 'identifier' && src) s.vars.set(target.text, evalPy(src, s));
      }
    }
  }
}

export function analysePython(code: string, depth = 0): Effects {
  const out = new Collector();
  const r = withTree('python', code, (root) => {
    const s: Scope = { vars: new Map(), starModules: [] };
    bindImports(root, s);
    for (const m of s.starModules) {
      // from shutil import *: the module's functions are plain names.
      for (const name of ['rmtree', 'system', 'popen', 'remove', 'unlink', 'run', 'call', 'check_call', 'check_output', 'Popen', 'getoutput', 'delete', 'post', 'put', 'request', 'move']) {
        if (!s.vars.has(name)) s.vars.set(name, { kind: 'ref', path: `${m}.${name}` });
      }
    }
    bindAssignments(root, s);
    for (const call of root.descendantsOfType('call')) if (call) judgeCall(call, s, out, depth);
  });
  if (r.error) out.ask(`the Python code cannot be parsed: ${r.error}`);
  return out;
}
