import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { type ErrorCode, isGopprofError } from '../errors.ts';
import { ProfileType, Trigger } from '../gen/gopprof/v1/capture_pb.js';
import {
  GetCaptureRequestSchema,
  ListCapturesRequestSchema,
  ProfilePodRequestSchema,
  ProfilePodsRequestSchema,
} from '../gen/gopprof/v1/profiler_pb.js';
import { staticTarget } from './fake-capture-service.ts';
import {
  captureFilterFromProto,
  captureGroupFromProto,
  captureIdFromProto,
  captureRequestFromProto,
  engineOptionsFromProto,
  secondsFromProto,
} from './from-proto.ts';
import { resolveTargetId, selectTargets } from './select-targets.ts';
import { resolveServerLimits } from './server-limits.ts';

const limits = resolveServerLimits({ defaultSeconds: 30, maxSeconds: 300, maxGroupSize: 3, maxConcurrency: 4, maxPageSize: 100 });
const targets = [staticTarget('api', { app: 'api' }), staticTarget('worker', { app: 'worker' }), staticTarget('db', { app: 'db' })];
const resolve = (ref: Parameters<typeof resolveTargetId>[0]) => resolveTargetId(ref, targets);
const select = (s: Parameters<typeof selectTargets>[0]) => selectTargets(s, targets);

function rejects(fn: () => unknown, code: ErrorCode, field: RegExp): void {
  assert.throws(fn, (err) => isGopprofError(err, code) && field.test(err.message), `${code} ${field}`);
}

test('ProfilePod: target by id, name; defaults; manual trigger', () => {
  const byName = captureRequestFromProto(
    create(ProfilePodRequestSchema, { target: { kind: { case: 'name', value: 'api' } }, type: ProfileType.CPU }),
    resolve,
    limits,
  );
  assert.deepEqual(byName, { targetId: 'static/api', type: 'cpu', seconds: 30, options: {}, trigger: 'manual' });
  const byId = captureRequestFromProto(
    create(ProfilePodRequestSchema, {
      target: { kind: { case: 'id', value: 'static/x' } },
      type: ProfileType.HEAP,
      options: { nodeCount: 20, focus: '(?i)handler', lines: false, hide: '' },
    }),
    resolve,
    limits,
  );
  assert.deepEqual(byId, { targetId: 'static/x', type: 'heap', seconds: 0, options: { nodeCount: 20, focus: '(?i)handler', lines: false }, trigger: 'manual' });
});

test('ProfilePod: missing or bad fields name the field', () => {
  const req = (init: Parameters<typeof create<typeof ProfilePodRequestSchema>>[1]) => () =>
    captureRequestFromProto(create(ProfilePodRequestSchema, init), resolve, limits);
  rejects(req({ type: ProfileType.CPU }), 'OPTION_INVALID', /^target: required/);
  rejects(req({ target: { kind: { case: 'id', value: '' } }, type: ProfileType.CPU }), 'OPTION_INVALID', /^target\.id: empty/);
  rejects(req({ target: { kind: { case: 'pod', value: { namespace: 'prod' } } }, type: 1 }), 'OPTION_INVALID', /^target\.pod/);
  rejects(req({ target: { kind: { case: 'name', value: 'nope' } }, type: 1 }), 'TARGET_UNKNOWN', /nope/);
  rejects(req({ target: { kind: { case: 'name', value: 'api' } } }), 'PROFILE_TYPE_INVALID', /^type: required/);
  rejects(req({ target: { kind: { case: 'name', value: 'api' } }, type: 42 as ProfileType }), 'PROFILE_TYPE_INVALID', /unknown profile type 42/);
  rejects(req({ target: { kind: { case: 'name', value: 'api' } }, type: 1, seconds: 301 }), 'OPTION_INVALID', /^seconds: 301/);
  rejects(
    req({ target: { kind: { case: 'id', value: 'x'.repeat(limits.maxStringLength + 1) } }, type: 1 }),
    'OPTION_INVALID',
    /^target\.id: longer than/,
  );
});

test('seconds: cpu 0 takes the default, snapshots stay 0, the cap is inclusive', () => {
  assert.equal(secondsFromProto('cpu', 0, limits), 30);
  assert.equal(secondsFromProto('cpu', 300, limits), 300);
  assert.equal(secondsFromProto('goroutine', 0, limits), 0);
  assert.equal(secondsFromProto('allocs', 60, limits), 60);
  rejects(() => secondsFromProto('heap', 301, limits), 'OPTION_INVALID', /^seconds/);
});

