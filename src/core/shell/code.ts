/**
 * Inline interpreter code (python -c, node -e, perl -e, ruby -e, deno eval, bun -e, php -r)
 * translated into the equivalent shell commands, so the same rules judge them:
 * `shutil.rmtree('data')` → `rm -r data`, `requests.delete(url)` → `curl -X DELETE url`,
 * `subprocess.run(['rm','-rf','x'])` → `rm -rf x`, `cur.execute("DROP TABLE t")` → `psql -c …`.
 * Pattern matching over another language's source is a heuristic: it looks for the calls
 * that delete, run commands or send requests, and the string literals they are given.
 */
import { analysePython } from '../lang/python';
import { analyseJs } from '../lang/js';
import { analyseRuby } from '../lang/ruby';
import { analysePhp } from '../lang/php';
import { singleQuote } from '../argv';

export type CodeLang = 'python' | 'js' | 'perl' | 'ruby' | 'php';

export interface CodeScript {
  lines: string[];
  unanalysable?: string;
}

/** A string literal: '…', "…", `…` with optional python prefixes. Group 2 is the content. */
const LIT = String.raw`(?:\b[rRbBuUfF]{1,2})?(['"\x60])((?:\\.|(?!\1)[^\\])*)\1`;
const LIT_RE = new RegExp(LIT, 'g');
const UNKNOWN = '"$CODE_VALUE"';

