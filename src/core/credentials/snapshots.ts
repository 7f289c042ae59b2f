/**
 * The last approved content of each watched file, kept outside the workspace (in the
 * extension's storage): a 0700 folder of 0600 files named by a hash of the path, so a
 * `Revert` can write the exact bytes back. Never in the audit log, never logged.
 *
 * Per path: `<sha256(path)>.snap` holds the approved bytes, or `<hash>.none` says the
 * approved state is "no such file" (a revert then deletes what appeared).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Files larger than this are not snapshotted (credential files are small). */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;

export type Approved = { exists: true; content: Buffer } | { exists: false };

export class SnapshotStore {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask and not applied to an existing folder.
    fs.chmodSync(dir, 0o700);
  }

  /** The folder, for tests. */
  get folder(): string {
    return this.dir;
  }

  private base(file: string): string {
    return path.join(this.dir, crypto.createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 40));
  }

  /** Remember `content` (undefined: the file does not exist) as the approved state of `file`. */
  approve(file: string, content: string | Uint8Array | undefined): void {
    const b = this.base(file);
    if (content === undefined) {
      writePrivate(b + '.none', '');
      fs.rmSync(b + '.snap', { force: true });
      return;
    }
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    if (bytes.length > MAX_SNAPSHOT_BYTES) throw new Error(`${path.basename(file)} is larger than ${MAX_SNAPSHOT_BYTES} bytes; TwoKey does not keep a copy of it`);
    writePrivate(b + '.snap', bytes);
    fs.rmSync(b + '.none', { force: true });
  }

  /** The approved state, or undefined when nothing was ever approved for this path. */
  lastApproved(file: string): Approved | undefined {
    const b = this.base(file);
    try {
      return { exists: true, content: fs.readFileSync(b + '.snap') };
    } catch {
      /* not a file snapshot */
    }
    return fs.existsSync(b + '.none') ? { exists: false } : undefined;
  }

  /** Does the file on disk hold exactly the approved state? (undefined: nothing approved yet.) */
  matches(file: string, current: Buffer | undefined): boolean | undefined {
    const a = this.lastApproved(file);
    if (!a) return undefined;
    if (!a.exists) return current === undefined;
    return current !== undefined && a.content.equals(current);
  }

  /**
   * Write the approved state back, byte for byte (or delete the file when the approved state
   * is "absent"). Written to a temporary file beside it and renamed, keeping the file's mode.
   * Returns false when there is nothing to revert to.
   */
  revert(file: string): boolean {
    const a = this.lastApproved(file);
    if (!a) return false;
    if (!a.exists) {
      fs.rmSync(file, { force: true });
      return true;
    }
    let mode = 0o600;
    try {
      mode = fs.statSync(file).mode & 0o777;
    } catch {
      /* deleted: recreate private */
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.twokey-${crypto.randomBytes(4).toString('hex')}`);
    fs.writeFileSync(tmp, a.content, { mode });
    fs.chmodSync(tmp, mode);
    fs.renameSync(tmp, file);
    return true;
  }

  /** Forget a path. */
  forget(file: string): void {
    const b = this.base(file);
    fs.rmSync(b + '.snap', { force: true });
    fs.rmSync(b + '.none', { force: true });
  }
}

function writePrivate(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** Read a file's bytes, or undefined when it does not exist or is too large to keep. */
export function readBytes(file: string): Buffer | undefined {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_SNAPSHOT_BYTES) return undefined;
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}