test('engine options: fractions in 0..1, node_count 1..MAX', () => {
  assert.deepEqual(engineOptionsFromProto({ nodeFraction: 0, edgeFraction: 1 } as never, limits), { nodeFraction: 0, edgeFraction: 1 });
  rejects(() => engineOptionsFromProto({ nodeFraction: 1.5 } as never, limits), 'OPTION_INVALID', /^options\.node_fraction/);
  rejects(() => engineOptionsFromProto({ edgeFraction: Number.NaN } as never, limits), 'OPTION_INVALID', /^options\.edge_fraction/);
  rejects(() => engineOptionsFromProto({ nodeCount: 0 } as never, limits), 'OPTION_INVALID', /^options\.node_count/);
  rejects(() => engineOptionsFromProto({ show: 'y'.repeat(2000) } as never, limits), 'OPTION_INVALID', /^options\.show/);
});

test('ProfilePods: a selector picks the group; empty and oversized groups are refused', () => {
  const group = captureGroupFromProto(
    create(ProfilePodsRequestSchema, { selector: { labelSelector: 'app in (api,db)' }, type: ProfileType.GOROUTINE }),
    select,
    limits,
  );
  assert.deepEqual(group.requests.map((r) => r.targetId), ['static/api', 'static/db']);
  assert.equal(group.concurrency, limits.defaultConcurrency);
  assert.ok(group.requests.every((r) => r.type === 'goroutine' && r.seconds === 0 && r.trigger === 'manual'));

  const pods = (init: Parameters<typeof create<typeof ProfilePodsRequestSchema>>[1]) => () =>
    captureGroupFromProto(create(ProfilePodsRequestSchema, init), select, limits);
  rejects(pods({ type: 1 }), 'OPTION_INVALID', /^selector: required/);
  rejects(pods({ selector: { targetIds: ['static/api', 'static/zzz'] }, type: 1 }), 'TARGET_UNKNOWN', /static\/zzz/);
  rejects(pods({ selector: { labelSelector: 'app', }, type: 1, maxTargets: 2 }), 'OPTION_INVALID', /matches 3 targets, more than max_targets 2/);
  rejects(pods({ selector: { labelSelector: 'app' }, type: 1, maxTargets: 4 }), 'OPTION_INVALID', /^max_targets: 4/);
  rejects(pods({ selector: { labelSelector: 'app' }, type: 1, concurrency: 5 }), 'OPTION_INVALID', /^concurrency: 5/);
  rejects(pods({ selector: { labelSelector: 'app=(' }, type: 1 }), 'OPTION_INVALID', /label selector/);
  assert.equal(pods({ selector: { namespace: 'prod' }, type: 1, concurrency: 2 })().requests.length, 0, 'static targets have no namespace');
});

test('ListCaptures: filters, time bounds, page size bounds (AIP-158)', () => {
  const from = new Date('2026-11-25T00:00:00Z');
  const to = new Date('2026-11-26T00:00:00Z');
  const filter = captureFilterFromProto(
    create(ListCapturesRequestSchema, {
      targetId: 'static/api',
      type: ProfileType.MUTEX,
      trigger: Trigger.AUTO,
      startTimeFrom: timestampFromDate(from),
      startTimeTo: timestampFromDate(to),
      pageSize: 10,
      pageToken: 'abc',
    }),
    limits,
  );
  assert.deepEqual(filter, {
    targetId: 'static/api',
    type: 'mutex',
    trigger: 'auto',
    since: from.toISOString(),
    until: to.toISOString(),
    pageSize: 10,
    pageToken: 'abc',
  });
  const list = (init: Parameters<typeof create<typeof ListCapturesRequestSchema>>[1]) =>
    captureFilterFromProto(create(ListCapturesRequestSchema, init), limits);
  assert.equal(list({}).pageSize, limits.defaultPageSize);
  assert.equal(list({}).type, undefined);
  assert.equal(list({ pageSize: 5000 }).pageSize, 100);
  rejects(() => list({ pageSize: -1 }), 'OPTION_INVALID', /^page_size/);
  rejects(() => list({ startTimeFrom: timestampFromDate(to), startTimeTo: timestampFromDate(from) }), 'OPTION_INVALID', /after/);
  rejects(() => list({ trigger: 9 as Trigger }), 'OPTION_INVALID', /^trigger/);
});

test('GetCapture: id required', () => {
  assert.equal(captureIdFromProto(create(GetCaptureRequestSchema, { id: 'c1' }), limits), 'c1');
  rejects(() => captureIdFromProto(create(GetCaptureRequestSchema, {}), limits), 'OPTION_INVALID', /^id: required/);
});
