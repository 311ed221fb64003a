/**
 * The real grpc-js server on 127.0.0.1:0 with a fake CaptureService, called by
 * a real grpc-js client built from the same protobuf-es adapter.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import {
  type CallOptions,
  type Client,
  type ClientReadableStream,
  type ClientUnaryCall,
  credentials,
  Metadata,
  makeGenericClientConstructor,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import type { Capture, CaptureRequest } from '../capture/capture.ts';
import { GopprofError, isGopprofError } from '../errors.ts';
import { CaptureStatus, ProfileType } from '../gen/gopprof/v1/capture_pb.js';
import type {
  GetCaptureResponse,
  ListCapturesResponse,
  ListTargetsResponse,
  ProfilePodResponse,
  ProfilePodsResponse,
} from '../gen/gopprof/v1/profiler_pb.js';
import { ProfilerService } from '../gen/gopprof/v1/profiler_pb.js';
import { Health, type HealthCheckResponse, HealthCheckResponse_ServingStatus } from '../gen/grpc/health/v1/health_pb.js';
import { MetricsRegistry } from '../telemetry/index.ts';
import { createGrpcServer, type GrpcServer } from './create-grpc-server.ts';
import { ERROR_CODE_METADATA_KEY } from './error-status.ts';
import { FakeCaptureService, okCapture, podTarget, staticTarget } from './fake-capture-service.ts';
import { serviceDefinition } from './service-definition.ts';

type Callback = (err: ServiceError | null, response?: unknown) => void;
type UnaryMethod = (request: unknown, metadata: Metadata, options: CallOptions, callback: Callback) => ClientUnaryCall;
type StreamMethod = (request: unknown, metadata: Metadata, options: CallOptions) => ClientReadableStream<unknown>;

const ProfilerClient = makeGenericClientConstructor(serviceDefinition(ProfilerService), 'ProfilerService');
const HealthClient = makeGenericClientConstructor(serviceDefinition(Health), 'Health');

function connect(ctor: typeof ProfilerClient, port: number): Client {
  return new ctor(`127.0.0.1:${port}`, credentials.createInsecure());
}

/** Calls a unary method; resolves to the response, rejects with the ServiceError. Exposes the call for cancel(). */
function unary<T>(client: Client, method: string, request: object, options: CallOptions = {}): { call: ClientUnaryCall; result: Promise<T> } {
  let call!: ClientUnaryCall;
  const result = new Promise<T>((resolve, reject) => {
    const fn = (client as unknown as Record<string, UnaryMethod>)[method].bind(client);
    call = fn(request, new Metadata(), options, (err, response) => (err ? reject(err) : resolve(response as T)));
  });
  return { call, result };
}

function stream<T>(client: Client, method: string, request: object, options: CallOptions = {}): ClientReadableStream<T> {
  const fn = (client as unknown as Record<string, StreamMethod>)[method].bind(client);
  return fn(request, new Metadata(), options) as ClientReadableStream<T>;
}

/** Reads a server stream to its end: the messages, and the error status if it failed. */
async function drain<T>(s: ClientReadableStream<T>): Promise<{ messages: T[]; error?: ServiceError }> {
  const messages: T[] = [];
  try {
    for await (const m of s) messages.push(m as T);
    return { messages };
  } catch (err) {
    return { messages, error: err as ServiceError };
  }
}

async function rejectsWith(p: Promise<unknown>, code: status, errorCode: string, details?: RegExp): Promise<ServiceError> {
  const err = await p.then(
    () => assert.fail('expected the call to fail'),
    (e: ServiceError) => e,
  );
  assert.equal(err.code, code, `status ${status[err.code]} (${err.details}), expected ${status[code]}`);
  assert.deepEqual(err.metadata.get(ERROR_CODE_METADATA_KEY), [errorCode]);
  if (details) assert.match(err.details, details);
  return err;
}

