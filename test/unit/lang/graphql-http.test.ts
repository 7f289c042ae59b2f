/** GraphQL bodies through graphql-js, and every way a command sets an HTTP method. */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { analyseGraphqlBody, destructiveVerb } from '../../../src/core/lang/graphql';
import { graphqlDeletes } from '../../../src/core/rules/http';
import { check, engineFor, FILES } from './helpers';

before(async () => {
  FILES['body.json'] = JSON.stringify({ query: 'mutation { environmentDelete(id: "e") }' });
  FILES['req.cfg'] = 'url = "https://api.example.com/items/1"\nrequest = "DELETE"\n';
  FILES['q.graphql'] = 'mutation { serviceDelete(id: "s") }';
  await engineFor('production');
});

const fields = (body: string) => graphqlDeletes(body);

test('mutation fields classified by verb, through aliases, fragments and inline fragments', () => {
  assert.deepEqual(fields('{"query":"mutation { a: projectDelete(id: 1) { id } }"}'), ['projectDelete']);
  assert.deepEqual(fields('{"query":"mutation M { ...F } fragment F on Mutation { volumeDelete(volumeId: 1) }"}'), ['volumeDelete']);
  assert.deepEqual(fields('{"query":"mutation { ... on Mutation { purgeCache(all: true) } }"}'), ['purgeCache']);
  assert.deepEqual(fields('[{"query":"query { me { id } }"},{"query":"mutation { revokeToken(id: 2) }"}]'), ['revokeToken']);
  assert.deepEqual(fields('mutation { deleteUser(id: 1) { id } }'), ['deleteUser']);
  assert.deepEqual(fields('query=mutation%20%7B%20dropTable(name%3A%20%22t%22)%20%7D'), ['dropTable']);
  // Nested selections are results, not mutations; queries are never destructive.
  assert.deepEqual(fields('{"query":"mutation { createUser(name: \\"a\\") { deletedAt removeUrl } }"}'), []);
  assert.deepEqual(fields('{"query":"query { deleteRequests { id } }"}'), []);
  assert.deepEqual(fields('{"query":"mutation { x: isDeleted(id: 1) }"}'), []);
});

test('updates that scale to zero or disable backups, with variables', () => {
  assert.deepEqual(fields('{"query":"mutation($n: Int!) { serviceInstanceUpdate(input: {numReplicas: $n}) }","variables":{"n":0}}'), ['serviceInstanceUpdate (scales to zero)']);
  assert.deepEqual(fields('{"query":"mutation($n: Int!) { serviceInstanceUpdate(input: {numReplicas: $n}) }","variables":{"n":2}}'), []);
  assert.deepEqual(fields('{"query":"mutation { databaseUpdate(input: {backupsEnabled: false}) }"}'), ['databaseUpdate (disables backups)']);
});

test('persisted queries and unparseable text are unknown', () => {
  assert.match(analyseGraphqlBody('{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"abc"}}}')?.unknown ?? '', /persisted query/);
  assert.match(analyseGraphqlBody('{"query":"mutation { broken("}')?.unknown ?? '', /does not parse/);
  assert.equal(analyseGraphqlBody('{"name":"x"}'), undefined);
  assert.equal(destructiveVerb('canDelete'), undefined);
  assert.equal(destructiveVerb('volume_delete'), 'delete');
});

test('HTTP method forms', async () => {
  for (const cmd of [
    'curl -sX DELETE https://api.example.com/x',
    'curl -fsSLX DELETE https://api.example.com/x',
    'curl -XDELETE https://api.example.com/x',
    'curl -sXDELETE https://api.example.com/x',
    'curl --request DELETE https://api.example.com/x',
    'curl --request=DELETE https://api.example.com/x',
    'curl -K req.cfg',
    "curl -H 'X-HTTP-Method-Override: DELETE' -X POST https://api.example.com/x",
    "curl -d '_method=DELETE' https://api.example.com/x",
    'curl "https://api.example.com/x?_method=DELETE" -X POST',
    'wget --method DELETE https://api.example.com/x',
    'wget --method=DELETE -O- https://api.example.com/x',
    'http --auth user:pass DELETE https://api.example.com/x',
    'xh -a u:p delete https://api.example.com/x',
    'http https://api.example.com/x X-HTTP-Method-Override:DELETE',
    'gh api -XDELETE repos/o/r',
    'curl -X "$METHOD" https://api.example.com/x',
    'curl -X DELETE http://printer.local/jobs/1',
  ]) {
    const v = await check(cmd);
    assert.notEqual(v.decision, 'allow', `${cmd}: ${v.reason}`);
  }
});

test('GraphQL bodies from every curl data source', async () => {
  for (const cmd of [
    `curl https://backboard.railway.app/graphql/v2 -d '{"query":"mutation { a: volumeDelete(volumeId: \\"v\\") }"}'`,
    'curl https://backboard.railway.app/graphql/v2 -d @body.json',
    'curl https://backboard.railway.app/graphql/v2 --data-binary @body.json',
    `curl https://backboard.railway.app/graphql/v2 --json '{"query":"mutation { projectDelete(id: \\"p\\") }"}'`,
    "curl https://backboard.railway.app/graphql/v2 -F 'operations={\"query\":\"mutation { fileRemove(id: 1) }\"}'",
    'curl https://backboard.railway.app/graphql/v2 --data-urlencode query@q.graphql',
    `curl https://backboard.railway.app/graphql/v2 -d @- <<'EOF'\n{"query":"mutation { serviceDelete(id: \\"s\\") }"}\nEOF`,
    `echo '{"query":"mutation { serviceDelete(id: 1) }"}' | curl https://backboard.railway.app/graphql/v2 -d @-`,
    `curl https://backboard.railway.app/graphql/v2 -d '{"extensions":{"persistedQuery":{"sha256Hash":"abc"}}}'`,
  ]) {
    const v = await check(cmd);
    assert.notEqual(v.decision, 'allow', `${cmd}: ${v.reason}`);
  }
});

test('look-alikes stay allowed: GETs, queries, local hosts', async () => {
  for (const cmd of [
    'curl https://api.example.com/x',
    'curl -sSfL https://example.com/install.sh -o install.sh',
    'curl -X GET https://api.example.com/x',
    `curl https://backboard.railway.app/graphql/v2 -d '{"query":"query { me { id } }"}'`,
    'curl -X DELETE http://localhost:8080/x',
    'curl -X "$METHOD" http://127.0.0.1:3000/x',
    'wget https://example.com/file.tgz',
    'http GET https://api.example.com/x',
  ]) {
    const v = await check(cmd);
    assert.equal(v.decision, 'allow', `${cmd}: ${v.reason}`);
  }
  // A mutation that destroys nothing is a state change: run in development, asked in production
  // only as a change to it (no destructive finding).
  const create = `curl https://api.example.com/graphql --json '{"query":"mutation { createUser(name: \\"a\\") { id } }"}'`;
  assert.equal((await check(create, 'development')).decision, 'allow');
  const prod = await check(create);
  assert.deepEqual([prod.decision, prod.rules], ['ask', ['change.http.write']]);
});
