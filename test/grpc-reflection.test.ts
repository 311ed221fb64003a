/**
 * The API as a person with grpcurl sees it: `buf curl` (from @bufbuild/buf,
 * installed by npm) discovers every method through server reflection alone —
 * no proto files, run from an empty directory — and calls them with JSON.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { FakeCaptureService, podTarget, staticTarget } from '../src/server/fake-capture-service.ts';
import { createGrpcServer, type GrpcServer } from '../src/server/index.ts';

const BUF = fileURLToPath(new URL('../node_modules/@bufbuild/buf/bin/buf', import.meta.url));
const run = promisify(execFile);

let server: GrpcServer;
let base: string;
let emptyDir: string;

before(async () => {
  const fake = new FakeCaptureService([
    { target: staticTarget('api', { app: 'api' }), lastCaptureId: 'c1', lastCaptureAt: '2026-11-25T10:00:00.000Z', note: 'no cpu limit' },
    podTarget('prod', 'web-1', 'web', { app: 'web' }),
  ]);
  server = createGrpcServer({ captureService: fake });
  const port = await server.start('127.0.0.1', 0);
  base = `http://127.0.0.1:${port}`;
  emptyDir = await mkdtemp(join(tmpdir(), 'gopprof-buf-curl-'));
});

after(async () => {
  await server.stop();
  await rm(emptyDir, { recursive: true, force: true });
});

/** Runs `buf curl` over plaintext HTTP/2 gRPC (async: the server runs in this process). */
async function bufCurl(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BUF, 'curl', '--protocol', 'grpc', '--http2-prior-knowledge', ...args], {
      cwd: emptyDir,
      timeout: 30_000,
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    if (typeof e.code !== 'number') throw err;
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code };
  }
}

test('--list-methods shows every ProfilerService method and the health service', { timeout: 60_000 }, async () => {
  const { stdout, stderr, code } = await bufCurl('--list-methods', base);
  assert.equal(code, 0, stderr);
  const methods = stdout.trim().split('\n').sort();
  for (const m of ['GetCapture', 'ListCaptures', 'ListTargets', 'ProfilePod', 'ProfilePods']) {
    assert.ok(methods.includes(`gopprof.v1.ProfilerService/${m}`), `${m} in ${methods.join(', ')}`);
  }
  assert.ok(methods.includes('grpc.health.v1.Health/Check'));
  assert.ok(methods.includes('grpc.health.v1.Health/Watch'));
});

test('ListTargets answers JSON through reflection alone', { timeout: 60_000 }, async () => {
  const { stdout, stderr, code } = await bufCurl('-d', '{"selector": {"labelSelector": "app=api"}}', `${base}/gopprof.v1.ProfilerService/ListTargets`);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), {
    targets: [
      {
        target: { id: 'static/api', name: 'api', labels: { app: 'api' } },
        lastCaptureTime: '2026-11-25T10:00:00Z',
        lastCaptureId: 'c1',
        note: 'no cpu limit',
      },
    ],
  });
});

test('ProfilePod by pod name with enum names in JSON; errors come back as statuses', { timeout: 60_000 }, async () => {
  const ok = await bufCurl(
    '-d',
    '{"target": {"pod": {"namespace": "prod", "name": "web-1"}}, "type": "PROFILE_TYPE_GOROUTINE"}',
    `${base}/gopprof.v1.ProfilerService/ProfilePod`,
  );
  assert.equal(ok.code, 0, ok.stderr);
  const capture = JSON.parse(ok.stdout).capture;
  assert.equal(capture.target.id, 'pod/prod/web-1/uid-web-1');
  assert.equal(capture.type, 'PROFILE_TYPE_GOROUTINE');
  assert.equal(capture.status, 'CAPTURE_STATUS_OK');

  const missing = await bufCurl('-d', '{"target": {"name": "nope"}, "type": "PROFILE_TYPE_CPU"}', `${base}/gopprof.v1.ProfilerService/ProfilePod`);
  assert.notEqual(missing.code, 0);
  const error = JSON.parse(missing.stderr);
  assert.equal(error.code, 'not_found');
  assert.match(error.message, /nope/);
});

test('the health check answers SERVING', { timeout: 60_000 }, async () => {
  const { stdout, stderr, code } = await bufCurl('-d', '{}', `${base}/grpc.health.v1.Health/Check`);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { status: 'SERVING' });
});
