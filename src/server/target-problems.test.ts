// ListTargets' problems over a real grpc-js server and client: each pod that
// is not a target is listed with its reason, ordered by namespace and name,
// picked by the selector as the pod itself would be, never with an address;
// none without a provider (no Kubernetes).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { type Client, credentials, Metadata, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { type ListTargetsResponse, ListTargetsRequestSchema, ProfilerService } from '../gen/gopprof/v1/profiler_pb.js';
import { createGrpcServer, type GrpcServer } from './create-grpc-server.ts';
import { FakeCaptureService, podTarget } from './fake-capture-service.ts';
import { serviceDefinition } from './service-definition.ts';
import type { TargetProblemView } from './target-problems.ts';

function problem(namespace: string, name: string, workload: string, labels: Record<string, string>, reason: string, invalid = true): TargetProblemView {
  const uid = `uid-${name}`;
  return { id: `pod/${namespace}/${name}/${uid}`, reason, invalid, labels, pod: { namespace, name, uid, workload } };
}

// Deliberately out of order: the API sorts.
const PROBLEMS = [
  problem('shop', 'web-1', 'web', { app: 'web' }, 'not ready', false),
  problem('billing', 'worker-0', 'worker', { app: 'worker' }, 'gopprof.io/port: "99999" is not a port (1-65535)'),
  problem('shop', 'api-2', 'api', { app: 'api', tier: 'backend' }, 'gopprof.io/scheme: want "http" or "https", got "ftp"'),
];

let server: GrpcServer;
let bare: GrpcServer;
let client: Client;
let bareClient: Client;

before(async () => {
  const Ctor = makeGenericClientConstructor(serviceDefinition(ProfilerService), 'ProfilerService');
  const captures = new FakeCaptureService([podTarget('shop', 'api-1', 'api', { app: 'api', tier: 'backend' })]);
  server = createGrpcServer({ captureService: captures, targetProblems: () => PROBLEMS });
  bare = createGrpcServer({ captureService: captures });
  client = new Ctor(`127.0.0.1:${await server.start('127.0.0.1', 0)}`, credentials.createInsecure());
  bareClient = new Ctor(`127.0.0.1:${await bare.start('127.0.0.1', 0)}`, credentials.createInsecure());
});

after(async () => {
  client.close();
  bareClient.close();
  await Promise.all([server.stop(), bare.stop()]);
});

function list(c: Client, selector?: Record<string, unknown>): Promise<ListTargetsResponse> {
  return new Promise((resolve, reject) => {
    const fn = (c as unknown as Record<string, (r: unknown, m: Metadata, cb: (e: ServiceError | null, r?: unknown) => void) => void>).listTargets;
    fn.call(c, create(ListTargetsRequestSchema, selector ? { selector } : {}), new Metadata(), (err, res) =>
      err ? reject(err) : resolve(res as ListTargetsResponse),
    );
  });
}

const rows = (r: ListTargetsResponse) => r.problems.map((p) => `${p.namespace}/${p.pod}`);

test('every problem is listed beside the targets, ordered by namespace and name, with every field', async () => {
  const r = await list(client);
  assert.deepEqual(r.targets.map((t) => t.target?.name), ['shop/api-1']);
  assert.deepEqual(rows(r), ['billing/worker-0', 'shop/api-2', 'shop/web-1']);
  const [worker, api, web] = r.problems;
  assert.deepEqual(
    [worker.namespace, worker.pod, worker.uid, worker.workload, worker.reason, worker.invalid],
    ['billing', 'worker-0', 'uid-worker-0', 'worker', 'gopprof.io/port: "99999" is not a port (1-65535)', true],
  );
  assert.match(api.reason, /gopprof.io\/scheme/);
  assert.deepEqual([web.reason, web.invalid], ['not ready', false]);
});

test('the selector picks problems as it picks targets; naming target ids picks none', async () => {
  assert.deepEqual(rows(await list(client, { namespace: 'shop' })), ['shop/api-2', 'shop/web-1']);
  assert.deepEqual(rows(await list(client, { workload: 'worker' })), ['billing/worker-0']);
  const backend = await list(client, { labelSelector: 'tier=backend' });
  assert.deepEqual(rows(backend), ['shop/api-2']);
  assert.deepEqual(backend.targets.map((t) => t.target?.name), ['shop/api-1']);
  assert.deepEqual(rows(await list(client, { namespace: 'shop', labelSelector: 'app in (web)' })), ['shop/web-1']);
  assert.deepEqual(rows(await list(client, { targetIds: ['pod/shop/api-1/uid-api-1'] })), []);
  assert.deepEqual(rows(await list(client, { namespace: 'nowhere' })), []);
});

test('a service without Kubernetes discovery lists no problems', async () => {
  const r = await list(bareClient);
  assert.deepEqual(r.targets.map((t) => t.target?.name), ['shop/api-1']);
  assert.deepEqual(r.problems, []);
});
