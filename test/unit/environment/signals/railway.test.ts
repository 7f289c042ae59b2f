import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseRailway, railway, railwayLink } from '../../../../src/core/environment/signals';
import { contextOf, Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

function config(ws: string): string {
  return JSON.stringify({
    projects: {
      [ws]: { projectPath: ws, name: 'shop', project: 'prj-1', environment: 'env-1', environmentName: 'staging' },
      [path.join(ws, 'api')]: { projectPath: path.join(ws, 'api'), name: 'api', project: 'prj-2', environment: 'env-2', environmentName: 'production' },
    },
    user: { token: 'railway-secret-token' },
  });
}

describe('Railway link', () => {
  test('the links, without the token', () => {
    const links = parseRailway(config('/w'));
    assert.equal(links.length, 2);
    assert.ok(!JSON.stringify(links).includes('railway-secret-token'));
  });

  test('the longest linked path holding the folder wins', () => {
    fx = new Fixture();
    fx.write('~/.railway/config.json', config(fx.ws));
    fx.write('api/src/.keep', '');
    assert.deepEqual(shown(read(fx, railway)), [['railway:environment', 'staging', 'staging']]);
    const api = read(fx, railway, { cwd: path.join(fx.ws, 'api', 'src') });
    assert.deepEqual(shown(api), [['railway:environment', 'production', 'production']]);
    assert.equal(api[0].detail, 'project api');
    assert.equal(railwayLink(contextOf(fx, { cwd: path.join(fx.ws, 'api') }))?.link.name, 'api');
  });

  test('a folder no link holds (a sibling with a common prefix): nothing', () => {
    fx = new Fixture();
    fx.write('~/.railway/config.json', config(fx.ws + '-other'));
    assert.deepEqual(read(fx, railway), []);
  });
});
