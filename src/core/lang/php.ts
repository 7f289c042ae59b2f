/**
 * PHP (`php -r`, scripts) read with the tree-sitter PHP grammar: function calls, method calls
 * (`$client->delete(…)`) and static calls (`DB::statement(…)`) judged like the other models:
 * unlink and file writes, exec/system/shell_exec/passthru/popen/proc_open/backticks, curl with
 * CURLOPT_CUSTOMREQUEST, Guzzle, PDO/mysqli and Laravel SQL, AWS SDK deletes. Variable
 * functions (`$f(…)`, `$obj->$m(…)`), call_user_func with a built name and eval of built code ask.
 */
import { withTree, type SyntaxNode } from './grammars';
import { Collector, SDK_DESTRUCTIVE, UNKNOWN, cloudDelete, concat, literal, str, type Effects, type Value } from './effects';

interface Scope {
  vars: Map<string, Value>;
}

function phpString(n: SyntaxNode, s: Scope): Value {
  const parts: (string | null)[] = [];
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'string_content' || c.type === 'string_value') parts.push(c.text);
    else if (c.type === 'escape_sequence') parts.push(c.text === '\\n' ? '\n' : c.text.slice(1));
    else {
      const v = evalPhp(c, s);
      parts.push(...(v.kind === 'str' ? v.parts : [null]));
    }
  }
  return { kind: 'str', parts };
}

