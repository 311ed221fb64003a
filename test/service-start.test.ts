// A service that cannot start must not stay half up: when a later step fails
// (here the gRPC port is taken), what already runs — the HTTP server bound
// first, pod discovery — is stopped again, and `gopprof serve` exits instead
// of hanging with a listening socket and a fatal log line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { loadConfig } from '../src/config/index.ts';
import { isGopprofError } from '../src/errors.ts';
import { startService } from '../src/main.ts';
import { createLogger } from '../src/telemetry/index.ts';
import { eventually } from './support/eventually.ts';
import { startFakeKubeApi } from './support/fake-kube-api.ts';
import { freePort } from './support/notify-fixtures.ts';

const logger = createLogger('silent');
const NODE = process.execPath;
const MAIN = new URL('../src/main.ts', import.meta.url).pathname;

/** A TCP port held by a listener until the test ends. */
async function takenPort(t: TestContext): Promise<number> {
  const server: Server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return address.port;
}

/** True when 127.0.0.1:`port` can be bound, i.e. nothing listens there any more. */
async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-start-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a start that fails after the HTTP server is up closes it and stops discovery again', async (t) => {
  const dir = await tempDir(t);
  const api = await startFakeKubeApi();
  t.after(() => api.close());
  const httpPort = await freePort();
  const config = await loadConfig({
    file: '',
    env: {
      GOPPROF_GRPC_HOST: '127.0.0.1',
      GOPPROF_GRPC_PORT: String(await takenPort(t)),
      GOPPROF_HTTP_HOST: '127.0.0.1',
      GOPPROF_HTTP_PORT: String(httpPort),
      GOPPROF_STORAGE_LOCAL_DIR: join(dir, 'store'),
      GOPPROF_KUBERNETES_ENABLED: 'true',
      GOPPROF_KUBERNETES_KUBECONFIG: await api.writeKubeconfig(dir),
      GOPPROF_KUBERNETES_NAMESPACES: '["shop"]',
    },
  });
  await assert.rejects(startService(config, logger), (e: unknown) => isGopprofError(e, 'CONFIG_INVALID') && /grpc server cannot listen/.test(e.message));
  assert.equal(await canBind(httpPort), true, 'the HTTP port is free again');
  assert.ok(api.requests.some((r) => r.verb === 'watch'), 'discovery had started watching');
  await eventually('the pod watch closed', () => api.openWatches() === 0);
});

test('`gopprof serve` exits with status 1 when it cannot start, rather than hanging', async (t) => {
  const dir = await tempDir(t);
  const child = spawn(NODE, [MAIN], {
    env: {
      ...process.env,
      GOPPROF_CONFIG: '',
      GOPPROF_GRPC_HOST: '127.0.0.1',
      GOPPROF_GRPC_PORT: String(await takenPort(t)),
      GOPPROF_HTTP_HOST: '127.0.0.1',
      GOPPROF_HTTP_PORT: '0',
      GOPPROF_STORAGE_LOCAL_DIR: join(dir, 'store'),
      GOPPROF_LOG_LEVEL: 'fatal',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (b: Buffer) => {
    output += b;
  });
  child.stderr.on('data', (b: Buffer) => {
    output += b;
  });
  // Generous: this only tells "exits" from "hangs" on a loaded machine.
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  t.after(() => {
    clearTimeout(killer);
    child.kill('SIGKILL');
  });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  assert.equal(signal, null, `killed after 30 s: the process hung after a failed start\n${output}`);
  assert.equal(code, 1, output);
  assert.match(output, /gopprof failed to start/);
});