/** Resolves with the signal `profileImpl` got, once a capture starts; the capture then hangs until aborted. */
function hangingProfile(fake: FakeCaptureService): Promise<{ signal: AbortSignal; aborted: Promise<unknown> }> {
  return new Promise((started) => {
    fake.profileImpl = (_request, signal) => {
      assert.ok(signal, 'the service gets a signal');
      const aborted = new Promise((resolve) => {
        if (signal.aborted) resolve(signal.reason);
        else signal.addEventListener('abort', () => resolve(signal.reason), { once: true });
      });
      started({ signal, aborted });
      return aborted.then((reason) => {
        throw isGopprofError(reason) ? reason : new GopprofError('ABORTED', 'profile: cancelled', { cause: reason });
      });
    };
  });
}

const targets = [
  staticTarget('api', { app: 'api', tier: 'web' }),
  staticTarget('worker', { app: 'worker' }),
  podTarget('prod', 'web-1', 'web', { app: 'web', tier: 'web' }),
];

let fake: FakeCaptureService;
let server: GrpcServer;
let client: Client;
let port: number;
const metrics = new MetricsRegistry();

before(async () => {
  fake = new FakeCaptureService(targets);
  server = createGrpcServer({ captureService: fake, metrics, limits: { maxSeconds: 60, maxGroupSize: 5, defaultPageSize: 2, maxPageSize: 2 } });
  port = await server.start('127.0.0.1', 0);
  client = connect(ProfilerClient, port);
});

after(async () => {
  client.close();
  await server.stop();
});

function reset(): void {
  fake.reset();
}

test('binds a free port and reports SERVING to health checks', async () => {
  assert.ok(port > 0);
  const health = connect(HealthClient, port);
  try {
    const overall = await unary<HealthCheckResponse>(health, 'check', { service: '' }).result;
    assert.equal(overall.status, HealthCheckResponse_ServingStatus.SERVING);
    const api = await unary<HealthCheckResponse>(health, 'check', { service: 'gopprof.v1.ProfilerService' }).result;
    assert.equal(api.status, HealthCheckResponse_ServingStatus.SERVING);
  } finally {
    health.close();
  }
});

test('ProfilePod profiles the named target and returns the capture', async () => {
  reset();
  const res = await unary<ProfilePodResponse>(client, 'profilePod', {
    target: { kind: { case: 'pod', value: { namespace: 'prod', name: 'web-1' } } },
    type: ProfileType.HEAP,
    seconds: 15,
    options: { sampleIndex: 'alloc_space', nodeCount: 30 },
  }).result;
  assert.equal(res.capture?.target?.id, targets[2].id);
  assert.equal(res.capture?.type, ProfileType.HEAP);
  assert.equal(res.capture?.status, CaptureStatus.OK);
  assert.ok(fake.captures.has(res.capture!.id));
  const [call] = fake.calls;
  assert.equal(call.method, 'profile');
  assert.deepEqual(call.args, {
    targetId: targets[2].id,
    type: 'heap',
    seconds: 15,
    options: { sampleIndex: 'alloc_space', nodeCount: 30 },
    trigger: 'manual',
  } satisfies CaptureRequest);
  assert.ok(call.signal instanceof AbortSignal && !call.signal.aborted);
});

