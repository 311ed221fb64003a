import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { podTarget, staticTarget } from './fake-capture-service.ts';
import { type GroupSelectorInput, isEmptySelector, resolveTargetId, selectTargets } from './select-targets.ts';

const targets = [
  staticTarget('api', { app: 'api' }),
  podTarget('prod', 'web-1', 'web', { app: 'web' }),
  podTarget('prod', 'web-2', 'web', { app: 'web', canary: 'true' }),
  podTarget('dev', 'web-1', 'web', { app: 'web' }),
];
const none: GroupSelectorInput = { namespace: '', labelSelector: '', workload: '', targetIds: [] };

test('resolveTargetId: ids pass through; names and pods must match exactly one target', () => {
  assert.equal(resolveTargetId({ kind: 'id', id: 'anything' }, targets), 'anything');
  assert.equal(resolveTargetId({ kind: 'name', name: 'api' }, targets), 'static/api');
  assert.equal(resolveTargetId({ kind: 'name', name: 'dev/web-1' }, targets), targets[3].id);
  assert.equal(resolveTargetId({ kind: 'pod', namespace: 'prod', name: 'web-1' }, targets), targets[1].id);
  assert.throws(() => resolveTargetId({ kind: 'pod', namespace: 'qa', name: 'web-1' }, targets), (e) => isGopprofError(e, 'TARGET_UNKNOWN'));
  const twice = [...targets, { ...targets[1], id: 'pod/prod/web-1/new-uid' }];
  assert.throws(
    () => resolveTargetId({ kind: 'pod', namespace: 'prod', name: 'web-1' }, twice),
    (e) => isGopprofError(e, 'OPTION_INVALID') && /matches 2 targets/.test(e.message),
  );
});

test('selectTargets: criteria are ANDed', () => {
  const ids = (s: Partial<GroupSelectorInput>) => selectTargets({ ...none, ...s }, targets).map((t) => t.id);
  assert.equal(ids({}).length, 4);
  assert.deepEqual(ids({ labelSelector: 'app=web,!canary' }), [targets[1].id, targets[3].id]);
  assert.deepEqual(ids({ namespace: 'prod' }), [targets[1].id, targets[2].id]);
  assert.deepEqual(ids({ namespace: 'prod', workload: 'web', labelSelector: 'canary' }), [targets[2].id]);
  assert.deepEqual(ids({ targetIds: ['static/api', targets[3].id], namespace: 'dev' }), [targets[3].id]);
  assert.deepEqual(ids({ workload: 'api' }), []);
  assert.throws(() => ids({ targetIds: ['static/nope'] }), (e) => isGopprofError(e, 'TARGET_UNKNOWN') && /static\/nope/.test(e.message));
});

test('isEmptySelector', () => {
  assert.equal(isEmptySelector(none), true);
  assert.equal(isEmptySelector({ ...none, labelSelector: '  ' }), true);
  assert.equal(isEmptySelector({ ...none, workload: 'web' }), false);
  assert.equal(isEmptySelector({ ...none, targetIds: ['x'] }), false);
});
