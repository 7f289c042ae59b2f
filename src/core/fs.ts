/**
 * File access for the environment resolver and the policy loader: a small synchronous port (so tests and the extension
 * can plug in their own) and a memo of parsed files keyed by path + mtime + size, so a
 * warm resolution costs one `stat` per candidate file and no reads or parses.
 */
import * as fs from 'node:fs';

export interface FileStat {
  mtimeMs: number;
  size: number;
  isFile: boolean;
  isDirectory: boolean;
}

export interface FileSystemPort {
  /** undefined when the path does not exist or cannot be read. */
  stat(path: string): FileStat | undefined;
  /** undefined when the file does not exist or cannot be read. */
  readFile(path: string): string | undefined;
}

export const nodeFileSystem: FileSystemPort = {
  stat(p) {
    try {
      const s = fs.statSync(p, { throwIfNoEntry: false });
      if (!s) return undefined;
      return { mtimeMs: s.mtimeMs, size: s.size, isFile: s.isFile(), isDirectory: s.isDirectory() };
    } catch {
      return undefined;
    }
  },
  readFile(p) {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** Files larger than this are not signal files; they are skipped, not read. */
export const MAX_SIGNAL_FILE_BYTES = 4 * 1024 * 1024;

interface Entry {
  mtimeMs: number;
  size: number;
  value: unknown;
}

export class CachedFiles {
  private readonly entries = new Map<string, Entry>();
  /** Counters for tests and the benchmark. */
  reads = 0;

  private readonly stats = new Map<string, { at: number; st: FileStat | undefined }>();

  /**
   * @param freshMs how long a `stat` answer is reused. A few milliseconds keep a burst of
   * checks (a batch, a script's commands) from paying a system call per file per command,
   * while a change made before the next command of a person or an agent is still seen.
   */
  constructor(
    readonly fs: FileSystemPort = nodeFileSystem,
    private readonly freshMs = 50,
  ) {}

  stat(p: string): FileStat | undefined {
    if (this.freshMs <= 0) return this.fs.stat(p);
    const now = Date.now();
    const memo = this.stats.get(p);
    if (memo && now - memo.at < this.freshMs) return memo.st;
    const st = this.fs.stat(p);
    if (this.stats.size > 4096) this.stats.clear();
    this.stats.set(p, { at: now, st });
    return st;
  }

  /**
   * The parsed content of a file, re-read only when its mtime or size changed.
   * `kind` names the parser so that one path can be read two ways.
   */
  parsed<T>(p: string, kind: string, parse: (text: string) => T): T | undefined {
    const st = this.stat(p);
    const key = kind + '\0' + p;
    if (!st || !st.isFile || st.size > MAX_SIGNAL_FILE_BYTES) {
      this.entries.delete(key);
      return undefined;
    }
    const hit = this.entries.get(key);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.value as T;
    const text = this.fs.readFile(p);
    if (text === undefined) return undefined;
    this.reads++;
    let value: T | undefined;
    try {
      value = parse(text);
    } catch {
      value = undefined;
    }
    this.entries.set(key, { mtimeMs: st.mtimeMs, size: st.size, value });
    return value;
  }

  clear(): void {
    this.entries.clear();
    this.stats.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
