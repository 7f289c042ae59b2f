import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { findGitConfig } from '../../../../src/core/environment/signals';
import { contextOf, Fixture } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

describe("the repository's git config", () => {
  test('found from a subfolder of the workspace', () => {
    fx = new Fixture();
    fx.write('.git/config', '[core]\n\tbare = false\n');
    fx.write('src/app/.keep', '');
    assert.equal(findGitConfig(contextOf(fx, { cwd: path.join(fx.ws, 'src', 'app') })), path.join(fx.ws, '.git', 'config'));
  });

  test("a worktree's .git file: gitdir, then commondir", () => {
    fx = new Fixture();
    const main = path.join(fx.dir, 'main');
    fx.write(path.join(main, '.git', 'config'), '[core]\n');
    fx.write(path.join(main, '.git', 'worktrees', 'wt', 'commondir'), '../..\n');
    fx.write('.git', `gitdir: ${path.join(main, '.git', 'worktrees', 'wt')}\n`);
    assert.equal(findGitConfig(contextOf(fx)), path.join(main, '.git', 'config'));
  });

  test("a submodule's .git file without commondir; none above the workspace root", () => {
    fx = new Fixture();
    fx.write('.git', 'gitdir: ../modules/ws\n');
    assert.equal(findGitConfig(contextOf(fx)), path.join(fx.dir, 'modules', 'ws', 'config'));
    fx.cleanup();
    fx = new Fixture();
    fx.write(path.join(fx.dir, '.git', 'config'), '[core]\n');
    assert.equal(findGitConfig(contextOf(fx)), undefined, 'the search stops at the workspace root');
  });
});
