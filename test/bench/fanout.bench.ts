// Fan-out benchmark: N simulated targets on loopback (one HTTP server serving
// the real profiles after a delay standing in for `seconds`), captured through
// ProfilePods over gRPC with the service's default limits. Prints total wall
// time against the ideal (delay × waves), peak RSS, and per-capture processing
// time (analysis + render, fetch excluded) p50/p99.
//
//   node test/bench/fanout.bench.ts            (1000 targets, 500 ms delay)
//   GOPPROF_FANOUT_TARGETS=200 GOPPROF_FANOUT_DELAY_MS=1000 node test/bench/fanout.bench.ts
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import { type Client, credentials, Metadata, makeGenericClientConstructor } from '@grpc/grpc-js';
import { createCaptureService, createWorkerAnalyzer } from '../../src/capture/index.ts';
import { DEFAULT_CONFIG } from '../../src/config/index.ts';
import { fetchProfile } from '../../src/fetch/index.ts';
import { ProfileType } from '../../src/gen/gopprof/v1/capture_pb.js';
import { ProfilePodsRequestSchema, ProfilerService } from '../../src/gen/gopprof/v1/profiler_pb.js';
import { createRenderer } from '../../src/render/index.ts';
import { createGrpcServer, serviceDefinition } from '../../src/server/index.ts';
import { createLocalStore } from '../../src/storage/index.ts';
import { createStaticTargetRegistry } from '../../src/targets/index.ts';
import { createLogger, MetricsRegistry } from '../../src/telemetry/index.ts';
import { PROFILES_DIR, SHARED_PROFILES_DIR } from '../support/fixtures.ts';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function profileBytes(name: string): Uint8Array {
  for (const dir of [SHARED_PROFILES_DIR, PROFILES_DIR]) {
    try {
      return readFileSync(dir + name);
    } catch {}
  }
  throw new Error(`${name} not found`);
}

export async function main(): Promise<void> {
  const count = Number(process.env.GOPPROF_FANOUT_TARGETS ?? 1000);
  const delayMs = Number(process.env.GOPPROF_FANOUT_DELAY_MS ?? 500);
  const cpu = profileBytes('cpu.pb.gz');
  const cpu2 = profileBytes('cpu2.pb.gz');

  // One loopback server stands in for every target: /t/<i>/debug/pprof/profile.
  let open = 0;
  let peakOpen = 0;
  const server = createServer((req, res) => {
    open++;
    peakOpen = Math.max(peakOpen, open);
    const i = Number(/^\/t\/(\d+)\//.exec(req.url ?? '')?.[1] ?? 0);
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(i % 2 === 0 ? cpu : cpu2);
      open--;
    }, delayMs);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;

  const dir = await mkdtemp(join(tmpdir(), 'gopprof-fanout-'));
  const limits = DEFAULT_CONFIG.capture;
  const processing: number[] = [];
  // As the service runs it (src/main.ts): each analysis in its own worker thread, with a deadline.
  const analyze = createWorkerAnalyzer({
    maxDecompressedBytes: limits.maxDecompressedBytes,
    timeoutMs: limits.analyzeTimeoutSeconds * 1000,
  });
  const renderer = createRenderer({ poolSize: limits.renderWorkers });
  const pending = new Map<string, number>();
  const service = createCaptureService({
    targets: createStaticTargetRegistry(
      Array.from({ length: count }, (_, i) => ({
        name: `sim-${i}`,
        url: `http://127.0.0.1:${port}/t/${i}/debug/pprof`,
        labels: { bench: 'fanout' },
        owner: '',
      })),
    ),
    fetch: fetchProfile,
    // Processing time = analysis start → render end, per DOT.
    analyze: async (bytes, options, signal) => {
      const t0 = performance.now();
      const a = await analyze(bytes, options, signal);
      pending.set(a.dot, t0);
      return a;
    },
    render: async (dot, signal) => {
      const svg = await renderer.render(dot, signal);
      const t0 = pending.get(dot);
      if (t0 !== undefined) processing.push(performance.now() - t0);
      return svg;
    },
    store: createLocalStore({ root: dir, publicBaseUrl: 'http://127.0.0.1:8078' }),
    limits: { ...limits, linkExpirySeconds: 3600 },
    metrics: new MetricsRegistry(),
    logger: createLogger('silent'),
  });
  const grpc = createGrpcServer({
    captureService: service,
    limits: { defaultConcurrency: limits.maxConcurrent, maxConcurrency: limits.maxConcurrent, maxGroupSize: count },
  });
  const grpcPort = await grpc.start('127.0.0.1', 0);
  const Ctor = makeGenericClientConstructor(serviceDefinition(ProfilerService), 'ProfilerService');
  const client: Client = new Ctor(`127.0.0.1:${grpcPort}`, credentials.createInsecure(), {
    'grpc.max_receive_message_length': 64 * 2 ** 20,
  });

  const t0 = performance.now();
  let ok = 0;
  let failed = 0;
  await new Promise<void>((resolve, reject) => {
    const fn = (client as unknown as Record<string, (r: unknown, m: Metadata) => NodeJS.EventEmitter>).profilePods;
    const stream = fn.call(
      client,
      create(ProfilePodsRequestSchema, {
        selector: { labelSelector: 'bench=fanout' },
        type: ProfileType.CPU,
        seconds: 1,
        maxTargets: count,
      }),
      new Metadata(),
    );
    stream.on('data', (r: { capture?: { status: number } }) => {
      if (r.capture?.status === 1) ok++;
      else failed++;
    });
    stream.on('end', () => resolve());
    stream.on('error', reject);
  });
  const wallMs = performance.now() - t0;
  const waves = Math.ceil(count / limits.maxConcurrent);
  const idealMs = waves * delayMs;
  processing.sort((a, b) => a - b);
  const rssMb = process.resourceUsage().maxRSS / 1024;

  console.log(`fan-out: ${count} simulated targets, ${delayMs} ms delay, global limit ${limits.maxConcurrent}`);
  console.log(`  captures ok/failed      ${ok}/${failed}`);
  console.log(`  wall time               ${(wallMs / 1000).toFixed(2)} s`);
  console.log(`  ideal (delay × ${waves} waves) ${(idealMs / 1000).toFixed(2)} s   ratio ${(wallMs / idealMs).toFixed(2)}`);
  console.log(`  peak RSS (whole process) ${rssMb.toFixed(0)} MB`);
  console.log(`  peak open fetches        ${peakOpen}`);
  console.log(
    `  processing per capture  p50 ${percentile(processing, 50).toFixed(1)} ms   p99 ${percentile(processing, 99).toFixed(1)} ms   (n=${processing.length}, fetch excluded)`,
  );

  client.close();
  await grpc.stop();
  await renderer.stop();
  server.close();
  await rm(dir, { recursive: true, force: true });
}

if (import.meta.main) await main();
