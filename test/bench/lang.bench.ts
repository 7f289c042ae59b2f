/**
 * Embedded-code parsers (not a test: prints figures, asserts nothing).
 *  - one-time load of each parser: PostgreSQL's (at engine creation), each tree-sitter grammar (on first need)
 *  - per-snippet median and p99 after load, per language, through the parser alone and through engine.check
 *  - a line without embedded code: engine.check median before and after the grammars are loaded
 */
import { createEngine } from '../../src/core/engine';
import { grammarLoadTimes } from '../../src/core/lang/grammars';
import { analyseSql, sqlParserLoadMs } from '../../src/core/lang/sql';
import { analysePython } from '../../src/core/lang/python';
import { analyseJs } from '../../src/core/lang/js';
import { analyseRuby } from '../../src/core/lang/ruby';
import { analysePhp } from '../../src/core/lang/php';
import { analyseCmd, analysePowerShell } from '../../src/core/lang/powershell';
import { analyseGraphqlBody } from '../../src/core/lang/graphql';

function stats(times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((s.length - 1) * p))];
  return `median ${at(0.5).toFixed(3)} ms, p99 ${at(0.99).toFixed(3)} ms`;
}

function time(n: number, f: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    out.push(performance.now() - t);
  }
  return out;
}

const SNIPPETS: Record<string, { parse: () => unknown; command: string; shell?: 'powershell' | 'cmd' }> = {
  python: {
    parse: () => analysePython('import shutil, subprocess\nshutil.rmtree("build")\nsubprocess.run(["git", "status"])\nprint(open("a.txt").read())'),
    command: `python3 -c 'import shutil, subprocess; shutil.rmtree("build"); subprocess.run(["git", "status"])'`,
  },
  javascript: {
    parse: () => analyseJs('const { execSync } = require("child_process");\nconst fs = require("fs");\nfs.rmSync("dist", { recursive: true });\nconsole.log(execSync("git status").toString())'),
    command: `node -e 'const fs = require("fs"); fs.rmSync("dist", { recursive: true }); console.log(1)'`,
  },
  ruby: {
    parse: () => analyseRuby('require "fileutils"\nFileUtils.rm_rf("tmp")\nsystem("git", "status")\nputs File.read("a.txt")'),
    command: `ruby -e 'require "fileutils"; FileUtils.rm_rf("tmp"); puts 1'`,
  },
  php: {
    parse: () => analysePhp('$d = json_decode(file_get_contents("a.json"), true); unlink("tmp/x.log"); echo count($d);'),
    command: `php -r 'unlink("tmp/x.log"); echo 1;'`,
  },
  sql: {
    parse: () => analyseSql("DELETE FROM users WHERE id = 7 AND created_at < now() - interval '1 day'; SELECT count(*) FROM users;"),
    command: `psql -c "DELETE FROM users WHERE id = 7 AND created_at < now() - interval '1 day'"`,
  },
  'sql (mysql)': {
    parse: () => analyseSql('DELETE FROM users WHERE id = 7; SELECT count(*) FROM users;', 'mysql'),
    command: `mysql -e "DELETE FROM users WHERE id = 7"`,
  },
  'sql (DO block)': {
    parse: () => analyseSql("DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$"),
    command: `psql -c "DO \\$\\$ BEGIN EXECUTE 'DROP TABLE users'; END \\$\\$"`,
  },
  graphql: {
    parse: () => analyseGraphqlBody('{"query":"mutation M($id: ID!) { a: volumeDelete(volumeId: $id) ...F } fragment F on Mutation { projectUpdate(input: {numReplicas: 1}) { id } }","variables":{"id":"v"}}'),
    command: `curl -s https://backboard.railway.app/graphql/v2 -d '{"query":"query { me { id } }"}'`,
  },
  powershell: {
    parse: () => analysePowerShell('Remove-Item .\\dist -Recurse -Force; git status; Invoke-RestMethod -Uri https://api.example.com/x'),
    command: 'Remove-Item .\\dist -Recurse -Force; git status',
    shell: 'powershell',
  },
  cmd: {
    parse: () => analyseCmd('rd /s /q dist & git status'),
    command: 'rd /s /q dist & git status',
    shell: 'cmd',
  },
};

async function main(): Promise<void> {
  const t0 = performance.now();
  const engine = await createEngine({ timeBudgetMs: 10_000 });
  console.log(`engine creation: ${(performance.now() - t0).toFixed(1)} ms (PostgreSQL's parser, loaded in parallel with the shell grammar: ${sqlParserLoadMs().toFixed(1)} ms)`);
  const req = (command: string, shell?: 'powershell' | 'cmd') => ({ command, cwd: '/home/dev/app', workspaceRoot: '/home/dev/app', home: '/home/dev', ...(shell ? { shell } : {}) });
  const plain = time(2000, () => engine.check(req('git status && ls -la src | grep ts')));
  console.log(`line without embedded code, before any grammar loads: ${stats(plain)}`);

  for (const [name, s] of Object.entries(SNIPPETS)) {
    const first = performance.now();
    s.parse();
    const firstMs = performance.now() - first;
    const parse = time(500, s.parse);
    engine.check(req(s.command, s.shell));
    const check = time(500, () => engine.check(req(s.command, s.shell)));
    console.log(`${name.padEnd(15)} first use ${firstMs.toFixed(1).padStart(6)} ms | parse+model ${stats(parse)} | engine.check ${stats(check)}`);
  }
  const loads = grammarLoadTimes();
  console.log(`grammar one-time loads (synchronous, on first need): ${Object.entries(loads).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ')}`);
  const after = time(2000, () => engine.check(req('git status && ls -la src | grep ts')));
  console.log(`line without embedded code, after the grammars loaded: ${stats(after)}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
