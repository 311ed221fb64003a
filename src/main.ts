/**
 * The composition root: configuration → logger → components → servers; stops
 * everything in reverse on SIGTERM/SIGINT. The only module (with cli/) that
 * wires folders together.
 */
import { join, resolve } from 'node:path';
import { createAnalyzer } from './capture/analyze-profile.ts';
import { createCaptureService } from './capture/capture-service.ts';
import { type Config, loadConfig } from './config/index.ts';
import { GopprofError } from './errors.ts';
import { fetchProfile } from './fetch/index.ts';
import { createHttpServer } from './http/index.ts';
import { createRenderer } from './render/index.ts';
import { createGrpcServer } from './server/index.ts';
import { createLocalStore, createS3Store, createSpoolingStore, type ObjectStore } from './storage/index.ts';
import { combineRegistries, createKubernetesTargetRegistry, createStaticTargetRegistry, loadKubeConfig } from './targets/index.ts';
import { createLogger, type Logger, MetricsRegistry } from './telemetry/index.ts';

/** A running service and how to stop it. */
export interface RunningService {
  readonly grpcPort: number;
  readonly httpPort: number;
  readonly config: Config;
  stop(): Promise<void>;
}

function storeFor(config: Config, root: string, publicBaseUrl: string, log: Logger, metrics: MetricsRegistry) {
  if (config.storage.kind === 'local') {
    return { store: createLocalStore({ root, publicBaseUrl }) as ObjectStore, stop: async () => {} };
  }
  const spoolRoot = join(root, 'spool');
  const spooling = createSpoolingStore(
    createS3Store(config.storage.s3),
    createLocalStore({ root: spoolRoot, publicBaseUrl }),
    { retryIntervalMs: config.storage.spoolRetrySeconds * 1000, logger: log.child({ component: 'storage' }) },
  );
  const pending = metrics.gauge('gopprof_spool_pending_objects', 'Objects waiting in the local spool for the object store.');
  const uploaded = metrics.gauge('gopprof_spool_uploaded_objects', 'Spooled objects uploaded since start.');
  const failures = metrics.gauge('gopprof_spool_upload_failures', 'Failed uploads of spooled objects since start.');
  const up = metrics.gauge('gopprof_object_store_up', '1 when the object store took the last write, 0 while it is down.');
  metrics.onCollect(() => {
    const s = spooling.stats();
    pending.set(s.pending);
    uploaded.set(s.uploaded);
    failures.set(s.failures);
    up.set(s.primary === 'up' ? 1 : 0);
  });
  spooling.start();
  return { store: spooling as ObjectStore, stop: () => spooling.stop() };
}

