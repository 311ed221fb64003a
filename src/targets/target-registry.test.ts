import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { parseLabelSelector } from './label-selector.ts';
import { combineRegistries, createStaticTargetRegistry } from './target-registry.ts';

const reg = createStaticTargetRegistry([
  { name: 'web-1', url: 'http://127.0.0.1:1/debug/pprof', labels: { app: 'web', tier: 'front' }, owner: 'team-web' },
  { name: 'web-2', url: 'http://127.0.0.1:2/debug/pprof', labels: { app: 'web' }, owner: 'team-web' },
  { name: 'db', url: 'http://127.0.0.1:3/debug/pprof', labels: { app: 'db' }, owner: '' },
]);

test('targets are found by id or name, unknown ones are TARGET_UNKNOWN', () => {
  assert.equal(reg.get('static/db').name, 'db');
  assert.equal(reg.get('web-1').id, 'static/web-1');
  assert.throws(() => reg.get('http://169.254.169.254/'), (e: unknown) => isGopprofError(e, 'TARGET_UNKNOWN'));
});

test('label selectors: equality, inequality, set and existence', () => {
  const names = (s: string) => reg.select({ labelSelector: s }).map((t) => t.name);
  assert.deepEqual(names('app=web'), ['web-1', 'web-2']);
  assert.deepEqual(names('app==web,tier'), ['web-1']);
  assert.deepEqual(names('app!=web'), ['db']);
  assert.deepEqual(names('app in (db, web),!tier'), ['db', 'web-2']);
  assert.deepEqual(names('app notin (web)'), ['db']);
  assert.throws(() => parseLabelSelector('app=~x'), /cannot parse requirement "app=~x"/);
  assert.throws(() => reg.select({}), /needs target ids, a label selector or a workload/);
});

test('selection by ids keeps only known targets; combined registries see all', () => {
  assert.deepEqual(reg.select({ ids: ['db', 'nope'] }).map((t) => t.id), ['static/db']);
  const other = createStaticTargetRegistry([{ name: 'zz', url: 'http://127.0.0.1:4/debug/pprof', labels: {}, owner: '' }]);
  const all = combineRegistries([reg, other]);
  assert.equal(all.list().length, 4);
  assert.equal(all.get('zz').id, 'static/zz');
  assert.throws(() => all.get('none'), (e: unknown) => isGopprofError(e, 'TARGET_UNKNOWN'));
});
