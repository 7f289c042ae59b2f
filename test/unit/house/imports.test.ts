/**
 * The shape of the house: no import cycle between files or between rooms (folders), each
 * room imports only the rooms below it, and the core keeps its promises: no `vscode`
 * anywhere it reaches, and I/O only in the modules the README names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cycles, importGraph } from './sources';

/**
 * The room of a file: `src/core/<room>` for the core's folders, `src/<folder>` for the
 * others; a file directly in src/ or src/core/ is a room of its own.
 */
function roomOf(file: string): string {
  const parts = file.split('/');
  if (parts[1] === 'core') return parts.length > 3 ? parts.slice(0, 3).join('/') : file;
  return parts.length > 2 ? parts.slice(0, 2).join('/') : file;
}

/**
 * The rooms from the bottom up: a room may import only rooms on an earlier line. The core's
 * vocabulary first, then the audit log and the policy, the environment, the parsers of
 * embedded languages, the shell analyser, the rule packs and what builds on them, the
 * engine, the agents' hooks and the services that wrap the engine; then the editor-free
 * programs (cli), the gates and shims (intercept), the editor's UI, and the wiring.
 */
const LAYERS: readonly string[][] = [
  ['src/core/types.ts', 'src/core/events.ts', 'src/core/fs.ts', 'src/core/argv.ts', 'src/core/json.ts', 'src/core/redact.ts', 'src/core/protection.ts', 'src/core/recent.ts'],
  ['src/core/audit', 'src/core/alternatives.ts', 'src/core/verdict.ts', 'src/core/detected.ts'],
  ['src/core/guardPaths.ts', 'src/core/policy'],
  ['src/core/environment'],
  ['src/core/lang'],
  ['src/core/shell'],
  ['src/core/rules', 'src/core/preview', 'src/core/taskFile.ts', 'src/core/credentials'],
  ['src/core/engine.ts'],
  ['src/core/hooks', 'src/core/grants.ts', 'src/core/workspaceEngine.ts', 'src/core/decisions.ts'],
  ['src/logger.ts', 'src/settings.ts'],
  ['src/intercept'],
  ['src/webview'],
  ['src/cli', 'src/ui'],
  ['src/extension.ts'],
];

/**
 * Still-open edges: imports that go up the layers today and are being removed (the shared
 * piece moves down). Each one is tolerated here until it is gone; the list only shrinks, and
 * an entry whose import no longer exists fails the test so that it leaves the list.
 */
const STILL_OPEN_EDGES: readonly string[] = [
];

/** Still-open file cycles, by their members. */
const STILL_OPEN_FILE_CYCLES: readonly string[] = [
];

const graph = importGraph();

function roomEdges(): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  for (const [file, targets] of graph.edges) {
    for (const t of targets) {
      const a = roomOf(file);
      const b = roomOf(t);
      if (a === b) continue;
      if (!out.has(a)) out.set(a, new Map());
      if (!out.get(a)!.has(b)) out.get(a)!.set(b, `${file} imports ${t}`);
    }
  }
  return out;
}

test('every relative import under src/ resolves to a source file', () => {
  assert.ok(graph.edges.size > 100, `${graph.edges.size} source files read`);
  assert.deepEqual(graph.unresolved, []);
});

test('no import cycle between files', () => {
  const found = cycles(graph.edges.keys(), (f) => graph.edges.get(f) ?? []).map((c) => c.join(', '));
  assert.deepEqual(
    found.filter((c) => !STILL_OPEN_FILE_CYCLES.includes(c)),
    [],
    'files that import each other, directly or through others',
  );
  for (const open of STILL_OPEN_FILE_CYCLES) assert.ok(found.includes(open), `${open} is no longer a cycle: remove it from STILL_OPEN_FILE_CYCLES`);
});

test('no import cycle between folders (rooms)', () => {
  const edges = roomEdges();
  const next = (a: string) => [...(edges.get(a)?.keys() ?? [])].filter((b) => !STILL_OPEN_EDGES.includes(`${a} -> ${b}`));
  const rooms = new Set([...graph.edges.keys()].map(roomOf));
  const found = cycles(rooms, next);
  const explain = found.map((c) => c.flatMap((a) => next(a).filter((b) => c.includes(b)).map((b) => `${a} -> ${b} (${edges.get(a)!.get(b)})`)));
  assert.deepEqual(explain, [], 'rooms that import each other');
});

