/**
 * The editor keeps the chain key twice: in the OS keychain (through the editor's secret
 * storage) and as the state folder's 0600 file that the CLI, hooks and gates read. At start
 * the two are reconciled: the keychain's copy wins, so a key file deleted or replaced by
 * another process is put back, and the replacement goes on record. No `vscode`: the
 * secret storage is passed in; the key file is read, written and watched here.
 */
import * as fs from 'node:fs';
import type { AuditKey } from './record';
import { KEY_FILE, keyFilePath, loadOrCreateKey, parseKey, readKeyFile, writeKeyFile } from './key';

/** The part of the editor's SecretStorage this needs. */
export interface SecretStore {
  get(name: string): PromiseLike<string | undefined>;
  store(name: string, value: string): PromiseLike<void>;
}

export const KEYCHAIN_NAME = 'twokey.auditKey';

export interface ReconciledKey {
  key: AuditKey | undefined;
  /** Where the key is kept now: 'keychain and file', or 'file only' when the keychain did not keep it. */
  kept: 'keychain and file' | 'file only' | 'none';
  /** A replaced or deleted key file (a `tamper` record's reason), when there was one. */
  tamper?: string;
  /** Things worth a line in the output channel. */
  notes: string[];
}

export async function reconcileKey(store: SecretStore, stateDir: string): Promise<ReconciledKey> {
  const notes: string[] = [];
  let stored: AuditKey | undefined;
  let keychainWorks = true;
  try {
    const text = await store.get(KEYCHAIN_NAME);
    stored = text ? parseKey(text) : undefined;
    if (text && !stored) notes.push('the audit key in the keychain is damaged; the state folder copy is used');
  } catch (err) {
    keychainWorks = false;
    notes.push(`the keychain cannot be read (${err instanceof Error ? err.message : String(err)}): the audit key is kept only in ${keyFilePath(stateDir)}`);
  }
  let onDisk: AuditKey | undefined;
  let diskProblem: string | undefined;
  try {
    onDisk = readKeyFile(stateDir);
  } catch (err) {
    diskProblem = err instanceof Error ? err.message : String(err);
  }
  if (stored) {
    let tamper: string | undefined;
    if (!onDisk || onDisk.id !== stored.id) {
      tamper = !onDisk
        ? `the audit key file ${keyFilePath(stateDir)} was ${diskProblem ? `unusable (${diskProblem})` : 'deleted'}; TwoKey put back the copy kept in the keychain`
        : `the audit key file ${keyFilePath(stateDir)} was replaced by another key (${onDisk.id}, the keychain holds ${stored.id}); TwoKey put back the keychain's key: records sealed with the other key will not verify`;
      writeKeyFile(stateDir, stored);
    }
    return { key: stored, kept: 'keychain and file', tamper, notes };
  }
  let key: AuditKey | undefined;
  try {
    key = onDisk ?? (diskProblem ? undefined : loadOrCreateKey(stateDir));
  } catch (err) {
    diskProblem = err instanceof Error ? err.message : String(err);
  }
  if (!key) {
    notes.push(`no audit key: ${diskProblem ?? 'unknown'}; records are written unsealed`);
    return { key: undefined, kept: 'none', notes };
  }
  if (!keychainWorks) return { key, kept: 'file only', notes };
  try {
    await store.store(KEYCHAIN_NAME, key.secret.toString('hex'));
    const back = await store.get(KEYCHAIN_NAME);
    if (!back || parseKey(back)?.id !== key.id) throw new Error('it did not keep the key');
    return { key, kept: 'keychain and file', notes };
  } catch (err) {
    notes.push(`the keychain did not take the audit key (${err instanceof Error ? err.message : String(err)}): it is kept only in ${keyFilePath(stateDir)}`);
    return { key, kept: 'file only', notes };
  }
}

/**
 * While the editor runs: a key file deleted or replaced by another process is put back from
 * the keychain at once, and `onTamper` hears why (for a `tamper` record).
 */
export function watchKeyFile(store: SecretStore, stateDir: string, onTamper: (reason: string) => void, onError: (msg: string) => void = () => undefined): { dispose(): void } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const check = () => {
    timer = undefined;
    running = running
      .then(() => reconcileKey(store, stateDir))
      .then((r) => {
        if (r.tamper) onTamper(r.tamper);
      })
      .catch((err) => onError(`[audit] checking the audit key: ${err instanceof Error ? err.message : String(err)}`));
  };
  let w: fs.FSWatcher | undefined;
  try {
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    w = fs.watch(stateDir, { persistent: false }, (_event, name) => {
      if (name && !String(name).startsWith(KEY_FILE)) return;
      if (!timer) timer = setTimeout(check, 100);
    });
    w.on('error', () => undefined);
  } catch (err) {
    onError(`[audit] cannot watch the audit key: ${err instanceof Error ? err.message : String(err)}`);
  }
  return {
    dispose: () => {
      if (timer) clearTimeout(timer);
      w?.close();
    },
  };
}
