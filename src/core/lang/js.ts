/**
 * JavaScript and TypeScript run inline (`node -e`, `node -p`, `deno eval`, `bun -e`, scripts)
 * read with the tree-sitter JavaScript grammar. `require`/`import` bindings (destructured and
 * renamed ones too) and simple constants are followed so every call resolves to what it
 * names; file deletion and writes, child processes, HTTP clients, cloud SDKs and database
 * drops become the shell commands they amount to (effects.ts). Computed member calls with a
 * built name on those modules, `eval`/`Function` of built code and `require` of a built name
 * make the code unanalysable: ask.
 */
import { withTree, type SyntaxNode } from './grammars';
import { Collector, SDK_DESTRUCTIVE, UNKNOWN, cloudDelete, concat, dictGet, literal, str, type Effects, type Value } from './effects';

const SENSITIVE = /^(?:child_process|fs|fs-extra|rimraf|del|execa|shelljs|zx|axios|got|node-fetch|ky|undici|superagent|aws-sdk|@aws-sdk\/.*|@google-cloud\/.*|@azure\/.*|@kubernetes\/client-node|pg|mysql2?|mongodb|mongoose|ioredis|redis|@prisma\/client|knex|sequelize|better-sqlite3|sqlite3|process|Bun|Deno|globalThis|global|window|module|vm|worker_threads|cluster|http|https)(?:\.|$)/;

function modName(spec: string): string {
  let m = spec.replace(/^node:/, '');
  if (m === 'fs/promises') m = 'fs.promises';
  if (m === 'child_process/promises') m = 'child_process';
  return m;
}

interface Scope {
  vars: Map<string, Value>;
}

