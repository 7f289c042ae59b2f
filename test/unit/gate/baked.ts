/**
 * Gate files for the gate tests, written the way the extension writes them (gateFiles.ts):
 * the helper, Node, the socket and the key file baked in. `node` is usually /bin/bash with
 * test/fixtures/gate/fake-helper.sh as the "helper".
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeGateFiles, type GateFiles } from '../../../src/intercept/gateFiles';

export const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const MEDIA = path.join(ROOT, 'media', 'gate');
export const FAKE_HELPER = path.join(ROOT, 'test', 'fixtures', 'gate', 'fake-helper.sh');

/** The built helper (dist/gate.js) for the tests that run the real one: a missing build fails with what to do, never skips. */
export function builtGateJs(): string {
  const file = path.join(ROOT, 'dist', 'gate.js');
  assert.ok(fs.existsSync(file), `${file} is missing: run \`npm run build\` before the unit tests`);
  return file;
}

export function bakedGate(opts: { node?: string; gateJs?: string; socket?: string; keyFile?: string; dir?: string; userZdotdir?: string; userBashEnv?: string; protectedVariables?: string[] } = {}): GateFiles {
  const dir = opts.dir ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'twokey-gatefiles-')), 'gate');
  return writeGateFiles(MEDIA, dir, {
    node: opts.node ?? '/bin/bash',
    gateJs: opts.gateJs ?? FAKE_HELPER,
    socket: opts.socket ?? path.join(dir, 'no-broker.sock'),
    keyFile: opts.keyFile ?? path.join(dir, 'key'),
    userZdotdir: opts.userZdotdir,
    userBashEnv: opts.userBashEnv,
    protectedVariables: opts.protectedVariables,
  });
}
