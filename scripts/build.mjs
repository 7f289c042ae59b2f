// Bundles the extension, the CLI and the gate helper with esbuild.
// Type checks are separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// The integration tier's build: keeps the test port that stands in for the person (see
// src/buildFlags.d.ts). Never packaged: `npm run package` builds with --production.
const test = process.argv.includes('--test') && !production;

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  define: { TWOKEY_TEST_BUILD: test ? 'true' : 'false' },
  // jsonc-parser's UMD entry requires './impl/*' at run time; its ESM entry bundles cleanly.
  mainFields: ['module', 'main'],
};

// TWOKEY_BUILD_OUT: another output folder (a test builds the product bundle there).
const out = process.env.TWOKEY_BUILD_OUT || 'dist';
const entries = [
  { entryPoints: ['src/extension.ts'], outfile: `${out}/extension.js` },
  { entryPoints: ['src/cli/main.ts'], outfile: `${out}/cli.js`, banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/intercept/gate-client.ts'], outfile: `${out}/gate.js` },
  // Agents' hooks: a small loader (hook.js) that keeps V8's compiled code, and the cheap path
  // alone (hook-body.js, minified: less to parse at every start); the slow path is cli.js,
  // loaded when needed.
  { entryPoints: ['src/cli/hookLoader.ts'], outfile: `${out}/hook.js`, sourcemap: false },
  { entryPoints: ['src/cli/hookMain.ts'], outfile: `${out}/hook-body.js`, external: ['vscode', './cli.js'], minify: true },
  // The classifier worker thread of the editor's broker (src/intercept/classifyWorker.ts).
  { entryPoints: ['src/intercept/classifyWorker.ts'], outfile: `${out}/classify-worker.js` },
  // The audit view's webview script (src/webview, type-checked by tsconfig.webview.json).
  { entryPoints: ['src/webview/auditView/main.ts'], outfile: `${out}/audit-view.js`, platform: 'browser', format: 'iife', target: 'es2022', external: [] },
];

// The parser's WebAssembly files travel next to the bundles.
mkdirSync(out, { recursive: true });
cpSync('node_modules/web-tree-sitter/tree-sitter.wasm', `${out}/tree-sitter.wasm`);
cpSync('node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm', `${out}/tree-sitter-bash.wasm`);
// Grammars for code embedded in command lines (loaded on first need) and PostgreSQL's parser.
for (const g of ['python', 'javascript', 'ruby', 'php', 'powershell']) {
  cpSync(`node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-${g}.wasm`, `${out}/tree-sitter-${g}.wasm`);
}
cpSync('node_modules/libpg-query/wasm/libpg-query.wasm', `${out}/libpg-query.wasm`);

// Parser libraries loaded at run time (src/core/lang/vendor.ts), each bundled on its own so
// the main bundles stay small: the SQL grammars, PostgreSQL's parser, graphql-js.
const vendors = [
  { entryPoints: ['node_modules/node-sql-parser/build/mysql.js'], outfile: `${out}/vendor-sql-mysql.js` },
  { entryPoints: ['node_modules/node-sql-parser/build/mariadb.js'], outfile: `${out}/vendor-sql-mariadb.js` },
  { entryPoints: ['node_modules/node-sql-parser/build/sqlite.js'], outfile: `${out}/vendor-sql-sqlite.js` },
  { entryPoints: ['node_modules/node-sql-parser/build/postgresql.js'], outfile: `${out}/vendor-sql-postgresql.js` },
  { entryPoints: ['node_modules/libpg-query/wasm/index.cjs'], outfile: `${out}/vendor-libpg-query.js` },
  { entryPoints: ['node_modules/graphql/language/index.js'], outfile: `${out}/vendor-graphql.js` },
].map((v) => ({ ...common, sourcemap: false, minify: true, ...v }));
await Promise.all(vendors.map((v) => esbuild.build(v)));

if (watch) {
  for (const e of entries) {
    const ctx = await esbuild.context({ ...common, ...e });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}