/** Starts the service from a loaded configuration. */
export async function startService(config: Config, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger(config.log.level);
  const metrics = new MetricsRegistry();
  const root = resolve(config.storage.localDir);
  // Pod discovery; a bad kubeconfig fails the start before anything listens.
  const kubernetes = config.kubernetes.enabled
    ? createKubernetesTargetRegistry({
        kubeConfig: loadKubeConfig({ kubeconfig: config.kubernetes.kubeconfig, env: process.env }).kubeConfig,
        namespaces: config.kubernetes.namespaces,
        resyncSeconds: config.kubernetes.resyncSeconds,
        annotationPrefix: config.kubernetes.annotationPrefix,
        logger: log,
      })
    : undefined;
  const staticTargets = createStaticTargetRegistry(config.targets.static);
  let ready: (signal: AbortSignal) => Promise<void> = async () => {
    throw new GopprofError('INTERNAL', 'starting');
  };
  // HTTP first: with port 0 the artifact links need the port it really got.
  const http = createHttpServer({
    metrics,
    logger: log,
    artifactRoots: [config.storage.kind === 'local' ? root : join(root, 'spool')],
    ready: (signal) => ready(signal),
  });
  const httpPort = await http.start(config.http.host, config.http.port);
  const localHost = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const publicBaseUrl = config.http.publicBaseUrl || `http://${localHost}:${httpPort}`;
  const storage = storeFor(config, root, publicBaseUrl, log, metrics);
  const renderer = createRenderer({
    poolSize: config.capture.renderWorkers,
    timeoutMs: config.capture.renderTimeoutSeconds * 1000,
  });
  const captureService = createCaptureService({
    targets: kubernetes ? combineRegistries([staticTargets, kubernetes]) : staticTargets,
    fetch: fetchProfile,
    analyze: createAnalyzer(config.capture.maxDecompressedBytes),
    render: (dot, signal) => renderer.render(dot, signal),
    store: storage.store,
    limits: {
      maxConcurrent: config.capture.maxConcurrent,
      maxQueued: config.capture.maxQueued,
      defaultSeconds: config.capture.defaultSeconds,
      maxSeconds: config.capture.maxSeconds,
      fetchMarginSeconds: config.capture.fetchMarginSeconds,
      maxProfileBytes: config.capture.maxProfileBytes,
      linkExpirySeconds: config.storage.linkExpirySeconds,
    },
    metrics,
    logger: log,
  });
  const grpc = createGrpcServer({
    captureService,
    logger: log,
    metrics,
    limits: {
      defaultSeconds: config.capture.defaultSeconds,
      maxSeconds: config.capture.maxSeconds,
      maxGroupSize: config.capture.maxGroupSize,
      // A group runs as wide as the global limit unless the caller asks for less.
      defaultConcurrency: config.capture.maxConcurrent,
      maxConcurrency: config.capture.maxConcurrent,
    },
  });
  // Serve with the pods listed when the API server answers in time; discovery keeps retrying otherwise.
  await kubernetes
    ?.start(AbortSignal.timeout(15_000))
    .catch((err: unknown) => log.warn({ err }, 'no pod list from the Kubernetes API yet; starting anyway'));
  const grpcPort = await grpc.start(config.grpc.host, config.grpc.port);
  ready = (signal) => storage.store.check(signal);
  log.info({ grpcPort, httpPort, store: storage.store.describe(), targets: config.targets.static.length }, 'gopprof started');
  let stopping: Promise<void> | undefined;
  return {
    grpcPort,
    httpPort,
    config,
    stop() {
      stopping ??= (async () => {
        log.info('gopprof stopping');
        ready = async () => {
          throw new GopprofError('INTERNAL', 'stopping');
        };
        await grpc.stop();
        await kubernetes?.stop();
        await http.stop();
        await renderer.stop();
        await storage.stop();
        log.info('gopprof stopped');
      })();
      return stopping;
    },
  };
}

/** `gopprof serve [--config FILE]`: runs until SIGTERM/SIGINT; returns the exit code. */
export async function runService(argv: readonly string[]): Promise<number> {
  let file = process.env.GOPPROF_CONFIG ?? '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--config' || a === '-config') file = argv[++i] ?? '';
    else if (a.startsWith('--config=')) file = a.slice('--config='.length);
    else {
      process.stderr.write(`gopprof serve: unknown argument ${a}\nusage: gopprof serve [--config FILE]\n`);
      return 2;
    }
  }
  let config: Config;
  try {
    config = await loadConfig({ file, env: process.env });
  } catch (err) {
    process.stderr.write(`gopprof: ${(err as Error).message}\n`);
    return 2;
  }
  const log = createLogger(config.log.level);
  let service: RunningService;
  try {
    service = await startService(config, log);
  } catch (err) {
    log.fatal({ err }, 'gopprof failed to start');
    return 1;
  }
  await new Promise<void>((resolveSignal) => {
    process.once('SIGTERM', () => resolveSignal());
    process.once('SIGINT', () => resolveSignal());
  });
  await service.stop();
  return 0;
}

if (import.meta.main) {
  process.exitCode = await runService(process.argv.slice(2));
}
