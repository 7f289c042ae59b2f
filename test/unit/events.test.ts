/** Events and disposables: every listener is called, each can leave, nothing fires after disposal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore, Emitter, toDisposable } from '../../src/core/events';

test('every listener gets each value, in the order they subscribed; one that leaves gets no more', () => {
  const e = new Emitter<number>();
  const seen: string[] = [];
  const a = e.event((n) => seen.push(`a${n}`));
  e.event((n) => seen.push(`b${n}`));
  e.fire(1);
  a.dispose();
  a.dispose();
  e.fire(2);
  assert.deepEqual(seen, ['a1', 'b1', 'b2']);
  assert.equal(e.listenerCount, 1);
});

test('the same function given twice is two subscriptions, each removed on its own', () => {
  const e = new Emitter<void>();
  let n = 0;
  const f = () => n++;
  const one = e.event(f);
  e.event(f);
  e.fire();
  one.dispose();
  e.fire();
  assert.equal(n, 3);
});

test('a listener that throws does not keep the value from the others; the error still surfaces', () => {
  const e = new Emitter<string>();
  const seen: string[] = [];
  e.event(() => {
    throw new Error('boom');
  });
  e.event((s) => seen.push(s));
  assert.throws(() => e.fire('x'), /boom/);
  assert.deepEqual(seen, ['x']);
});

test('a disposed emitter fires to no one and takes no new listener', () => {
  const e = new Emitter<number>();
  const seen: number[] = [];
  e.event((n) => seen.push(n));
  e.dispose();
  e.event((n) => seen.push(n));
  e.fire(1);
  assert.deepEqual(seen, []);
});

test('a store disposes what it holds once, in order; what comes after disposal is disposed at once', () => {
  const order: string[] = [];
  const s = new DisposableStore();
  s.add(toDisposable(() => order.push('first')));
  s.add(toDisposable(() => order.push('second')));
  s.dispose();
  s.dispose();
  s.add(toDisposable(() => order.push('late')));
  assert.deepEqual(order, ['first', 'second', 'late']);
});
