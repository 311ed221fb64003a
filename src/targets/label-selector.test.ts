import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { parseLabelSelector } from './label-selector.ts';

const api = { app: 'api', tier: 'web', 'example.com/team': 'a' };
const batch = { app: 'batch', tier: 'batch', canary: 'true' };
const bare = {};

function matches(selector: string): boolean[] {
  const m = parseLabelSelector(selector);
  return [m(api), m(batch), m(bare)];
}

test('equality, inequality, sets and existence, as in Kubernetes', () => {
  assert.deepEqual(matches('app=api'), [true, false, false]);
  assert.deepEqual(matches('app==api'), [true, false, false]);
  assert.deepEqual(matches('app!=api'), [false, true, true], '!= also matches targets without the label');
  assert.deepEqual(matches('tier in (web, batch)'), [true, true, false]);
  assert.deepEqual(matches('tier notin (web)'), [false, true, true]);
  assert.deepEqual(matches('canary'), [false, true, false]);
  assert.deepEqual(matches('!canary'), [true, false, true]);
  assert.deepEqual(matches('example.com/team=a'), [true, false, false]);
  assert.deepEqual(matches('app=api,tier=web'), [true, false, false]);
  assert.deepEqual(matches(' app in (api,batch) , !canary '), [true, false, false]);
  assert.deepEqual(matches('app='), [false, false, false], 'empty value matches only an empty label');
});

test('an empty selector matches everything', () => {
  assert.deepEqual(matches(''), [true, true, true]);
  assert.deepEqual(matches('   '), [true, true, true]);
});

test('malformed selectors are OPTION_INVALID naming the problem', () => {
  for (const [selector, why] of [
    ['app=api,', /empty requirement/],
    ['app in (a,b', /parentheses/],
    ['app in ((a))', /parentheses/],
    ['replicas>3', /numeric/],
    ['app=a b', /cannot parse/],
    ['app in (a,b c)', /bad value/],
    ['=x', /cannot parse/],
  ] as const) {
    assert.throws(
      () => parseLabelSelector(selector),
      (err) => isGopprofError(err, 'OPTION_INVALID') && why.test(err.message) && err.message.includes(JSON.stringify(selector)),
      selector,
    );
  }
});