test('each room imports only the rooms below it', () => {
  const rank = new Map<string, number>();
  LAYERS.forEach((layer, i) => layer.forEach((r) => rank.set(r, i)));
  const edges = roomEdges();
  const unplaced = [...new Set([...graph.edges.keys()].map(roomOf))].filter((r) => !rank.has(r));
  assert.deepEqual(unplaced, [], 'a new room: place it in LAYERS');
  const upward: string[] = [];
  for (const [a, targets] of edges) {
    for (const [b, why] of targets) {
      if (rank.get(b)! < rank.get(a)!) continue;
      const edge = `${a} -> ${b}`;
      if (!STILL_OPEN_EDGES.includes(edge)) upward.push(`${edge}: ${why}`);
    }
  }
  assert.deepEqual(upward, [], 'imports of a room on the same layer or above');
  for (const edge of STILL_OPEN_EDGES) {
    const [a, b] = edge.split(' -> ');
    assert.ok(edges.get(a)?.has(b), `${edge} is gone: remove it from STILL_OPEN_EDGES`);
  }
});

test('nothing the core or the CLI reaches imports vscode', () => {
  const starts = [...graph.edges.keys()].filter((f) => f.startsWith('src/core/') || f.startsWith('src/cli/'));
  assert.ok(starts.length > 50);
  const seen = new Set<string>();
  const via = new Map<string, string>();
  const queue = [...starts];
  for (const s of starts) seen.add(s);
  const offenders: string[] = [];
  while (queue.length) {
    const f = queue.shift()!;
    if ((graph.packages.get(f) ?? []).includes('vscode')) {
      const chain = [f];
      for (let p = via.get(f); p; p = via.get(p)) chain.unshift(p);
      offenders.push(chain.join(' → '));
    }
    for (const t of graph.edges.get(f) ?? []) {
      if (seen.has(t)) continue;
      seen.add(t);
      via.set(t, f);
      queue.push(t);
    }
  }
  assert.deepEqual(offenders, []);
});

/** Node's modules that reach outside the process: files, processes, the network. */
const IO = /^(?:node:)?(?:fs|fs\/promises|child_process|net|http|https|dgram|tls)$/;

/**
 * The core's modules that do I/O (README, "Architecture"). Everything else in src/core gets
 * what it reads through these (a `readFile` callback, core/fs.ts, shell/files.ts).
 */
const CORE_IO = [
  'src/core/audit/export.ts',
  'src/core/audit/files.ts',
  'src/core/audit/forward.ts',
  'src/core/audit/head.ts',
  'src/core/audit/key.ts',
  'src/core/audit/keyring.ts',
  'src/core/audit/lock.ts',
  'src/core/audit/log.ts',
  'src/core/audit/open.ts',
  'src/core/credentials/policyGate.ts',
  'src/core/credentials/snapshots.ts',
  'src/core/fs.ts',
  'src/core/guardPaths.ts',
  'src/core/hooks/doctor.ts',
  'src/core/hooks/launcher.ts',
  'src/core/hooks/probe.ts',
  'src/core/hooks/workspaceHooks.ts',
  'src/core/lang/grammars.ts',
  'src/core/lang/vendor.ts',
  'src/core/preview/budget.ts',
  'src/core/preview/deletes.ts',
  'src/core/preview/git.ts',
  'src/core/preview/gitinfo.ts',
  'src/core/preview/walk.ts',
  'src/core/shell/files.ts',
  'src/core/lang/treesitter.ts',
];

test('the core does I/O only in the modules the README names', () => {
  const doing = [...graph.packages].filter(([f, specs]) => f.startsWith('src/core/') && specs.some((s) => IO.test(s))).map(([f]) => f);
  assert.deepEqual(
    doing.filter((f) => !CORE_IO.includes(f)),
    [],
    'a core module that reads or writes on its own: take a readFile callback or go through one of the named modules (or name it in the README and here)',
  );
  assert.deepEqual(
    CORE_IO.filter((f) => !doing.includes(f)),
    [],
    'named as doing I/O but does none: remove it from the list and the README',
  );
});
