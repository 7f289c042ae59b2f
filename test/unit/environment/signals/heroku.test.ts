import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { heroku, parseHerokuRemotes } from '../../../../src/core/environment/signals';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

const GIT_CONFIG = `[core]
\trepositoryformatversion = 0
\tfilemode = true
[remote "origin"]
\turl = git@github.com:acme/shop.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
[remote "heroku"]
\turl = https://git.heroku.com/acme-shop-prod.git
\tfetch = +refs/heads/*:refs/remotes/heroku/*
; the staging app, over ssh
[remote "staging.eu"]
\turl = "git@heroku.com:acme-shop-staging.git"
[branch "main"]
\tremote = origin
\tmerge = refs/heads/main
`;

describe('Heroku remotes', () => {
  test('https and ssh remotes (a dotted, quoted one too); other remotes are not apps', () => {
    assert.deepEqual(parseHerokuRemotes(GIT_CONFIG), [
      { remote: 'heroku', app: 'acme-shop-prod' },
      { remote: 'staging.eu', app: 'acme-shop-staging' },
    ]);
  });

  test('each remote is a signal, placed by its app name', () => {
    fx = new Fixture();
    fx.write('.git/config', GIT_CONFIG);
    assert.deepEqual(shown(read(fx, heroku)), [
      ['heroku:remote', 'heroku → acme-shop-prod', 'production'],
      ['heroku:remote', 'staging.eu → acme-shop-staging', 'staging'],
    ]);
  });

  test('no repository, or no heroku remote: nothing', () => {
    fx = new Fixture();
    assert.deepEqual(read(fx, heroku), []);
    fx.write('.git/config', '[remote "origin"]\n\turl = https://github.com/acme/shop.git\n');
    assert.deepEqual(read(fx, heroku), []);
  });
});
