// End to end: the whole service (startService, as `npm start` runs it) with a
// static target pointing at a real Go program serving net/http/pprof. Every
// profile type goes through ProfilePod over gRPC; the artifacts are fetched
// back over the service's HTTP server; a call through reflection alone (as
// grpcurl would make it) works with `buf curl`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import type { ServiceError } from '@grpc/grpc-js';
import { loadConfig } from '../src/config/index.ts';
import { ArtifactKind, CaptureStatus, ProfileType } from '../src/gen/gopprof/v1/capture_pb.js';
import {
  type ListCapturesResponse,
  ListCapturesRequestSchema,
  type ListTargetsResponse,
  ListTargetsRequestSchema,
  type ProfilePodResponse,
  ProfilePodRequestSchema,
} from '../src/gen/gopprof/v1/profiler_pb.js';
import { type RunningService, startService } from '../src/main.ts';
import { decodeProfile } from '../src/pprof/index.ts';
import { createLogger } from '../src/telemetry/index.ts';
import { checkWellFormedXml } from './support/check-well-formed-xml.ts';
import { type GoTarget, startGoTarget } from './support/go-target.ts';
import { connectProfiler, type ProfilerTestClient } from './support/loopback-service.ts';
import { skipWithoutBinaries } from './support/require-binary.ts';

const execFileAsync = promisify(execFile);
const BUF = new URL('../node_modules/.bin/buf', import.meta.url).pathname;

const CASES: [ProfileType, number, string][] = [
  [ProfileType.CPU, 1, 'main.burnCPU'],
  [ProfileType.HEAP, 0, 'main.leakMemory'],
  [ProfileType.ALLOCS, 0, 'main.leakMemory'],
  [ProfileType.GOROUTINE, 0, 'main.parkGoroutines'],
  [ProfileType.MUTEX, 0, 'main.contendMutex'],
  [ProfileType.BLOCK, 0, 'main.blockOnChannel'],
  [ProfileType.THREADCREATE, 0, 'runtime.newm'],
];

describe('gopprof service end to end', { skip: skipWithoutBinaries('go') }, () => {
  let go: GoTarget;
  let service: RunningService;
  let client: ProfilerTestClient;

  before(async () => {
    go = await startGoTarget();
    const dir = await mkdtemp(join(tmpdir(), 'gopprof-e2e-'));
    const file = join(dir, 'config.yaml');
    await writeFile(
      file,
      [
        'grpc: {host: 127.0.0.1, port: 0}',
        'http: {host: 127.0.0.1, port: 0}',
        `storage: {localDir: ${JSON.stringify(join(dir, 'store'))}}`,
        'targets:',
        '  static:',
        `    - {name: gotarget, url: "${go.url}/debug/pprof", labels: {app: gotarget}, owner: team-go}`,
      ].join('\n'),
    );
    const config = await loadConfig({ file, env: {} });
    service = await startService(config, createLogger('silent'));
    client = connectProfiler(service.grpcPort);
  });

  after(async () => {
    client?.close();
    await service?.stop();
    await go?.stop();
  });

  test('ProfilePod captures every profile type; artifacts are served and name the hot functions', async () => {
    for (const [type, seconds, hot] of CASES) {
      const res = await client.call<ProfilePodResponse>(
        'profilePod',
        create(ProfilePodRequestSchema, { target: { kind: { case: 'name', value: 'gotarget' } }, type, seconds }),
      );
      const c = res.capture!;
      assert.equal(c.status, CaptureStatus.OK, `${ProfileType[type]}: ${c.error?.message}`);
      const byKind = new Map(c.artifacts.map((a) => [a.kind, a]));
      const raw = new Uint8Array(await (await fetch(byKind.get(ArtifactKind.PROFILE)!.url)).arrayBuffer());
      assert.ok(decodeProfile(raw).samples.count >= 0);
      const svgRes = await fetch(byKind.get(ArtifactKind.SVG)!.url);
      assert.equal(svgRes.headers.get('content-type'), 'image/svg+xml');
      const svg = await svgRes.text();
      checkWellFormedXml(svg);
      assert.ok(svg.includes(hot), `${ProfileType[type]}: SVG names ${hot}`);
      // The summary lists the top functions by flat value, as -top does: for
      // goroutine, mutex and block profiles those are runtime internals.
      if ([ProfileType.CPU, ProfileType.HEAP, ProfileType.ALLOCS].includes(type)) {
        assert.ok(
          c.summary!.top.some((f) => f.name === hot),
          `${ProfileType[type]}: summary lists ${hot}: ${c.summary!.top.map((f) => f.name).join(', ')}`,
        );
      }
    }
    const listed = await client.call<ListCapturesResponse>('listCaptures', create(ListCapturesRequestSchema, {}));
    assert.equal(listed.captures.length, CASES.length);
    const targets = await client.call<ListTargetsResponse>('listTargets', create(ListTargetsRequestSchema, {}));
    assert.equal(targets.targets.length, 1);
    const metrics = await (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
    assert.match(metrics, /gopprof_captures_total\{result="ok",trigger="manual",type="cpu"\} 1/);
    assert.equal((await fetch(`http://127.0.0.1:${service.httpPort}/readyz`)).status, 200);
  });

  test('a caller cannot name a URL, only known targets', async () => {
    await assert.rejects(
      client.call('profilePod', create(ProfilePodRequestSchema, { target: { kind: { case: 'id', value: 'http://127.0.0.1:1/' } }, type: ProfileType.HEAP })),
      (err: ServiceError) => err.code === 5, // NOT_FOUND
    );
  });

  test('ProfilePod through reflection alone, as grpcurl calls it (buf curl)', async () => {
    const { stdout } = await execFileAsync(
      BUF,
      [
        'curl',
        '--protocol',
        'grpc',
        '--http2-prior-knowledge',
        '-d',
        '{"target":{"name":"gotarget"},"type":"PROFILE_TYPE_HEAP"}',
        `http://127.0.0.1:${service.grpcPort}/gopprof.v1.ProfilerService/ProfilePod`,
      ],
      { cwd: tmpdir(), timeout: 60_000 },
    );
    const body = JSON.parse(stdout) as { capture: { status: string; summary: { top: { name: string }[] } } };
    assert.equal(body.capture.status, 'CAPTURE_STATUS_OK');
    assert.ok(body.capture.summary.top.some((f) => f.name === 'main.leakMemory'));
  });
});