function unescapeJs(t: string): string {
  return t.replace(/\\(n|t|\\|'|"|`|\$|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})/g, (_m, e: string) =>
    e === 'n' ? '\n' : e === 't' ? '\t' : e.startsWith('x') || e.startsWith('u') ? String.fromCharCode(parseInt(e.slice(1), 16)) : e,
  );
}

function jsString(n: SyntaxNode, s: Scope): Value {
  const parts: (string | null)[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_fragment') parts.push(c.text);
    else if (c.type === 'escape_sequence') parts.push(unescapeJs(c.text));
    else if (c.type === 'template_substitution') {
      const inner = c.namedChild(0);
      const v = inner ? evalJs(inner, s) : UNKNOWN;
      parts.push(...(v.kind === 'str' ? v.parts : v.kind === 'num' ? [String(v.value)] : [null]));
    }
  }
  return { kind: 'str', parts };
}

function argList(n: SyntaxNode | null, s: Scope): Value[] {
  if (!n) return [];
  if (n.type === 'template_string') return [jsString(n, s)];
  return n.namedChildren.filter((c): c is SyntaxNode => !!c && c.type !== 'comment').map((c) => (c.type === 'spread_element' ? UNKNOWN : evalJs(c, s)));
}

function evalJs(n: SyntaxNode, s: Scope): Value {
  switch (n.type) {
    case 'string':
    case 'template_string':
      return jsString(n, s);
    case 'number':
      return { kind: 'num', value: Number(n.text) };
    case 'true':
    case 'false':
      return { kind: 'bool', value: n.type === 'true' };
    case 'parenthesized_expression':
    case 'await_expression':
    case 'non_null_expression':
    case 'as_expression':
      return n.namedChild(0) ? evalJs(n.namedChild(0)!, s) : UNKNOWN;
    case 'identifier':
      return s.vars.get(n.text) ?? { kind: 'ref', path: n.text };
    case 'member_expression': {
      const objNode = n.childForFieldName('object')!;
      // globalThis.fetch, window.eval, global.process: the global itself.
      if (objNode.type === 'identifier' && /^(?:globalThis|global|window|self)$/.test(objNode.text) && !s.vars.has(objNode.text)) {
        const prop = n.childForFieldName('property')?.text ?? '';
        return s.vars.get(prop) ?? { kind: 'ref', path: prop };
      }
      const obj = evalJs(objNode, s);
      const prop = n.childForFieldName('property')?.text ?? '';
      return obj.kind === 'ref' ? { kind: 'ref', path: `${obj.path}.${prop}`, arg: obj.arg, args: obj.args } : { kind: 'ref', path: `?.${prop}` };
    }
    case 'subscript_expression': {
      const obj = evalJs(n.childForFieldName('object')!, s);
      const idx = evalJs(n.childForFieldName('index')!, s);
      const name = literal(idx);
      if (obj.kind === 'ref' && name !== undefined) return { kind: 'ref', path: `${obj.path}.${name}`, arg: obj.arg };
      if (obj.kind === 'ref') return { kind: 'ref', path: `${obj.path}[?]` };
      return UNKNOWN;
    }
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text;
      if (op === '+') return concat(evalJs(n.childForFieldName('left')!, s), evalJs(n.childForFieldName('right')!, s));
      return UNKNOWN;
    }
    case 'array':
      return { kind: 'list', items: n.namedChildren.map((c) => (c ? (c.type === 'spread_element' ? UNKNOWN : evalJs(c, s)) : UNKNOWN)) };
    case 'object': {
      const entries: [string, Value][] = [];
      for (const p of n.namedChildren) {
        if (!p) continue;
        if (p.type === 'pair') {
          const k = p.childForFieldName('key')!;
          const key = k.type === 'property_identifier' ? k.text : literal(evalJs(k, s));
          if (key !== undefined) entries.push([key, evalJs(p.childForFieldName('value')!, s)]);
        } else if (p.type === 'shorthand_property_identifier') entries.push([p.text, s.vars.get(p.text) ?? UNKNOWN]);
      }
      return { kind: 'dict', entries };
    }
    case 'call_expression': {
      const fnNode = n.childForFieldName('function')!;
      const fn = evalJs(fnNode, s);
      const args = argList(n.childForFieldName('arguments'), s);
      // require, globalThis.require, module.require, process.mainModule.require, createRequire(…)(…)
      if (fnNode.type === 'import' || (fn.kind === 'ref' && (/(?:^|\.)require$/.test(fn.path) || /(?:^|\.)createRequire\(/.test(fn.path)))) {
        const m = literal(args[0]);
        return m ? { kind: 'ref', path: modName(m) } : UNKNOWN;
      }
      if (fn.kind !== 'ref') return UNKNOWN;
      // kubeConfig.makeApiClient(k8s.CoreV1Api): the client is of the API class it names.
      if (/\.makeApiClient$/.test(fn.path) && args[0]?.kind === 'ref') return { kind: 'ref', path: `${args[0].path}()` };
      if (/(?:^|\.)path\.(?:join|resolve)$/.test(fn.path) || fn.path === 'path.join') {
        return args.reduce<Value>((acc, v, i) => (i === 0 ? v : concat(concat(acc, str('/')), v)), str(''));
      }
      const tag = literal(args[0]);
      return { kind: 'ref', path: `${fn.path}(${tag ?? ''})`, arg: args[0], args };
    }
    case 'new_expression': {
      const ctor = evalJs(n.childForFieldName('constructor')!, s);
      const args = argList(n.childForFieldName('arguments'), s);
      if (ctor.kind !== 'ref') return UNKNOWN;
      return { kind: 'ref', path: `${ctor.path}(${literal(args[0]) ?? ''})`, arg: args[0], args };
    }
    default:
      return UNKNOWN;
  }
}

function bindPattern(pattern: SyntaxNode, v: Value, s: Scope): void {
  if (pattern.type === 'identifier') s.vars.set(pattern.text, v);
  else if (pattern.type === 'object_pattern') {
    for (const p of pattern.namedChildren) {
      if (!p) continue;
      if (p.type === 'shorthand_property_identifier_pattern') s.vars.set(p.text, v.kind === 'ref' ? { kind: 'ref', path: `${v.path}.${p.text}` } : UNKNOWN);
      else if (p.type === 'pair_pattern') {
        const key = p.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '') ?? '';
        const val = p.childForFieldName('value');
        if (val) bindPattern(val.type === 'assignment_pattern' ? val.childForFieldName('left')! : val, v.kind === 'ref' ? { kind: 'ref', path: `${v.path}.${key}` } : UNKNOWN, s);
      } else if (p.type === 'object_assignment_pattern') {
        const left = p.childForFieldName('left');
        if (left) s.vars.set(left.text, v.kind === 'ref' ? { kind: 'ref', path: `${v.path}.${left.text}` } : UNKNOWN);
      }
    }
  }
}

