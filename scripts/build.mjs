// Bundles the extension, the CLI and the gate helper with esbuild.
// Type checks are separate (`npm run typecheck`): esbuild only strips types.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
  // jsonc-parser's UMD entry requires './impl/*' at run time; its ESM entry bundles cleanly.
  mainFields: ['module', 'main'],
};

const entries = [
  { entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/intercept/gate-client.ts'], outfile: 'dist/gate.js' },
];

// The parser's WebAssembly files travel next to the bundles.
mkdirSync('dist', { recursive: true });
cpSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
cpSync('node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm', 'dist/tree-sitter-bash.wasm');
// Grammars for code embedded in command lines (loaded on first need) and PostgreSQL's parser.
for (const g of ['python', 'javascript', 'ruby', 'php', 'powershell']) {
  cpSync(`node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-${g}.wasm`, `dist/tree-sitter-${g}.wasm`);
}
cpSync('node_modules/libpg-query/wasm/libpg-query.wasm', 'dist/libpg-query.wasm');

// Parser libraries loaded at run time (src/core/lang/vendor.ts), each bundled on its own so
// the main bundles stay small: the SQL grammars, PostgreSQL's parser, graphql-js.
const vendors = [
  { entryPoints: ['node_modules/node-sql-parser/build/mysql.js'], outfile: 'dist/vendor-sql-mysql.js' },
  { entryPoints: ['node_modules/node-sql-parser/build/mariadb.js'], outfile: 'dist/vendor-sql-mariadb.js' },
  { entryPoints: ['node_modules/node-sql-parser/build/sqlite.js'], outfile: 'dist/vendor-sql-sqlite.js' },
  { entryPoints: ['node_modules/node-sql-parser/build/postgresql.js'], outfile: 'dist/vendor-sql-postgresql.js' },
  { entryPoints: ['node_modules/libpg-query/wasm/index.cjs'], outfile: 'dist/vendor-libpg-query.js' },
  { entryPoints: ['node_modules/graphql/language/index.js'], outfile: 'dist/vendor-graphql.js' },
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
