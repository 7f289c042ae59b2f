/**
 * `dist/hook.js`: the few lines an agent's hook starts, which load the hook's bundle
 * (`dist/hook-body.js`, from src/cli/hookMain.ts) and, for calls that need it, the full CLI
 * with V8's code cache, so that a call pays for running the code, not for compiling it again.
 *
 * - Node 22.1 and later: Node's own compile cache (`module.enableCompileCache`).
 * - Before: the compiled code of each bundle is kept by this loader, one file per bundle,
 *   Node version and bundle size and time, made after the first run (so it holds the
 *   functions that run, not only the top level) and replaced when V8 rejects it.
 * The cache lives in TwoKey's own state folder (0700; files 0600): never a shared temp folder
 * another user could fill. `TWOKEY_COMPILE_CACHE=0` turns it off. Imports only Node's own
 * modules: this file is compiled at every start.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import Module = require('node:module');

export function stateDir(env: NodeJS.ProcessEnv, platform: string = process.platform, home: string = os.homedir()): string {
  if (env.TWOKEY_STATE_DIR) return env.TWOKEY_STATE_DIR;
  if (platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'twokey');
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, 'twokey');
  return path.join(home, '.local', 'state', 'twokey');
}

type Loader = (file: string) => unknown;

/** The name of a bundle's cache file: changes with the bundle, the Node and the V8 flags. */
export function cacheName(file: string, st: { size: number; mtimeMs: number }, version = process.version, arch = process.arch): string {
  const key = `${path.resolve(file)}\0${st.size}\0${st.mtimeMs}\0${version}\0${arch}\0liftoff-only`;
  return `${path.basename(file, '.js')}-${fnv(key)}.v8`;
}

/** FNV-1a, 80 bits as 20 hex digits: names a cache file (V8 checks the data itself); node:crypto costs a few ms to load. */
function fnv(s: string): string {
  let out = '';
  for (let seed = 0; seed < 3; seed++) {
    let h = 0x811c9dc5 ^ seed;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    out += (h >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, 20);
}

/**
 * A loader that compiles CommonJS bundles with code kept in `dir`. Cache files are written at
 * exit, and only when there was none or V8 rejected it. Any failure of the cache only costs
 * time: the bundle is then compiled as usual.
 */
export function cachedLoader(dir: string): Loader {
  const pending: { file: string; script: vm.Script }[] = [];
  process.once('exit', () => {
    if (!pending.length) return;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = fs.lstatSync(dir);
      if (!st.isDirectory() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) return;
      for (const { file, script } of pending) {
        const tmp = path.join(dir, `.${file}.${process.pid}.tmp`);
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, path.join(dir, file));
        // The same bundle's code from an earlier build or Node: never read again.
        const stem = file.replace(/-[0-9a-f]+\.v8$/, '-');
        for (const old of fs.readdirSync(dir)) if (old !== file && old.startsWith(stem) && /^[\w.-]+-[0-9a-f]{20}\.v8$/.test(old)) fs.rmSync(path.join(dir, old), { force: true });
      }
    } catch {
      /* a read-only or foreign state folder: the next start compiles again */
    }
  });
  const load: Loader = (file) => {
    let source = fs.readFileSync(file, 'utf8');
    // A `#!` line is allowed only at the very start of a script, not inside the module wrapper.
    if (source.startsWith('#!')) source = `//${source.slice(2)}`;
    const name = cacheName(file, fs.statSync(file));
    let cachedData: Buffer | undefined;
    try {
      cachedData = fs.readFileSync(path.join(dir, name));
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
    if (!cachedData || script.cachedDataRejected) pending.push({ file: name, script });
    const mod = new Module(file, module);
    mod.filename = file;
    mod.paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(path.dirname(file));
    const req = Module.createRequire(file);
    (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
    mod.loaded = true;
    return mod.exports;
  };
  return load;
}

/** The loader for this start: Node's compile cache when it has one, else ours, else plain `require`. */
export function startLoader(env: NodeJS.ProcessEnv = process.env): Loader {
  try {
    require('node:v8').setFlagsFromString('--liftoff-only');
  } catch {
    /* an embedder that refuses the flag: only slower */
  }
  if (env.TWOKEY_COMPILE_CACHE === '0') return require;
  const dir = path.join(stateDir(env), 'compile-cache');
  const mod = Module as unknown as { enableCompileCache?: (dir?: string) => unknown };
  if (typeof mod.enableCompileCache === 'function') {
    try {
      if (!env.NODE_COMPILE_CACHE) mod.enableCompileCache(dir);
    } catch {
      /* only slower */
    }
    return require;
  }
  return cachedLoader(dir);
}

const LOAD = Symbol.for('twokey.load');

if (require.main === module) {
  const load = startLoader();
  // The body loads the full CLI with the same loader.
  (globalThis as Record<symbol, unknown>)[LOAD] = load;
  load(path.join(__dirname, 'hook-body.js'));
}