function bind(root: SyntaxNode, s: Scope): void {
  for (const n of root.descendantsOfType(['import_statement', 'variable_declarator', 'assignment_expression', 'call_expression'])) {
    if (!n) continue;
    if (n.type === 'call_expression') {
      // import("child_process").then((cp) => …) / require(…).then: the callback's parameter is the module.
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'member_expression' || fn.childForFieldName('property')?.text !== 'then') continue;
      const obj = evalJs(fn.childForFieldName('object')!, s);
      const cb = n.childForFieldName('arguments')?.namedChild(0);
      if (obj.kind !== 'ref' || !cb || (cb.type !== 'arrow_function' && cb.type !== 'function_expression')) continue;
      const param = cb.childForFieldName('parameter') ?? cb.childForFieldName('parameters')?.namedChild(0);
      if (param) bindPattern(param.type === 'required_parameter' ? param.namedChild(0)! : param, obj, s);
      continue;
    }
    if (n.type === 'import_statement') {
      const src = n.childForFieldName('source');
      const mod = src ? modName(literal(jsString(src, s)) ?? '') : '';
      const clause = n.namedChildren.find((c) => c?.type === 'import_clause');
      for (const c of clause?.namedChildren ?? []) {
        if (!c) continue;
        if (c.type === 'identifier') s.vars.set(c.text, { kind: 'ref', path: mod });
        else if (c.type === 'namespace_import') {
          const id = c.namedChildren.find((x) => x?.type === 'identifier');
          if (id) s.vars.set(id.text, { kind: 'ref', path: mod });
        } else if (c.type === 'named_imports') {
          for (const spec of c.namedChildren) {
            if (spec?.type !== 'import_specifier') continue;
            const name = spec.childForFieldName('name')?.text ?? '';
            const alias = spec.childForFieldName('alias')?.text ?? name;
            s.vars.set(alias, { kind: 'ref', path: name === 'default' ? mod : `${mod}.${name}` });
          }
        }
      }
    } else if (n.type === 'variable_declarator') {
      const name = n.childForFieldName('name');
      const value = n.childForFieldName('value');
      if (name && value) bindPattern(name, evalJs(value, s), s);
    } else {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'identifier' && right) s.vars.set(left.text, evalJs(right, s));
    }
  }
}

const EXEC = /^child_process\.(?:exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)$|^execa(?:\.(?:execa|execaSync|execaCommand|execaCommandSync|command|commandSync|sync|\$))?$|^execa\.\w+$|^shelljs\.exec$|^Bun\.(?:spawn|spawnSync)$|^Deno\.run$/;

