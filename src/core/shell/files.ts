/**
 * Files the engine reads to follow what a command really runs (scripts, package.json,
 * Makefile, justfile, composer.json, saved plans). The engine itself never touches the
 * disk: it is handed a `FileSource`. `boundedFileSource` wraps two plain I/O functions
 * with a size cap, binary detection and a cache keyed by path + size + modification time;
 * `nodeFileSource` is that, backed by node:fs, for the doors that run on a real disk.
 */
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';

export type FileProblem = 'missing' | 'unreadable' | 'too-large' | 'binary';

export type FileRead = { text: string } | { problem: FileProblem };

export interface FileSource {
  read(path: string): FileRead;
  /**
   * What identifies this version of the file (size and modification time; `missing`), or
   * undefined when it cannot be told. A source with stamps lets the engine remember the
   * analysis of a followed file until one of the files it read changes.
   */
  stamp?(path: string): string | undefined;
  /** The path with every symbolic link resolved, or undefined when it does not exist or cannot be resolved. */
  realpath?(path: string): string | undefined;
}

export interface FileIO {
  /**
   * Size and modification time, or undefined when the path does not exist; `dir` for folders.
   * The change time and inode, when given, are part of a file's stamp too: a rewrite that
   * restores the modification time (`touch -r`) still changes them.
   */
  stat(path: string): { size: number; mtimeMs: number; dir?: boolean; ctimeMs?: number; ino?: number } | undefined;
  /** The bytes, or undefined when they cannot be read. */
  read(path: string): Uint8Array | undefined;
  /** The path with symbolic links resolved (undefined: does not exist); optional. */
  realpath?(path: string): string | undefined;
}

/** Largest file followed (bytes). A longer script is `ask`: the engine will not guess at it. */
export const MAX_FOLLOWED_BYTES = 256 * 1024;

export function describeProblem(p: FileProblem): string {
  switch (p) {
    case 'missing':
      return 'does not exist when checked';
    case 'unreadable':
      return 'cannot be read';
    case 'too-large':
      return `is larger than ${MAX_FOLLOWED_BYTES / 1024} KiB`;
    case 'binary':
      return 'is a binary file';
  }
}

/** True for bytes that are not text: a NUL, or more than 10% control bytes in the first 8 KiB. */
export function looksBinary(b: Uint8Array): boolean {
  const n = Math.min(b.length, 8192);
  let ctl = 0;
  for (let i = 0; i < n; i++) {
    const x = b[i];
    if (x === 0) return true;
    if (x < 8 || (x > 13 && x < 32 && x !== 27)) ctl++;
  }
  return n > 0 && ctl / n > 0.1;
}

export function boundedFileSource(io: FileIO, maxBytes = MAX_FOLLOWED_BYTES, maxEntries = 256): FileSource {
  const cache = new Map<string, { stamp: string; result: FileRead }>();
  const decoder = new TextDecoder('utf-8');
  const stampOf = (st: NonNullable<ReturnType<FileIO['stat']>>) => `${st.dir ? 'dir' : 'file'}:${st.size}:${st.mtimeMs}:${st.ctimeMs ?? ''}:${st.ino ?? ''}`;
  return {
    stamp(path: string): string | undefined {
      try {
        const st = io.stat(path);
        return st ? stampOf(st) : 'missing';
      } catch {
        return undefined;
      }
    },
    ...(io.realpath
      ? {
          realpath(path: string): string | undefined {
            try {
              return io.realpath!(path);
            } catch {
              return undefined;
            }
          },
        }
      : {}),
    read(path: string): FileRead {
      let st: ReturnType<FileIO['stat']>;
      try {
        st = io.stat(path);
      } catch {
        return { problem: 'unreadable' };
      }
      if (!st) return { problem: 'missing' };
      if (st.dir) return { problem: 'unreadable' };
      const stamp = stampOf(st);
      const hit = cache.get(path);
      if (hit && hit.stamp === stamp) return hit.result;
      let result: FileRead;
      if (st.size > maxBytes) result = { problem: 'too-large' };
      else {
        let bytes: Uint8Array | undefined;
        try {
          bytes = io.read(path);
        } catch {
          bytes = undefined;
        }
        if (!bytes) result = { problem: 'unreadable' };
        else if (bytes.length > maxBytes) result = { problem: 'too-large' };
        else if (looksBinary(bytes)) result = { problem: 'binary' };
        else result = { text: decoder.decode(bytes) };
      }
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
      cache.set(path, { stamp, result });
      return result;
    },
  };
}

/** The bounded, cached reader over the real disk. */
export function nodeFileSource(maxBytes = MAX_FOLLOWED_BYTES): FileSource {
  return boundedFileSource(
    {
      stat(p) {
        try {
          const s = fs.statSync(p);
          return { size: s.size, mtimeMs: s.mtimeMs, dir: s.isDirectory(), ctimeMs: s.ctimeMs, ino: s.ino };
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
          throw e;
        }
      },
      realpath(p) {
        try {
          return fs.realpathSync.native(p);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
          throw e;
        }
      },
      read(p) {
        const fd = fs.openSync(p, 'r');
        try {
          const buf = Buffer.alloc(maxBytes + 1);
          const n = fs.readSync(fd, buf, 0, buf.length, 0);
          return buf.subarray(0, n);
        } finally {
          fs.closeSync(fd);
        }
      },
    },
    maxBytes,
  );
}

/** A FileSource over a plain `readFile` (undefined: cannot be read). */
export function fileSourceFrom(readFile: (path: string) => string | undefined): FileSource {
  return {
    read(path) {
      const t = readFile(path);
      return t === undefined ? { problem: 'missing' } : { text: t };
    },
  };
}

/**
 * `terraform show -json PLAN` (or `tofu …`), cached by the plan's path and modification time.
 * Undefined when the tool is missing, fails, or takes longer than `timeoutMs`.
 */
export function nodePlanReader(timeoutMs = 10000): (plan: string, tool: string, cwd: string | undefined) => string | undefined {
  const cache = new Map<string, { mtimeMs: number; json: string | undefined }>();
  return (plan, tool, cwd) => {
    let mtimeMs: number;
    try {
      const st = fs.statSync(plan);
      if (!st.isFile()) return undefined;
      mtimeMs = st.mtimeMs;
    } catch {
      return undefined;
    }
    const key = `${tool}\u0000${plan}`;
    const hit = cache.get(key);
    if (hit && hit.mtimeMs === mtimeMs) return hit.json;
    const bin = tool === 'tofu' ? 'tofu' : 'terraform';
    const r = spawnSync(bin, ['show', '-json', '-no-color', plan], { cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
    const json = r.status === 0 && r.stdout.trim().startsWith('{') ? r.stdout : undefined;
    cache.set(key, { mtimeMs, json });
    return json;
  };
}
