/**
 * The refusal a terminal prints has a sentence a person can act on, then the agent's: the
 * person is told how to approve (or, for a policy refusal, where the policy is), the agent
 * not to retry. Still one line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusal } from '../../src/core/decisions';
import type { Verdict } from '../../src/core/types';

const verdict = (decision: Verdict['decision']): Verdict => ({
  decision,
  risk: 'high',
  category: 'filesystem',
  environment: 'development',
  evidence: [],
  rules: ['fs.rm.recursive'],
  targets: ['scratch'],
  reason: 'rm deletes scratch',
  typedConfirmation: false,
  hits: [],
});

test('an asked command refused: the person is told to run it again and choose Allow once; the agent not to retry', () => {
  const m = refusal('rm -rf scratch', verdict('ask'), 'a person denied it');
  assert.match(m, /It did not run because a person denied it\. To let it run, a person \(not an agent\) types it again in a guarded terminal and chooses Allow once\. Do not retry it/);
  assert.match(m, / Do not retry it or work around it; ask the user to run or approve it\.$/, 'the agent sentence stays last (hook answers strip it for the person)');
  assert.ok(!m.includes('\n'));
});

test('a policy refusal points the person at the policy file, not at a prompt that never comes', () => {
  const m = refusal('rm -rf scratch', verdict('deny'), 'the policy forbids it');
  assert.match(m, /a person can change that in \.twokey\/policy\.json\./);
  assert.ok(!/Allow once/.test(m));
});
