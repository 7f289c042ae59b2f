import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseIni } from '../../../../src/core/environment/ini';

const AWS_CONFIG = `# ~/.aws/config
[default]
region = us-east-1
output = json

; SSO into the production account
[profile prod]
sso_start_url = https://acme.awsapps.com/start
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
Region = eu-west-1 # Ireland

[ profile   staging ]
role_arn = "arn:aws:iam::444455556666:role/Deployer"
source_profile = default

[profile eu.prod]
region = eu-central-1

[sso-session acme]
sso_region = us-east-1
`;

const GIT_CONFIG = `[core]
\trepositoryformatversion = 0
\tbare = false
[remote "origin"]
\turl = git@github.com:acme/shop.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
[remote "heroku.eu"]
\turl = "https://git.heroku.com/acme-eu.git"
[branch "release/1.2"]
\tremote = origin
[includeIf "gitdir:~/work/"]
\tpath = ~/.gitconfig-work
`;

describe('INI as AWS, gcloud and git write it', () => {
  test('sections with spaces, comments, inline comments, quoted values; keys lower-cased', () => {
    const ini = parseIni(AWS_CONFIG);
    assert.equal(ini.get('default')?.get('region'), 'us-east-1');
    assert.equal(ini.get('profile prod')?.get('sso_account_id'), '111122223333');
    assert.equal(ini.get('profile prod')?.get('region'), 'eu-west-1', 'key case folded, inline comment dropped');
    assert.equal(ini.get('profile staging')?.get('role_arn'), 'arn:aws:iam::444455556666:role/Deployer', 'padded header, quotes removed');
    assert.equal(ini.get('profile eu.prod')?.get('region'), 'eu-central-1', 'a dot in a header is part of the name');
    assert.equal(ini.get('sso-session acme')?.get('sso_region'), 'us-east-1');
    assert.ok(![...ini.keys()].some((k) => k.startsWith('#') || k.startsWith(';')));
  });

  test("git's subsections keep their quotes, dots and slashes", () => {
    const ini = parseIni(GIT_CONFIG);
    assert.equal(ini.get('remote "origin"')?.get('url'), 'git@github.com:acme/shop.git');
    assert.equal(ini.get('remote "heroku.eu"')?.get('url'), 'https://git.heroku.com/acme-eu.git');
    assert.equal(ini.get('branch "release/1.2"')?.get('remote'), 'origin');
    assert.equal(ini.get('includeIf "gitdir:~/work/"')?.get('path'), '~/.gitconfig-work');
    assert.equal(ini.get('core')?.get('bare'), 'false');
  });

  test('the first value of a key wins; a repeated section adds to the first; keys before any section are dropped', () => {
    const ini = parseIni('orphan = 1\n[a]\nx = 1\nx = 2\n[b]\nx = 3\n[a]\ny = 4\n\r\n');
    assert.deepEqual([...ini.keys()].sort(), ['a', 'b']);
    assert.deepEqual(Object.fromEntries(ini.get('a')!), { x: '1', y: '4' });
    assert.equal(ini.get('b')?.get('x'), '3');
  });

  test('CRLF line ends and an empty file', () => {
    assert.equal(parseIni('[core]\r\nproject = acme-prod\r\n').get('core')?.get('project'), 'acme-prod');
    assert.equal(parseIni('').size, 0);
  });
});
