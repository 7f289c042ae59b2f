/**
 * Loads tree-sitter (web-tree-sitter) with the bash grammar. Reads only the two .wasm
 * files, once, at start-up. Everything after `loadBashParser` is synchronous.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';

// Types only; the module itself is required lazily so the CLI starts fast.
import type { Parser as TSParser, Node as TSNode, Tree as TSTree } from 'web-tree-sitter';

export type SyntaxNode = TSNode;
export type SyntaxTree = TSTree;
export type BashParser = TSParser;

const RUNTIME = 'tree-sitter.wasm';
const BASH = 'tree-sitter-bash.wasm';

/** Finds the folder holding both .wasm files: the given one, next to the bundle, or node_modules. */
export function locateWasm(wasmDir?: string): { runtime: string; bash: string } {
  const candidates: Array<{ runtime: string; bash: string }> = [];
  if (wasmDir) candidates.push({ runtime: join(wasmDir, RUNTIME), bash: join(wasmDir, BASH) });
  candidates.push({ runtime: join(__dirname, RUNTIME), bash: join(__dirname, BASH) });
  try {
    const rt = join(dirname(require.resolve('web-tree-sitter')), RUNTIME);
    const grammarDir = join(dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm');
    candidates.push({ runtime: rt, bash: join(grammarDir, BASH) });
  } catch {
    /* not installed next to us: only the bundle location applies */
  }
  for (const c of candidates) {
    if (existsSync(c.runtime) && existsSync(c.bash)) return c;
  }
  throw new Error(`twokey: cannot find ${RUNTIME} and ${BASH} (looked in ${candidates.map((c) => dirname(c.runtime)).join(', ')})`);
}

let cached: Promise<BashParser> | undefined;

/** The initialised tree-sitter runtime: the module object the other grammars load into (src/core/lang/grammars.ts). */
export interface TreeSitterRuntime {
  ts: typeof import('web-tree-sitter');
  module: Record<string, unknown>;
  grammarDir: string;
}
let runtime: TreeSitterRuntime | undefined;

export function treeSitterRuntime(): TreeSitterRuntime | undefined {
  return runtime;
}
let cachedKey: string | undefined;

export function loadBashParser(wasmDir?: string): Promise<BashParser> {
  const files = locateWasm(wasmDir);
  const key = files.runtime + '|' + files.bash;
  if (cached && cachedKey === key) return cached;
  cachedKey = key;
  cached = (async () => {
     
    const ts = require('web-tree-sitter') as typeof import('web-tree-sitter');
    const wasmBinary = readFileSync(files.runtime);
    const moduleObject: Record<string, unknown> = { wasmBinary, locateFile: () => files.runtime };
    await ts.Parser.init(moduleObject as unknown as object);
    runtime = { ts, module: moduleObject, grammarDir: dirname(files.bash) };
    const lang = await ts.Language.load(readFileSync(files.bash));
    const parser = new ts.Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return cached;
}
