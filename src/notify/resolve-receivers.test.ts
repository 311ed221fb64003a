import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveReceivers } from './resolve-receivers.ts';

const config = { owners: { 'team-payments': ['slack-payments', 'am', 'am'], 'team-empty': [] }, defaultReceivers: ['am'] };

test('an owner with a route gets its receivers; others and no owner get the defaults', () => {
  assert.deepEqual(resolveReceivers('team-payments', config), { receivers: ['slack-payments', 'am'], routed: true });
  assert.deepEqual(resolveReceivers('  team-payments ', config), { receivers: ['slack-payments', 'am'], routed: true });
  assert.deepEqual(resolveReceivers('team-empty', config), { receivers: [], routed: true }, 'an empty route silences an owner');
  assert.deepEqual(resolveReceivers('team-unknown', config), { receivers: ['am'], routed: false });
  assert.deepEqual(resolveReceivers('', config), { receivers: ['am'], routed: false });
});

test('an owner key is looked up as data: names of Object.prototype members are just unknown owners', () => {
  for (const owner of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.deepEqual(resolveReceivers(owner, config), { receivers: ['am'], routed: false }, owner);
  }
});