function unescapeLit(s: string): string {
  return s.replace(/\\(["'`\\])/g, '$1').replace(/\\n/g, '\n');
}

/** The first argument of a call starting at `idx` (just after the opening parenthesis). */
function firstArg(code: string, idx: number): { literal?: string; text: string } {
  const rest = code.slice(idx).trimStart();
  const m = new RegExp('^' + LIT).exec(rest);
  if (m) return { literal: m[1] === '`' && m[2].includes('${') ? undefined : unescapeLit(m[2]), text: m[0] };
  // Path('x') / new URL('x') / os.path.join('a','b'): take the first literal inside if it is the only thing.
  const inner = /^(?:[\w.]+\()\s*(?:[rbuf]{0,2})(['"])((?:\\.|(?!\1)[^\\])*)\1\s*\)/.exec(rest);
  if (inner) return { literal: unescapeLit(inner[2]), text: inner[0] };
  return { text: rest.slice(0, 40) };
}

/** Text of a call's argument list (balanced parentheses), from just after `(`. */
function callArgs(code: string, idx: number): string {
  let depth = 1;
  let i = idx;
  let quote = '';
  for (; i < code.length && i - idx < 4000; i++) {
    const ch = code[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) break;
    }
  }
  return code.slice(idx, i);
}

function listLiterals(s: string): string[] | undefined {
  const t = s.trim();
  if (!/^[[(]/.test(t)) return undefined;
  const out: string[] = [];
  const body = t.slice(1);
  LIT_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = LIT_RE.exec(body))) out.push(unescapeLit(m[2]));
  return out.length ? out : undefined;
}

const DELETE_TREE: Record<CodeLang, RegExp> = {
  python: /\b(?:shutil\.rmtree|rmtree|remove_tree|send2trash)\s*\(/g,
  js: /(?:[\w$)\]]\.(?:rm|rmSync|rmdir|rmdirSync)|(?<![\w.$])(?:rmSync|rmdirSync)|\b(?:fse|fsExtra|fs|Deno)\.(?:remove|removeSync|emptyDir|emptyDirSync)|\brimraf(?:\.sync|Sync)?|\bdeleteAsync|\bdeleteSync)\s*\(/g,
  perl: /\b(?:rmtree|remove_tree)\s*\(?/g,
  ruby: /\bFileUtils\.(?:rm_rf|rm_r|remove_dir|remove_entry|remove_entry_secure|rmtree)\s*\(?/g,
  php: /\b(?:rmdir)\s*\(/g,
};

const DELETE_FILE: Record<CodeLang, RegExp> = {
  python: /\b(?:os\.remove|os\.unlink|remove|unlink)\s*\(|\bPath\s*\(([^)]*)\)\s*\.unlink\s*\(/g,
  js: /(?:[\w$)\]]\.(?:unlink|unlinkSync)|(?<![\w.$])unlinkSync)\s*\(/g,
  perl: /\bunlink\s*\(?/g,
  ruby: /\b(?:File\.(?:delete|unlink)|FileUtils\.(?:rm|rm_f|remove))\s*\(?/g,
  php: /\bunlink\s*\(/g,
};

const EXEC_CALL: Record<CodeLang, RegExp> = {
  python: /\b(?:os\.system|os\.popen|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|os\.exec\w*|os\.spawn\w*|sh\.\w+|pexpect\.spawn)\s*\(/g,
  js: /\b(?:execSync|exec|execFile|execFileSync|spawn|spawnSync|execa|execaSync|execaCommand|execaCommandSync|Bun\.spawn|Bun\.spawnSync|Deno\.Command|Deno\.run)\s*\(/g,
  perl: /\b(?:system|exec|qx)\s*\(?/g,
  ruby: /\b(?:system|exec|spawn|Open3\.\w+|IO\.popen|%x)\s*\(?/g,
  php: /\b(?:exec|system|shell_exec|passthru|popen|proc_open)\s*\(/g,
};

/**
 * The shell commands inline code amounts to. Python, JavaScript, Ruby and PHP are read with
 * their tree-sitter grammars (src/core/lang); Perl with the patterns below.
 */
export function codeToShell(lang: CodeLang, code: string): CodeScript {
  if (lang === 'python') return analysePython(code);
  if (lang === 'js') return analyseJs(code);
  if (lang === 'ruby') return analyseRuby(code);
  if (lang === 'php') return analysePhp(code);
  return codeToShellByPattern(lang, code);
}

/** Pattern matching over the source: the calls that delete, run commands or send requests, and their string literals. */
export function codeToShellByPattern(lang: CodeLang, code: string): CodeScript {
  const lines: string[] = [];
  let unanalysable: string | undefined;

  const scan = (re: RegExp, f: (m: RegExpExecArray) => void) => {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    let n = 0;
    while ((m = re.exec(code)) && n++ < 50) f(m);
  };

  if (/rm|rmtree|remove|unlink|del|FileUtils|rimraf/.test(code)) {
    scan(DELETE_TREE[lang], (m) => {
      const start = m.index + m[0].length;
      const arg = firstArg(code, start);
      const all = callArgs(code, start);
      const recursive = lang !== 'js' || /recursive\s*:\s*true|rimraf|remove|emptyDir|del/i.test(m[0] + all);
      lines.push(`rm ${recursive ? '-r ' : ''}${arg.literal !== undefined ? singleQuote(arg.literal) : UNKNOWN}`);
    });
    scan(DELETE_FILE[lang], (m) => {
      if (m[1] !== undefined) {
        const lit = new RegExp(LIT).exec(m[1]);
        lines.push(`rm ${lit ? singleQuote(unescapeLit(lit[2])) : UNKNOWN}`);
        return;
      }
      const arg = firstArg(code, m.index + m[0].length);
      lines.push(`rm ${arg.literal !== undefined ? singleQuote(arg.literal) : UNKNOWN}`);
    });
  }

  scan(EXEC_CALL[lang], (m) => {
    const start = m.index + m[0].length;
    const all = callArgs(code, start);
    const list = listLiterals(all);
    if (list) {
      lines.push(list.map((w) => singleQuote(w)).join(' '));
      return;
    }
    const arg = firstArg(code, start);
    if (arg.literal !== undefined) {
      // execFile('rm', ['-rf', 'x']) / spawn('rm', ['-rf','x']) / Deno.Command('rm', {args: [...]})
      const after = all.slice(all.indexOf(arg.text) + arg.text.length);
      const more = /\[/.test(after) ? listLiterals(after.slice(after.indexOf('['))) : undefined;
      lines.push(more ? [arg.literal, ...more].map((w) => singleQuote(w)).join(' ') : arg.literal);
    } else if (!/^\s*\)/.test(all)) {
      unanalysable ??= 'the inline code runs a command built at run time';
    }
  });
  if (lang === 'perl' || lang === 'ruby' || lang === 'php' || lang === 'js') {
    // Backticks / qx{} / Bun.$`…` run shell text.
    const bt = lang === 'js' ? /\$`([^`]*)`/g : /`([^`]*)`|\bqx\{([^}]*)\}/g;
    scan(bt, (m) => lines.push((m[1] ?? m[2] ?? '').replace(/\$\{[^}]*\}/g, UNKNOWN)));
  }

  // HTTP deletes: requests.delete(url), axios.delete(url), fetch(url, {method: 'DELETE'}).
  if (/delete/i.test(code)) {
    const urls = [...code.matchAll(/(['"`])(https?:\/\/[^'"`\s]+)\1/g)].map((m) => m[2]);
    const url = urls[0] ?? 'https://unknown.invalid/';
    scan(/\b(?:requests|httpx|axios|session|s|client|http|ky|got|superagent|request|urllib3|\$http)\s*\.\s*delete\s*\(/gi, (m) => {
      const arg = firstArg(code, m.index + m[0].length);
      lines.push(`curl -X DELETE ${singleQuote(arg.literal && /^https?:/.test(arg.literal) ? arg.literal : url)}`);
    });
    if (/method\s*[:=]\s*['"]DELETE['"]|request\s*\(\s*['"]DELETE['"]|Net::HTTP::Delete|CURLOPT_CUSTOMREQUEST\s*,\s*['"]DELETE/i.test(code)) {
      lines.push(`curl -X DELETE ${singleQuote(url)}`);
    }
  }

  // String literals that are SQL, GraphQL mutations, Mongo or Redis commands.
  LIT_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = LIT_RE.exec(code)) && n++ < 200) {
    const s = unescapeLit(m[2]);
    if (/\b(?:drop|truncate|delete|update|alter)\b/i.test(s) && /^\s*(?:drop|truncate|delete\s+from|update\s+\S+\s+set|alter\s+table)\b/i.test(s)) {
      lines.push(`psql -c ${singleQuote(s)}`);
    } else if (/\bmutation\b/.test(s)) {
      const urls = [...code.matchAll(/(['"`])(https?:\/\/[^'"`\s]+)\1/g)].map((u) => u[2]);
      lines.push(`curl -X POST ${singleQuote(urls[0] ?? 'https://unknown.invalid/graphql')} --data-raw ${singleQuote(JSON.stringify({ query: s }))}`);
    } else if (/^\s*(?:flushall|flushdb)\s*$/i.test(s)) {
      lines.push(`redis-cli ${s.trim()}`);
    }
  }
  if (/\b(?:drop_database|dropDatabase)\s*\(|\.drop\s*\(\s*\)|\b(?:delete_many|deleteMany|remove)\s*\(\s*\{\s*\}\s*\)/.test(code)) {
    const mm = /\b(?:drop_database|dropDatabase)\s*\(|\.drop\s*\(\s*\)|\b(?:delete_many|deleteMany|remove)\s*\(\s*\{\s*\}\s*\)/.exec(code)!;
    lines.push(`mongosh --eval ${singleQuote(mm[0].replace('drop_database', 'dropDatabase').replace('delete_many', 'deleteMany').startsWith('.') ? 'db.c' + mm[0] : 'db.' + mm[0].replace('drop_database', 'dropDatabase').replace('delete_many', 'deleteMany'))}`);
  }
  if (/\.(?:flushall|flushdb|flushAll|flushDb)\s*\(/.test(code)) lines.push('redis-cli FLUSHALL');

  return { lines, unanalysable };
}