function judge(n: SyntaxNode, s: Scope, out: Collector, depth: number): void {
  const isNew = n.type === 'new_expression';
  const fnNode = isNew ? n.childForFieldName('constructor') : n.childForFieldName('function');
  if (!fnNode) return;
  const argsNode = n.childForFieldName('arguments');
  const a = argList(argsNode, s);
  const fn = evalJs(fnNode, s);

  // Tagged templates: zx/Bun.$/execa.$`rm -rf ${dir}` run shell text.
  if (argsNode?.type === 'template_string' && fn.kind === 'ref' && /^(?:\$|zx\.\$|Bun\.\$|execa\.\$|execa\.execaCommand)$|(?:^|\.)\$$/.test(fn.path)) {
    out.exec(a[0], `${fn.path}\`…\``);
    return;
  }
  if (fnNode.type === 'import') {
    if (literal(a[0]) === undefined) out.ask('the inline code imports a module whose name is built at run time');
    return;
  }
  if (fn.kind !== 'ref') return;
  const p = fn.path;

  // ---- dynamic dispatch
  if (p.endsWith('[?]')) {
    const base = p.slice(0, -3);
    if (SENSITIVE.test(base)) out.ask(`the inline code calls a function of ${base.split('(')[0]} whose name is built at run time`);
    return;
  }
  if ((/(?:^|\.)require$/.test(p) || /(?:^|\.)createRequire\(/.test(p)) && literal(a[0]) === undefined && !isNew) return out.ask('the inline code requires a module whose name is built at run time');
  if (/^(?:eval|Function|globalThis\.eval|global\.eval|vm\.runInNewContext|vm\.runInThisContext|vm\.Script)$/.test(p)) {
    const code = p === 'Function' ? literal(a[a.length - 1]) : literal(a[0]);
    if (code === undefined) out.ask(`the inline code runs JavaScript built at run time (${p})`);
    else if (depth < 4) {
      const inner = analyseJs(code, depth + 1);
      for (const l of inner.lines) out.line(l);
      if (inner.unanalysable) out.ask(inner.unanalysable);
    }
    return;
  }
  if (/^process\.binding$|^process\._linkedBinding$/.test(p)) return out.ask('the inline code reaches Node internals (process.binding)');

  const last = p.slice(p.lastIndexOf('.') + 1);

  // ---- files
  if (/^(?:fs|fs\.promises|fs-extra)\.(?:rm|rmSync)$/.test(p)) return out.remove(a[0], dictGet(a[1], 'recursive')?.kind === 'bool' ? (dictGet(a[1], 'recursive') as { value: boolean }).value : false);
  if (/^(?:fs|fs\.promises|fs-extra)\.(?:rmdir|rmdirSync)$/.test(p)) {
    const rec = dictGet(a[1], 'recursive');
    if (rec?.kind === 'bool' && rec.value) out.remove(a[0], true);
    return;
  }
  if (/^(?:fs|fs\.promises|fs-extra)\.(?:unlink|unlinkSync)$/.test(p) || /^Deno\.(?:remove|removeSync)$/.test(p) && !dictGet(a[1], 'recursive')) return out.remove(a[0], false);
  if (/^Deno\.(?:remove|removeSync)$/.test(p)) return out.remove(a[0], true);
  if (/^fs-extra\.(?:remove|removeSync|emptyDir|emptyDirSync|emptydir)$/.test(p) || /^(?:rimraf|rimraf\.sync|rimraf\.rimraf|rimraf\.rimrafSync|rimraf\.native|del|del\.deleteAsync|del\.deleteSync|del\.sync)$/.test(p)) {
    const t = a[0]?.kind === 'list' ? a[0].items : [a[0]];
    for (const x of t) out.remove(x, true);
    return;
  }
  if (/^shelljs\.rm$/.test(p)) return out.exec({ kind: 'list', items: [str('rm'), ...a] }, p);
  if (/^(?:fs|fs\.promises|fs-extra)\.(?:writeFile|writeFileSync|truncate|truncateSync|createWriteStream|outputFile|outputFileSync|writeJson|writeJsonSync|open|openSync)$/.test(p)) {
    if (/open/.test(last)) {
      const flags = literal(a[1]) ?? 'r';
      if (!/[wa+]/.test(flags)) return;
      return out.write(a[0], flags.startsWith('a'));
    }
    const flag = literal(dictGet(a[2] ?? a[1], 'flags') ?? dictGet(a[2], 'flag'));
    return out.write(a[0], flag?.startsWith('a') ?? false);
  }
  if (/^(?:fs|fs\.promises|fs-extra)\.(?:appendFile|appendFileSync)$/.test(p)) return out.write(a[0], true);
  if (/^Deno\.(?:writeTextFile|writeTextFileSync|writeFile|writeFileSync)$/.test(p)) return out.write(a[0], dictGet(a[2], 'append')?.kind === 'bool');
  if (/^Bun\.write$/.test(p)) return out.write(a[0]);

  // ---- commands
  if (EXEC.test(p) || (isNew && /^Deno\.Command$/.test(p))) {
    const opts = a.find((x) => x.kind === 'dict');
    const shell = dictGet(opts, 'shell');
    if (/exec(?:Sync)?$|execaCommand|command|commandSync|shelljs\.exec/.test(p) && !/execFile/.test(p)) return out.exec(a[0], p);
    if (p === 'child_process.fork') return out.exec({ kind: 'list', items: [str('node'), a[0] ?? UNKNOWN, ...(a[1]?.kind === 'list' ? a[1].items : [])] }, p);
    if (/^Bun\.spawn/.test(p)) {
      const cmd = a[0]?.kind === 'list' ? a[0] : dictGet(a[0], 'cmd');
      return out.exec(cmd ?? UNKNOWN, p);
    }
    if (/^Deno\.run$/.test(p)) return out.exec(dictGet(a[0], 'cmd') ?? UNKNOWN, p);
    if (/^Deno\.Command$/.test(p)) {
      const rest = dictGet(a[1], 'args');
      return out.exec({ kind: 'list', items: [a[0] ?? UNKNOWN, ...(rest?.kind === 'list' ? rest.items : [])] }, p);
    }
    // spawn/execFile/execa(file, [args], {shell})
    const argv = a[1]?.kind === 'list' ? a[1].items : [];
    if (shell && !(shell.kind === 'bool' && !shell.value) && !argv.length) return out.exec(a[0], p);
    if (a[1] && a[1].kind !== 'list' && a[1].kind !== 'dict') return out.ask(`the inline code runs a command with arguments built at run time (${p})`);
    return out.exec({ kind: 'list', items: [a[0] ?? UNKNOWN, ...argv] }, p);
  }

  // ---- HTTP
  if (p === 'fetch' || p === 'node-fetch' || p === 'undici.fetch' || p === 'undici.request' || p === 'globalThis.fetch') {
    const init = a[1];
    const m = dictGet(init, 'method');
    const method = m ? literal(m) : 'GET';
    if (m && method === undefined) return out.ask('the inline code sends an HTTP request whose method is built at run time (fetch)');
    return out.http(method, a[0], dictGet(init, 'body'));
  }
  if (/^(?:axios|got|ky|superagent)(?:\.create\([^)]*\))?\.(?:delete|del|post|put|patch|request)$/.test(p) || /^(?:axios|got|ky)$/.test(p)) {
    if (/\.request$/.test(p) || /^(?:axios|got|ky)$/.test(p)) {
      const cfg = a.find((x) => x.kind === 'dict');
      const m = dictGet(cfg, 'method');
      const method = m ? literal(m) : 'GET';
      if (m && method === undefined) return out.ask(`the inline code sends an HTTP request whose method is built at run time (${p})`);
      return out.http(method, dictGet(cfg, 'url') ?? (a[0]?.kind === 'str' ? a[0] : undefined), dictGet(cfg, 'data') ?? dictGet(cfg, 'json') ?? dictGet(cfg, 'body'));
    }
    const method = last === 'del' ? 'DELETE' : last;
    return out.http(method, a[0], method === 'delete' ? undefined : a[1]);
  }

  // ---- cloud SDKs
  if (isNew && /^@aws-sdk\/client-[\w-]+\.\w+Command$/.test(p)) {
    const m = /^@aws-sdk\/client-([\w-]+)\.(\w+)Command$/.exec(p)!;
    if (SDK_DESTRUCTIVE.test(m[2][0].toLowerCase() + m[2].slice(1))) {
      const input = a[0];
      const target = input?.kind === 'dict' ? input.entries.find(([, v]) => v.kind === 'str')?.[1] : undefined;
      cloudDelete(out, 'aws', m[1], m[2], target);
    }
    return;
  }
  if (/^(?:@aws-sdk\/client-[\w-]+|aws-sdk)\b/.test(p) && SDK_DESTRUCTIVE.test(last)) {
    const svc = /^@aws-sdk\/client-([\w-]+)/.exec(p)?.[1] ?? /^aws-sdk\.(\w+)/.exec(p)?.[1] ?? 'aws';
    const input = a[0];
    const target = input?.kind === 'dict' ? input.entries.find(([, v]) => v.kind === 'str')?.[1] : undefined;
    return cloudDelete(out, 'aws', svc, last, target);
  }
  if (/^@google-cloud\//.test(p) && SDK_DESTRUCTIVE.test(last)) {
    const svc = /^@google-cloud\/([\w-]+)/.exec(p)?.[1] ?? 'resources';
    const target = /\.(?:bucket|file|table|dataset|topic|instance|database)\(([^)]+)\)/.exec(p)?.[1];
    return cloudDelete(out, 'gcloud', svc, last, target ? str(target) : a[0]);
  }
  if (/^@azure\//.test(p) && (SDK_DESTRUCTIVE.test(last) || /^begin(?:Delete|Purge)/.test(last))) {
    const svc = /^@azure\/(?:arm-)?([\w-]+)/.exec(p)?.[1] ?? 'resource';
    return cloudDelete(out, 'az', svc, last, a[0]);
  }
  if (/^@kubernetes\/client-node\b/.test(p) && /^delete/.test(last)) return cloudDelete(out, 'kubectl', 'k8s', last, a[0]);

  // ---- databases
  if (/^(?:query|execute|exec|raw|\$executeRawUnsafe|\$queryRawUnsafe|\$executeRaw|\$queryRaw|unsafe|sql|run|prepare)$/.test(last) && a.length) {
    const client = /^(?:mysql2?|mysql2\/promise)\b/.test(p) ? 'mysql' : /^(?:better-sqlite3|sqlite3|bun:sqlite)\b/.test(p) ? 'sqlite3' : 'psql';
    const sqlText = a[0].kind === 'dict' ? dictGet(a[0], 'text') ?? dictGet(a[0], 'sql') : a[0];
    return out.sql(sqlText, client);
  }
  if (/^(?:\$executeRaw|\$queryRaw|sql|unsafe)$/.test(last) && argsNode?.type === 'template_string') return out.sql(a[0]);
  if (last === 'dropDatabase') return out.line(`mongosh --eval 'db.dropDatabase()'`);
  if ((last === 'drop' || last === 'dropCollection') && /^(?:mongodb|mongoose)\b|\.collection\(|\.db\(/.test(p)) return out.line(`mongosh --eval 'db.c.drop()'`);
  if ((last === 'deleteMany' || last === 'remove') && (a.length === 0 || (a[0].kind === 'dict' && a[0].entries.length === 0))) {
    // Prisma: prisma.user.deleteMany() deletes every row; Mongo: collection.deleteMany({}).
    if (/^@prisma\/client\b|prisma\./i.test(p)) {
      const model = /\.(\w+)\.deleteMany$/.exec(p)?.[1] ?? 'model';
      return out.line(`psql -c 'DELETE FROM "${model}"'`);
    }
    return out.line(`mongosh --eval 'db.c.deleteMany({})'`);
  }
  if (/^(?:flushall|flushdb|flushAll|flushDb)$/.test(last)) return out.line(`redis-cli ${last.toUpperCase()}`);
  if (last === 'sync' && dictGet(a[0], 'force')?.kind === 'bool' && (dictGet(a[0], 'force') as { value: boolean }).value) return out.line(`psql -c 'DROP TABLE "every table of the models"'`);
}

export function analyseJs(code0: string, depth = 0): Effects {
  // `#!/usr/bin/env node` lines and TypeScript-only syntax are tolerated by the grammar's error recovery.
  const code = code0.startsWith('#!') ? code0.replace(/^#![^\n]*/, '') : code0;
  const out = new Collector();
  const r = withTree('javascript', code, (root) => {
    const s: Scope = { vars: new Map() };
    bind(root, s);
    for (const n of root.descendantsOfType(['call_expression', 'new_expression'])) if (n) judge(n, s, out, depth);
  });
  if (r.error) out.ask(`the JavaScript code cannot be parsed: ${r.error}`);
  return out;
}
