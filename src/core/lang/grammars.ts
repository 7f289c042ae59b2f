/**
 * Tree-sitter grammars for the code embedded in command lines (python -c, node -e, ruby -e,
 * php -r, PowerShell), loaded on first need and synchronously, so the engine's `check()`
 * stays synchronous and a line without embedded code pays nothing.
 *
 * web-tree-sitter only offers an asynchronous `Language.load`. The runtime it initialises
 * (the module object given to `Parser.init`, kept by lang/treesitter.ts) exposes the
 * dynamic linker with a synchronous mode; the grammar is linked with it and wrapped in a
 * `Language` the way `Language.load` does. A load-time self-test parses a known snippet:
 * if that ever fails (a changed runtime), the grammar counts as unavailable and the
 * callers treat the code as unanalysable (ask), never as harmless.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language, Node, Parser } from 'web-tree-sitter';
import { treeSitterRuntime } from './treesitter';

export type GrammarName = 'python' | 'javascript' | 'ruby' | 'php' | 'powershell';
export type SyntaxNode = Node;

const SELF_TEST: Record<GrammarName, { code: string; root: string }> = {
  python: { code: 'x = 1', root: 'module' },
  javascript: { code: 'x = 1', root: 'program' },
  ruby: { code: 'x = 1', root: 'program' },
  php: { code: '<?php $x = 1;', root: 'program' },
  powershell: { code: '$x = 1', root: 'program' },
};

interface Loaded {
  parser?: Parser;
  error?: string;
  ms: number;
}

const loaded = new Map<GrammarName, Loaded>();
let extraDir: string | undefined;

/** Also look for grammar files in this folder (the engine's `wasmDir`). */
export function setGrammarDir(dir: string | undefined): void {
  extraDir = dir;
}

type LinkFn = (bytes: Uint8Array, flags: { loadAsync: boolean }) => Record<string, () => number>;

function locate(name: GrammarName, base: string): string | undefined {
  const file = `tree-sitter-${name}.wasm`;
  const dirs = [extraDir, base, __dirname];
  try {
    dirs.push(join(require.resolve('@vscode/tree-sitter-wasm/package.json'), '..', 'wasm'));
  } catch {
    /* bundled: the files travel next to the bundle */
  }
  for (const d of dirs) if (d && existsSync(join(d, file))) return join(d, file);
  return undefined;
}

function load(name: GrammarName): Loaded {
  const started = performance.now();
  const rt = treeSitterRuntime();
  if (!rt) return { error: 'the tree-sitter runtime is not started', ms: 0 };
  const file = locate(name, rt.grammarDir);
  if (!file) return { error: `tree-sitter-${name}.wasm is missing`, ms: 0 };
  try {
    const C = rt.module as Record<string, (...a: number[]) => number> & { loadWebAssemblyModule: LinkFn; UTF8ToString: (p: number) => string };
    const exports = C.loadWebAssemblyModule(readFileSync(file), { loadAsync: false });
    const fn = Object.keys(exports).find((k) => /^tree_sitter_\w+$/.test(k) && !k.includes('external_scanner_'));
    if (!fn) throw new Error('no language function in the grammar');
    const address = exports[fn]();
    // Same fields as web-tree-sitter's Language constructor fills in.
    const lang = Object.create(rt.ts.Language.prototype) as Language & { 0: number; types: string[]; fields: (string | null)[] };
    lang[0] = address;
    lang.types = new Array<string>(C._ts_language_symbol_count(address));
    for (let i = 0; i < lang.types.length; i++) {
      if (C._ts_language_symbol_type(address, i) < 2) lang.types[i] = C.UTF8ToString(C._ts_language_symbol_name(address, i));
    }
    lang.fields = new Array<string | null>(C._ts_language_field_count(address) + 1);
    for (let i = 0; i < lang.fields.length; i++) {
      const f = C._ts_language_field_name_for_id(address, i);
      lang.fields[i] = f !== 0 ? C.UTF8ToString(f) : null;
    }
    const parser = new rt.ts.Parser();
    parser.setLanguage(lang);
    const t = SELF_TEST[name];
    const tree = parser.parse(t.code);
    const ok = tree?.rootNode.type === t.root && !tree.rootNode.hasError;
    tree?.delete();
    if (!ok) throw new Error('the grammar failed its self-test');
    return { parser, ms: performance.now() - started };
  } catch (e) {
    return { error: `the ${name} grammar cannot be loaded (${(e as Error).message})`, ms: performance.now() - started };
  }
}

/** The parser for a grammar, loading it on first use; undefined (with the reason) when it cannot load. */
export function grammar(name: GrammarName): { parser?: Parser; error?: string } {
  let l = loaded.get(name);
  if (!l) {
    l = load(name);
    loaded.set(name, l);
  }
  return l;
}

let otherLoads = 0;

/** Other parsers loaded on first need (SQL dialect grammars, graphql-js) count as one-time loads too. */
export function noteOneTimeLoad(): void {
  otherLoads++;
}

/** How many parsers were loaded (or failed to) so far: the engine checks a line again when one loaded during it. */
export function grammarLoadCount(): number {
  return loaded.size + otherLoads;
}

/** One-time load cost per grammar loaded so far (for the bench). */
export function grammarLoadTimes(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of loaded) if (v.parser) out[k] = v.ms;
  return out;
}

/** Parses code and hands the root to `f`; the tree is freed afterwards. */
export function withTree<T>(name: GrammarName, code: string, f: (root: SyntaxNode) => T): { value?: T; error?: string } {
  const g = grammar(name);
  if (!g.parser) return { error: g.error };
  const tree = g.parser.parse(code);
  if (!tree) return { error: `the ${name} parser returned nothing` };
  try {
    return { value: f(tree.rootNode) };
  } finally {
    tree.delete();
  }
}
