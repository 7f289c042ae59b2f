/**
 * Symbolic links in what a command deletes or overwrites are resolved at check time:
 * `rm -rf /tmp/link/*` where the link leads into the workspace deletes the workspace. The
 * link itself (`rm /tmp/link`) is only a link. Checked with an in-memory file source and
 * with real folders and links on disk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { createEngine } from '../../../src/core/engine';
import { boundedFileSource, nodeFileSource } from '../../../src/core/shell/files';
import { linkedTarget } from '../../../src/core/shell/links';
import { HOME, WS } from './helpers';

/** A file source over in-memory links: `links` maps a link's path to where it points. */
function linked(links: Record<string, string>) {
  const real = (p: string): string => {
    for (const [from, to] of Object.entries(links)) if (p === from || p.startsWith(from + '/')) return real(to + p.slice(from.length));
    return p;
  };
  return boundedFileSource({ stat: () => undefined, read: () => undefined, realpath: (p) => real(posix.normalize(p)) });
}

test('the path a link leads to: through folders, a trailing slash and globs; not the link itself', () => {
  const f = linked({ '/tmp/link': WS, '/tmp/alias/deeper': `${HOME}/notes` });
  assert.equal(linkedTarget('/tmp/link/*', WS, HOME, f), `${WS}/*`);
  assert.equal(linkedTarget('/tmp/link/', WS, HOME, f), WS);
  assert.equal(linkedTarget('/tmp/link/src', WS, HOME, f), `${WS}/src`);
  assert.equal(linkedTarget('/tmp/link/src/*.ts', WS, HOME, f), `${WS}/src/*.ts`);
  assert.equal(linkedTarget('../../../tmp/link/.', WS, HOME, f), WS);
  assert.equal(linkedTarget('/tmp/link', WS, HOME, f), undefined, 'rm LINK removes the link only');
  assert.equal(linkedTarget('/tmp/other/*', WS, HOME, f), undefined);
  assert.equal(linkedTarget('-rf', WS, HOME, f), undefined);
});

test('deleting through a link into the workspace or home is judged as deleting there', async () => {
  const e = await createEngine({ files: linked({ '/tmp/link': WS, '/tmp/h': HOME, '/var/tmp/etc-link': '/etc' }), timeBudgetMs: 5000 });
  const req = (command: string) => e.check({ command, cwd: WS, workspaceRoot: WS, home: HOME });
  for (const line of ['rm -rf /tmp/link/*', 'rm -rf /tmp/link/', 'rm -rf /tmp/link/src', 'cd /tmp/link && rm -rf src', 'find /tmp/link/ -name "*.ts" -delete', 'rm -rf /tmp/h/*', 'rm -rf /var/tmp/etc-link/*', 'truncate -s 0 /tmp/link/src/index.ts']) {
    const v = req(line);
    assert.notEqual(v.decision, 'allow', line);
  }
  assert.match(req('rm -rf /tmp/link/*').reason, /workspace/);
});

test('look-alikes: removing the link itself, links to scratch folders, reading through a link', async () => {
  const e = await createEngine({ files: linked({ '/tmp/link': WS, '/tmp/scratch-link': '/tmp/scratch/real' }), timeBudgetMs: 5000 });
  const req = (command: string) => e.check({ command, cwd: WS, workspaceRoot: WS, home: HOME });
  for (const line of ['rm /tmp/link', 'unlink /tmp/link', 'rm -rf /tmp/scratch-link/*', 'rm -rf /tmp/other/*', 'cat /tmp/link/README.md', 'ls -la /tmp/link/']) {
    assert.equal(req(line).decision, 'allow', line);
  }
});

test('real links on disk: a link into the workspace, and one to a scratch folder', async (t) => {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'twokey-links-')));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const ws = join(base, 'ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  writeFileSync(join(ws, 'src', 'a.ts'), 'export {};\n');
  mkdirSync(join(base, 'scratch'));
  const out = join(base, 'out');
  mkdirSync(out);
  symlinkSync(ws, join(out, 'into-ws'));
  symlinkSync(join(base, 'scratch'), join(out, 'into-scratch'));
  const e = await createEngine({ files: nodeFileSource(), timeBudgetMs: 5000 });
  const req = (command: string) => e.check({ command, cwd: ws, workspaceRoot: ws, home: HOME });
  const v = req(`rm -rf ${out}/into-ws/*`);
  assert.notEqual(v.decision, 'allow');
  assert.ok(v.reason.includes(ws), v.reason);
  assert.notEqual(req(`rm -rf ${out}/into-ws/`).decision, 'allow');
  assert.equal(req(`rm ${out}/into-ws`).decision, 'allow', 'the link itself');
  assert.equal(req(`rm -rf ${out}/into-scratch/*`).decision, req(`rm -rf ${base}/scratch/*`).decision, 'a link elsewhere is judged like its target');
});

test('a link made earlier on the same line is followed from where it is made', async () => {
  const e = await createEngine({ files: linked({}), timeBudgetMs: 5000 });
  const req = (command: string) => e.check({ command, cwd: WS, workspaceRoot: WS, home: HOME });
  for (const line of [
    `ln -s ${WS} /tmp/l; rm -rf /tmp/l/`,
    `ln -sfn ${WS} /tmp/l && rm -rf /tmp/l/*`,
    'ln -s ~ /tmp/h && rm -rf /tmp/h/*',
    `ln -s ${WS}/src /tmp/ && rm -rf /tmp/src/*`,
    `ln --symbolic ${WS} /tmp/w; cd /tmp/w && rm -rf src`,
  ]) {
    const v = req(line);
    assert.notEqual(v.decision, 'allow', line);
  }
  assert.match(req(`ln -s ${WS} /tmp/l; rm -rf /tmp/l/*`).reason, /workspace/);
  // Look-alikes: the link removed itself, a link to a scratch folder, a deletion before the link exists.
  for (const line of ['ln -s /tmp/scratch /tmp/l && rm -rf /tmp/l/*', `ln -s ${WS} /tmp/l && rm /tmp/l`, `rm -rf /tmp/l/*; ln -s ${WS} /tmp/l`]) {
    assert.equal(req(line).decision, 'allow', line);
  }
});