test('ProfilePod errors carry the right status and the gopprof code', async () => {
  reset();
  const pod = (request: object) => unary(client, 'profilePod', request).result;
  await rejectsWith(pod({ target: { kind: { case: 'name', value: 'nope' } }, type: 1 }), status.NOT_FOUND, 'TARGET_UNKNOWN', /nope/);
  await rejectsWith(pod({ target: { kind: { case: 'id', value: 'static/nope' } }, type: 1 }), status.NOT_FOUND, 'TARGET_UNKNOWN');
  await rejectsWith(pod({ type: 1 }), status.INVALID_ARGUMENT, 'OPTION_INVALID', /^target: required/);
  await rejectsWith(pod({ target: { kind: { case: 'name', value: 'api' } } }), status.INVALID_ARGUMENT, 'PROFILE_TYPE_INVALID');
  await rejectsWith(
    pod({ target: { kind: { case: 'name', value: 'api' } }, type: 1, seconds: 61 }),
    status.INVALID_ARGUMENT,
    'OPTION_INVALID',
    /seconds: 61 is more than the maximum 60/,
  );
  assert.equal(fake.calls.length, 1, 'invalid requests never reach the service; the unknown id did');

  const failWith = (err: unknown) => {
    fake.profileImpl = async () => {
      throw err;
    };
  };
  const api = { target: { kind: { case: 'name', value: 'api' } }, type: 1 };
  failWith(new GopprofError('OVERLOADED', 'too many captures in flight (8)'));
  await rejectsWith(pod(api), status.RESOURCE_EXHAUSTED, 'OVERLOADED', /too many/);
  failWith(new GopprofError('FETCH_REFUSED', 'static/api refused the connection'));
  await rejectsWith(pod(api), status.UNAVAILABLE, 'FETCH_REFUSED');
  failWith(new GopprofError('REGEXP_INVALID', 'focus: missing )'));
  await rejectsWith(pod(api), status.INVALID_ARGUMENT, 'REGEXP_INVALID');
  failWith(new Error('ENOENT: /var/lib/gopprof/secret-path'));
  const internal = await rejectsWith(pod(api), status.INTERNAL, 'INTERNAL');
  assert.doesNotMatch(internal.details, /ENOENT|secret/);
});

test('ProfilePods streams each capture as it completes, failed ones included', async () => {
  reset();
  fake.profileManyImpl = async function* (requests) {
    for (const r of requests) {
      const target = targets.find((t) => t.id === r.targetId)!;
      const capture: Capture =
        target.name === 'worker'
          ? { ...okCapture(r, target), status: 'failed', error: { code: 'FETCH_TIMEOUT', message: 'slow' }, artifacts: {} }
          : okCapture(r, target);
      yield capture;
    }
  };
  const { messages, error } = await drain(
    stream<ProfilePodsResponse>(client, 'profilePods', {
      selector: { targetIds: ['static/api', 'static/worker'] },
      type: ProfileType.CPU,
      seconds: 2,
      concurrency: 2,
    }),
  );
  assert.equal(error, undefined);
  assert.deepEqual(
    messages.map((m) => [m.capture?.target?.id, m.capture?.status, m.capture?.error?.code ?? '']),
    [
      ['static/api', CaptureStatus.OK, ''],
      ['static/worker', CaptureStatus.FAILED, 'FETCH_TIMEOUT'],
    ],
  );
  const [call] = fake.calls;
  const args = call.args as { requests: CaptureRequest[]; options: { concurrency: number } };
  assert.deepEqual(args.options, { concurrency: 2 });
  assert.deepEqual(args.requests.map((r) => [r.targetId, r.type, r.seconds]), [
    ['static/api', 'cpu', 2],
    ['static/worker', 'cpu', 2],
  ]);
});

test('ProfilePods selects by labels, refuses empty and oversized groups, and reports a mid-stream failure', async () => {
  reset();
  const pods = (request: object) => drain(stream<ProfilePodsResponse>(client, 'profilePods', request));
  const byLabel = await pods({ selector: { labelSelector: 'tier=web' }, type: ProfileType.GOROUTINE });
  assert.equal(byLabel.error, undefined);
  assert.deepEqual(byLabel.messages.map((m) => m.capture?.target?.id).sort(), ['pod/prod/web-1/uid-web-1', 'static/api']);

  const empty = await pods({ type: 1 });
  assert.equal(empty.error?.code, status.INVALID_ARGUMENT);
  const tooMany = await pods({ selector: { labelSelector: 'app' }, type: 1, maxTargets: 2 });
  assert.equal(tooMany.error?.code, status.INVALID_ARGUMENT);
  assert.match(tooMany.error?.details ?? '', /matches 3 targets/);

  fake.profileManyImpl = async function* (requests) {
    yield okCapture(requests[0], targets[0]);
    throw new GopprofError('STORAGE_UNAVAILABLE', 'the object store is unreachable');
  };
  const broken = await pods({ selector: { targetIds: ['static/api', 'static/worker'] }, type: 1 });
  assert.equal(broken.messages.length, 1);
  assert.equal(broken.error?.code, status.UNAVAILABLE);
  assert.deepEqual(broken.error?.metadata.get(ERROR_CODE_METADATA_KEY), ['STORAGE_UNAVAILABLE']);
});