function evalPhp(n: SyntaxNode, s: Scope): Value {
  switch (n.type) {
    case 'string':
    case 'encapsed_string':
    case 'shell_command_expression':
    case 'heredoc':
    case 'nowdoc':
      return phpString(n, s);
    case 'integer':
      return { kind: 'num', value: Number(n.text) };
    case 'boolean':
      return { kind: 'bool', value: /^true$/i.test(n.text) };
    case 'parenthesized_expression':
    case 'argument':
      return n.namedChild(n.namedChildCount - 1) ? evalPhp(n.namedChild(n.namedChildCount - 1)!, s) : UNKNOWN;
    case 'variable_name':
      return s.vars.get(n.text) ?? UNKNOWN;
    case 'name':
    case 'qualified_name':
      return { kind: 'ref', path: n.text.replace(/^\\/, '') };
    case 'binary_expression': {
      const op = n.childForFieldName('operator')?.text;
      if (op === '.') return concat(evalPhp(n.childForFieldName('left')!, s), evalPhp(n.childForFieldName('right')!, s));
      return UNKNOWN;
    }
    case 'array_creation_expression': {
      const items: Value[] = [];
      const entries: [string, Value][] = [];
      for (const e of n.namedChildren) {
        if (e?.type !== 'array_element_initializer') continue;
        const kids = e.namedChildren.filter((x): x is SyntaxNode => !!x);
        if (kids.length === 2) {
          const k = literal(evalPhp(kids[0], s));
          if (k !== undefined) entries.push([k, evalPhp(kids[1], s)]);
        } else if (kids[0]) items.push(evalPhp(kids[0], s));
      }
      return entries.length ? { kind: 'dict', entries } : { kind: 'list', items };
    }
    case 'object_creation_expression': {
      const cls = n.namedChildren.find((c) => c?.type === 'name' || c?.type === 'qualified_name');
      return cls ? { kind: 'ref', path: `new ${cls.text.replace(/^\\/, '')}` } : UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function args(n: SyntaxNode, s: Scope): Value[] {
  const list = n.childForFieldName('arguments');
  return (list?.namedChildren ?? []).filter((c): c is SyntaxNode => !!c && c.type === 'argument').map((c) => evalPhp(c, s));
}

function judge(n: SyntaxNode, s: Scope, out: Collector, depth: number, curl: { url?: Value; method?: string }): void {
  if (n.type === 'shell_command_expression') return out.exec(phpString(n, s), 'backticks');
  const a = args(n, s);
  if (n.type === 'function_call_expression') {
    const fnNode = n.childForFieldName('function');
    if (!fnNode) return;
    if (fnNode.type === 'variable_name' || fnNode.type === 'subscript_expression') {
      const v = evalPhp(fnNode, s);
      const name = literal(v);
      if (name === undefined) return out.ask('the inline code calls a function whose name is built at run time');
      return callFn(name, a, out, depth, curl);
    }
    return callFn(fnNode.text.replace(/^\\/, '').toLowerCase(), a, out, depth, curl);
  }
  const nameNode = n.childForFieldName('name');
  if (!nameNode) return;
  if (nameNode.type === 'variable_name') return out.ask('the inline code calls a method whose name is built at run time');
  const method = nameNode.text;
  if (n.type === 'scoped_call_expression') {
    const scope = n.childForFieldName('scope')?.text.replace(/^\\/, '') ?? '';
    if (/^(?:DB|Schema)$/.test(scope)) {
      if (/^(?:statement|unprepared|delete|update|select|insert)$/.test(method)) return out.sql(a[0]);
      if (/^(?:drop|dropIfExists|dropAllTables)$/.test(method)) return out.line(`psql -c ${"'DROP TABLE " + (literal(a[0]) ?? 'every_table').replace(/'/g, '') + "'"}`);
    }
    if (method === 'truncate') return out.line(`psql -c 'TRUNCATE "${scope}"'`);
    if (scope === 'Storage' && /^(?:deleteDirectory|delete)$/.test(method)) return out.remove(a[0], method === 'deleteDirectory');
    if (scope === 'File' && /^(?:deleteDirectory|delete|cleanDirectory)$/.test(method)) return out.remove(a[0], method !== 'delete');
    return;
  }
  // member calls: $client->delete(url), $pdo->exec(sql), $s3->deleteBucket([...])
  const obj = evalPhp(n.childForFieldName('object')!, s);
  const cls = obj.kind === 'ref' ? obj.path : '';
  if (/^(?:delete|post|put|patch)$/i.test(method) && a[0]?.kind === 'str') return out.http(method, a[0], method.toLowerCase() === 'delete' ? undefined : a[1]);
  if (/^(?:request|requestAsync|send)$/.test(method) && a[0]?.kind === 'str' && literal(a[0]) !== undefined && /^[A-Za-z]+$/.test(literal(a[0])!)) return out.http(literal(a[0]), a[1]);
  if (/^(?:exec|query|prepare|multi_query|real_query|statement|unprepared)$/.test(method) && a.length) return out.sql(a[0], /mysqli/i.test(cls) ? 'mysql' : 'psql');
  if (/Aws\\|S3Client|Ec2Client|RdsClient|DynamoDbClient/.test(cls) && SDK_DESTRUCTIVE.test(method)) {
    const target = a[0]?.kind === 'dict' ? a[0].entries.find(([, v]) => v.kind === 'str')?.[1] : undefined;
    const svc = /(\w+?)Client$/.exec(cls)?.[1]?.toLowerCase() ?? 'aws';
    return cloudDelete(out, 'aws', svc, method, target);
  }
  if (/^(?:flushall|flushdb|flushAll|flushDB)$/.test(method)) return out.line('redis-cli FLUSHALL');
}

function callFn(name: string, a: Value[], out: Collector, depth: number, curl: { url?: Value; method?: string }): void {
  switch (name) {
    case 'unlink':
      return out.remove(a[0], false);
    case 'rmdir':
      return;
    case 'exec':
    case 'system':
    case 'shell_exec':
    case 'passthru':
    case 'popen':
    case 'proc_open':
    case 'pcntl_exec':
      return out.exec(name === 'pcntl_exec' ? { kind: 'list', items: [a[0] ?? UNKNOWN, ...(a[1]?.kind === 'list' ? a[1].items : [])] } : a[0], name);
    case 'file_put_contents':
      return out.write(a[0], /FILE_APPEND/.test(JSON.stringify(a[2] ?? '')));
    case 'fopen': {
      const mode = literal(a[1]) ?? 'r';
      if (/[wax+c]/.test(mode)) out.write(a[0], mode.startsWith('a'));
      return;
    }
    case 'curl_init':
      curl.url = a[0];
      return;
    case 'curl_setopt':
    case 'curl_setopt_array':
      return;
    case 'mysqli_query':
    case 'pg_query':
    case 'mysqli_multi_query':
      return out.sql(a[a.length - 1], name.startsWith('pg') ? 'psql' : 'mysql');
    case 'eval':
    case 'assert':
    case 'create_function': {
      const code = literal(a[a.length - 1]);
      if (code === undefined) return out.ask(`the inline code runs PHP built at run time (${name})`);
      if (depth < 4) {
        const inner = analysePhp(code, depth + 1);
        for (const l of inner.lines) out.line(l);
        if (inner.unanalysable) out.ask(inner.unanalysable);
      }
      return;
    }
    case 'call_user_func':
    case 'call_user_func_array': {
      const fn = literal(a[0]);
      if (fn === undefined) return out.ask(`the inline code calls a function whose name is built at run time (${name})`);
      return callFn(fn.toLowerCase(), name === 'call_user_func' ? a.slice(1) : a[1]?.kind === 'list' ? a[1].items : [], out, depth, curl);
    }
    default:
      return;
  }
}

export function analysePhp(code0: string, depth = 0): Effects {
  const code = /^\s*<\?php/.test(code0) ? code0 : `<?php ${code0}`;
  const out = new Collector();
  const r = withTree('php', code, (root) => {
    const s: Scope = { vars: new Map() };
    for (const n of root.descendantsOfType('assignment_expression')) {
      const left = n?.childForFieldName('left');
      const right = n?.childForFieldName('right');
      if (left?.type === 'variable_name' && right) s.vars.set(left.text, evalPhp(right, s));
    }
    const curl: { url?: Value; method?: string } = {};
    // curl_setopt($ch, CURLOPT_CUSTOMREQUEST, 'DELETE') / CURLOPT_URL: the request curl_exec sends.
    for (const n of root.descendantsOfType('function_call_expression')) {
      if (!n || !/^curl_setopt$/i.test(n.childForFieldName('function')?.text ?? '')) continue;
      const list = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((c): c is SyntaxNode => !!c);
      const opt = list[1]?.text ?? '';
      if (/CURLOPT_CUSTOMREQUEST/.test(opt)) curl.method = literal(evalPhp(list[2], s)) ?? 'UNKNOWN';
      if (/CURLOPT_URL/.test(opt)) curl.url = evalPhp(list[2], s);
    }
    for (const n of root.descendantsOfType(['function_call_expression', 'member_call_expression', 'scoped_call_expression', 'nullsafe_member_call_expression', 'shell_command_expression'])) {
      if (n) judge(n, s, out, depth, curl);
    }
    if (curl.method === 'UNKNOWN') out.ask('the inline code sends an HTTP request whose method is built at run time (curl)');
    else if (curl.method) out.http(curl.method, curl.url ?? str('https://unknown.invalid/'));
  });
  if (r.error) out.ask(`the PHP code cannot be parsed: ${r.error}`);
  return out;
}
