/**
 * The source tree as the house tests see it: every `.ts` file under src/ and the files each
 * one imports, resolved with the TypeScript compiler's own module resolution.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** The repository root (this file is compiled to out/test/unit/house). */
export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const SRC = path.join(ROOT, 'src');

/** Repository-relative, forward slashes: `src/core/engine.ts`. */
export function rel(file: string): string {
  return path.relative(ROOT, file).split(path.sep).join('/');
}

/** Every TypeScript source under src/ (declaration files left out), sorted. */
export function sourceFiles(dir = SRC): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out.sort();
}

export interface ImportGraph {
  /** file → the src files it imports (relative specifiers, resolved). */
  edges: Map<string, string[]>;
  /** file → bare specifiers it imports (`vscode`, `node:fs`, packages). */
  packages: Map<string, string[]>;
  /** Relative specifiers that resolve to no source file. */
  unresolved: string[];
}

function compilerOptions(): ts.CompilerOptions {
  const cfg = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  if (cfg.error) throw new Error(ts.flattenDiagnosticMessageText(cfg.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(cfg.config, ts.sys, ROOT).options;
}

let cached: ImportGraph | undefined;

/**
 * Imports, re-exports, `import()` and `require()` of every source file, type-only ones
 * included: a type import still ties one module's shape to another's.
 */
export function importGraph(): ImportGraph {
  if (cached) return cached;
  const options = compilerOptions();
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of sourceFiles()) {
    const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const local = new Set<string>();
    const bare = new Set<string>();
    for (const { fileName: spec } of info.importedFiles) {
      if (!spec.startsWith('.')) {
        bare.add(spec);
        continue;
      }
      const r = ts.resolveModuleName(spec, file, options, ts.sys).resolvedModule;
      if (r && !r.isExternalLibraryImport && r.resolvedFileName.startsWith(SRC + path.sep)) local.add(rel(r.resolvedFileName));
      // A run-time require of a sibling bundle (`require('./cli.js')` from dist/) is not a source import.
      else if (!spec.endsWith('.js')) unresolved.push(`${rel(file)}: ${spec}`);
    }
    edges.set(rel(file), [...local].sort());
    packages.set(rel(file), [...bare].sort());
  }
  cached = { edges, packages, unresolved };
  return cached;
}

/** Strongly connected components with more than one member (Tarjan): each is an import cycle. */
export function cycles(nodes: Iterable<string>, next: (n: string) => Iterable<string>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) visit(n);
  return out;
}