test('GetCapture and ListCaptures page through stored captures', async () => {
  reset();
  fake.captures.clear();
  for (const name of ['api', 'worker', 'api']) {
    await unary(client, 'profilePod', { target: { kind: { case: 'name', value: name } }, type: ProfileType.BLOCK }).result;
  }
  const ids = [...fake.captures.keys()];
  const got = await unary<GetCaptureResponse>(client, 'getCapture', { id: ids[1] }).result;
  assert.equal(got.capture?.id, ids[1]);
  assert.equal(got.capture?.target?.name, 'worker');
  await rejectsWith(unary(client, 'getCapture', { id: 'missing' }).result, status.NOT_FOUND, 'CAPTURE_NOT_FOUND');
  await rejectsWith(unary(client, 'getCapture', {}).result, status.INVALID_ARGUMENT, 'OPTION_INVALID');

  // maxPageSize is 2 here: a bigger page_size is lowered to it.
  const first = await unary<ListCapturesResponse>(client, 'listCaptures', { pageSize: 50 }).result;
  assert.equal(first.captures.length, 2);
  assert.notEqual(first.nextPageToken, '');
  const second = await unary<ListCapturesResponse>(client, 'listCaptures', { pageSize: 50, pageToken: first.nextPageToken }).result;
  assert.equal(second.captures.length, 1);
  assert.equal(second.nextPageToken, '');
  assert.deepEqual([...first.captures, ...second.captures].map((c) => c.id).sort(), [...ids].sort());

  const apiOnly = await unary<ListCapturesResponse>(client, 'listCaptures', { targetId: 'static/api', type: ProfileType.BLOCK }).result;
  assert.equal(apiOnly.captures.length, 2);
  assert.ok(apiOnly.captures.every((c) => c.target?.id === 'static/api'));
  await rejectsWith(unary(client, 'listCaptures', { pageSize: -1 }).result, status.INVALID_ARGUMENT, 'OPTION_INVALID', /page_size/);
});

test('ListTargets lists every target by id, or those a selector matches', async () => {
  const all = await unary<ListTargetsResponse>(client, 'listTargets', {}).result;
  assert.deepEqual(
    all.targets.map((t) => t.target?.id),
    targets.map((t) => t.id).sort(),
  );
  const web = await unary<ListTargetsResponse>(client, 'listTargets', { selector: { namespace: 'prod' } }).result;
  assert.deepEqual(web.targets.map((t) => t.target?.name), ['prod/web-1']);
  await rejectsWith(
    unary(client, 'listTargets', { selector: { labelSelector: 'a in (' } }).result,
    status.INVALID_ARGUMENT,
    'OPTION_INVALID',
    /label selector/,
  );
});

test('a cancelled call aborts the signal the service was given', { timeout: 10_000 }, async () => {
  reset();
  const started = hangingProfile(fake);
  const { call, result } = unary(client, 'profilePod', { target: { kind: { case: 'name', value: 'api' } }, type: 1 });
  const failed = assert.rejects(result, (err: ServiceError) => err.code === status.CANCELLED);
  const { signal, aborted } = await started;
  call.cancel();
  const reason = await aborted;
  assert.ok(signal.aborted);
  assert.ok(isGopprofError(reason, 'ABORTED'), 'the reason is a GopprofError the service can rethrow');
  assert.equal(reason.details.why, 'cancelled');
  await failed;
});

test('a passed deadline aborts the service and the caller gets DEADLINE_EXCEEDED', { timeout: 10_000 }, async () => {
  reset();
  const started = hangingProfile(fake);
  const { result } = unary(client, 'profilePod', { target: { kind: { case: 'name', value: 'api' } }, type: 1 }, {
    deadline: Date.now() + 300,
  });
  const failed = assert.rejects(result, (err: ServiceError) => err.code === status.DEADLINE_EXCEEDED);
  const { aborted } = await started;
  const reason = await aborted;
  assert.ok(isGopprofError(reason, 'ABORTED'));
  assert.equal(reason.details.why, 'deadline');
  await failed;
});

