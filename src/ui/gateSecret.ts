/**
 * The window's gate secret: new at every start, kept 0600 in the window's private gate
 * folder. Terminals revived after a reload read the new one from the same file.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensurePrivateDir } from '../intercept/protocol';

export function newGateSecret(gateDir: string): { secret: string; keyFile: string } {
  ensurePrivateDir(gateDir);
  const keyFile = path.join(gateDir, 'key');
  const secret = crypto.randomBytes(32).toString('hex');
  const tmp = `${keyFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, secret, { mode: 0o600 });
  fs.renameSync(tmp, keyFile);
  fs.rmSync(path.join(path.dirname(gateDir), 'gate-secret'), { force: true });
  return { secret, keyFile };
}
