import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { parseVercelProject, vercel } from '../../../../src/core/environment/signals';
import { Fixture, read, shown } from './helpers';

let fx: Fixture;
afterEach(() => fx?.cleanup());

describe('Vercel project', () => {
  test('.vercel/project.json: id, org and name', () => {
    assert.deepEqual(parseVercelProject('{"projectId":"prj_1","orgId":"team_2","projectName":"shop-prod","settings":{}}'), { projectId: 'prj_1', orgId: 'team_2', projectName: 'shop-prod' });
    assert.deepEqual(parseVercelProject('{"projectId":""}'), { projectId: undefined, orgId: undefined, projectName: undefined });
  });

  test('a signal named after the project, placed by its name or the policy', () => {
    fx = new Fixture();
    fx.write('.vercel/project.json', JSON.stringify({ projectId: 'prj_1', orgId: 'team_2', projectName: 'shop-prod' }));
    const s = read(fx, vercel);
    assert.deepEqual(shown(s), [['vercel:project', 'shop-prod', 'production']]);
    assert.equal(s[0].detail, 'org team_2');
    fx.write('.vercel/project.json', JSON.stringify({ projectId: 'prj_9' }));
    assert.deepEqual(shown(read(fx, vercel, { policy: { environments: { staging: { resources: ['prj_9'] } } } })), [['vercel:project', 'prj_9', 'staging']]);
  });

  test('no link, or a link naming nothing: nothing', () => {
    fx = new Fixture();
    assert.deepEqual(read(fx, vercel), []);
    fx.write('.vercel/project.json', '{"orgId":"team_2"}');
    assert.deepEqual(read(fx, vercel), []);
  });
});
