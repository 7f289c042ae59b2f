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
  // Agents' hooks: the cheap path alone; the slow path is dist/cli.js, loaded when needed.
  { entryPoints: ['src/cli/hookMain.ts'], outfile: 'dist/hook.js', external: ['vscode', './cli.js'] },
];

// The parser's WebAssembly files travel next to the bundles.
mkdirSync('dist', { recursive: true });
cpSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
cpSync('node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter-bash.wasm', 'dist/tree-sitter-bash.wasm');

if (watch) {
  for (const e of entries) {
    const ctx = await esbuild.context({ ...common, ...e });
    await ctx.watch();
  }
} else {
  await Promise.all(entries.map((e) => esbuild.build({ ...common, ...e })));
}