test('cancelling a ProfilePods stream aborts the group', { timeout: 10_000 }, async () => {
  reset();
  let groupSignal: AbortSignal | undefined;
  const abortedSeen = new Promise<void>((resolve) => {
    fake.profileManyImpl = async function* (requests, signal) {
      groupSignal = signal;
      yield okCapture(requests[0], targets[0]);
      await new Promise((r) => signal!.addEventListener('abort', r, { once: true }));
      resolve();
      throw signal!.reason;
    };
  });
  const s = stream<ProfilePodsResponse>(client, 'profilePods', { selector: { labelSelector: 'app' }, type: 1 });
  const [first] = (await once(s, 'data')) as [ProfilePodsResponse];
  assert.equal(first.capture?.target?.id, 'static/api');
  s.on('error', () => {}); // the client sees CANCELLED; nothing to check there
  s.cancel();
  await abortedSeen;
  assert.ok(groupSignal?.aborted);
});

test('calls are counted by method and status code', () => {
  const text = metrics.render();
  assert.match(text, /gopprof_grpc_calls_total\{code="0",method="ProfilePod"\} \d+/);
  assert.match(text, /gopprof_grpc_calls_total\{code="5",method="ProfilePod"\} \d+/);
  assert.match(text, /gopprof_grpc_call_duration_seconds_count\{method="ListTargets"\} \d+/);
});

test('stop() reports NOT_SERVING, lets calls finish within the grace period, then cancels the rest', { timeout: 10_000 }, async () => {
  const local = new FakeCaptureService(targets);
  const s = createGrpcServer({ captureService: local, limits: { stopGraceMs: 200, stopForceMs: 1000 } });
  const p = await s.start('127.0.0.1', 0);
  const c = connect(ProfilerClient, p);
  const health = connect(HealthClient, p);
  try {
    const watch = stream<HealthCheckResponse>(health, 'watch', { service: '' });
    const [first] = (await once(watch, 'data')) as [HealthCheckResponse];
    assert.equal(first.status, HealthCheckResponse_ServingStatus.SERVING);
    const notServing = once(watch, 'data');
    watch.on('error', () => {}); // the watch is cut when the server closes

    const started = hangingProfile(local);
    const { result } = unary(c, 'profilePod', { target: { kind: { case: 'name', value: 'api' } }, type: 1 });
    const failed = rejectsWith(result, status.UNAVAILABLE, 'ABORTED', /stopping/);
    const { aborted } = await started;

    const stopped = s.stop();
    assert.equal(s.stop(), stopped, 'stop() is idempotent');
    const [next] = (await notServing) as [HealthCheckResponse];
    assert.equal(next.status, HealthCheckResponse_ServingStatus.NOT_SERVING);

    const reason = await aborted;
    assert.ok(isGopprofError(reason, 'ABORTED'));
    assert.equal(reason.details.why, 'stopping');
    await failed;
    await stopped;
    await assert.rejects(s.start('127.0.0.1', 0), (err) => isGopprofError(err, 'INTERNAL'));
  } finally {
    c.close();
    health.close();
  }
});

test('stop() on a server with nothing in flight returns promptly; stop() before start() is fine', { timeout: 10_000 }, async () => {
  const s = createGrpcServer({ captureService: new FakeCaptureService([]), limits: { stopGraceMs: 60_000 } });
  await s.start('127.0.0.1', 0);
  await s.stop(); // would take a minute if it waited for the grace period
  await createGrpcServer({ captureService: new FakeCaptureService([]) }).stop();
});

test('a port in use fails start() with CONFIG_INVALID', async () => {
  const blocker = createServer();
  blocker.listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  const taken = (blocker.address() as { port: number }).port;
  const s = createGrpcServer({ captureService: new FakeCaptureService([]) });
  try {
    await assert.rejects(s.start('127.0.0.1', taken), (err) => isGopprofError(err, 'CONFIG_INVALID') && err.message.includes(String(taken)));
  } finally {
    await s.stop();
    blocker.close();
  }
});
