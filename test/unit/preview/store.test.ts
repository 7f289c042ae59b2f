import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { idFromPath, PreviewStore, previewPath } from '../../../src/core/preview/store';

test('preview URIs round-trip any request id and cannot add path segments', () => {
  for (const id of ['r-1', 'a/b/../c', 'with space', 'ünï', '%2F']) {
    const p = previewPath(id);
    assert.equal(p.split('/').length, 3, p);
    assert.equal(idFromPath(p), id);
  }
  assert.equal(idFromPath('/a/b/c.md'), undefined);
  assert.equal(idFromPath('/%E0%A4%A/x.md'), undefined);
});

test('the store is bounded and forgets the oldest first', () => {
  const s = new PreviewStore(2);
  s.set('a', 'A');
  s.set('b', 'B');
  s.set('a', 'A2'); // refreshed: now the newest
  s.set('c', 'C');
  assert.equal(s.get('b'), undefined);
  assert.equal(s.get('a'), 'A2');
  assert.equal(s.get('c'), 'C');
  assert.ok(s.delete('a'));
  assert.equal(s.size, 1);
});
