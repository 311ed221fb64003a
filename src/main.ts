/**
 * The composition root: configuration → logger → components → servers; stops
 * everything in reverse on SIGTERM/SIGINT. The only module (with cli/) that
 * wires folders together.
 */
import { join, resolve } from 'node:path';
import { createWorkerAnalyzer } from './capture/analyze-in-worker.ts';
import { createCapturePruner } from './capture/capture-pruner.ts';
import { createCaptureService } from './capture/capture-service.ts';
import { type Config, loadConfig } from './config/index.ts';
import { enableCompileCache } from './enable-compile-cache.ts';
import { GopprofError } from './errors.ts';
import { fetchProfile } from './fetch/index.ts';
import { createHttpServer } from './http/index.ts';
import { createFluxSource, createInfluxQlSource, createPrometheusSource, type UsageSource } from './metrics/index.ts';
import { createNotifier, type Notifier } from './notify/index.ts';
import { createRenderer } from './render/index.ts';
import { createGrpcServer } from './server/index.ts';
import { createLocalStore, createS3Store, createSpoolingStore, type ObjectStore } from './storage/index.ts';
import {
  combineRegistries,
  createKubernetesTargetRegistry,
  createStaticTargetRegistry,
  isProfileType,
  type KubernetesTargetRegistry,
  loadKubeConfig,
} from './targets/index.ts';
import { createLogger, type Logger, MetricsRegistry } from './telemetry/index.ts';
import { type AutoProfiler, createAutoProfiler, DEFAULT_RULES, type TriggerRule } from './trigger/index.ts';

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

/**
 * Throws until discovery has listed the pods of every watched namespace once:
 * before that ListTargets, ProfilePod and the auto-profiler would act on a
 * partial (or empty) pod list. Later watch errors keep the cache and do not
 * make the service unready.
 */
function checkDiscovered(kubernetes: KubernetesTargetRegistry): void {
  const waiting = kubernetes.status().filter((s) => !s.synced);
  if (waiting.length === 0) return;
  const scopes = waiting.map((s) => `${s.namespace || 'all namespaces'}${s.lastError ? ` (${s.lastError.message})` : ''}`);
  throw new GopprofError('INTERNAL', `no pod list from the Kubernetes API yet: ${scopes.join(', ')}`);
}

/** The metrics source the auto-profiler reads pod usage from. */
function usageSourceFor(source: Config['autoProfiler']['source']): UsageSource {
  const schema = { database: source.database, retentionPolicy: source.retentionPolicy };
  const timeoutMs = source.timeoutSeconds * 1000;
  const auth = {
    ...(source.username ? { username: source.username, password: source.password } : {}),
    ...(source.token ? { token: source.token } : {}),
  };
  switch (source.kind) {
    case 'influxql':
      return createInfluxQlSource({ url: source.url, ...auth, schema, timeoutMs });
    case 'flux':
      return createFluxSource({
        url: source.url,
        org: source.org,
        ...(source.token ? { token: source.token } : {}),
        ...(source.bucket ? { bucket: source.bucket } : {}),
        schema,
        timeoutMs,
      });
    case 'prometheus':
      return createPrometheusSource({ url: source.url, ...auth, timeoutMs });
    default:
      throw new GopprofError('CONFIG_INVALID', `autoProfiler.source.kind: unknown kind ${String(source.kind)}`);
  }
}

/** The configured rules: the default cpu and memory rules with the configured thresholds and profiles. */
function triggerRules(a: Config['autoProfiler']): TriggerRule[] {
  return DEFAULT_RULES.filter((r) => a[r.resource].enabled).map((r) => {
    const c = a[r.resource];
    return {
      ...r,
      threshold: c.threshold,
      profiles: c.profiles.filter(isProfileType).map((type) => ({ type, seconds: type === 'cpu' ? c.cpuSeconds : 0 })),
    };
  });
}

/** Starts the service from a loaded configuration. */
export async function startService(config: Config, logger?: Logger): Promise<RunningService> {
  const log = logger ?? createLogger(config.log.level);
  // Whatever a failed start had already set going is stopped again, newest first:
  // a listening HTTP server or an open pod watch would keep the failed process alive.
  const started: (() => Promise<void>)[] = [];
  try {
    return await startComponents(config, log, started);
  } catch (err) {
    for (const stop of started.reverse()) {
      await stop().catch((cause: unknown) => log.warn({ err: cause }, 'stopping after a failed start failed'));
    }
    throw err;
  }
}

/** startService's work; pushes onto `started` how to stop each part as soon as it exists. */
async function startComponents(config: Config, log: Logger, started: (() => Promise<void>)[]): Promise<RunningService> {
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
  if (kubernetes) started.push(() => kubernetes.stop());
  const staticTargets = createStaticTargetRegistry(config.targets.static);
  // A bad metrics source fails the start before anything listens, like a bad kubeconfig.
  const usageSource = config.autoProfiler.enabled ? usageSourceFor(config.autoProfiler.source) : undefined;
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
  started.push(() => http.stop());
  const httpPort = await http.start(config.http.host, config.http.port);
  const localHost = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const publicBaseUrl = config.http.publicBaseUrl || `http://${localHost}:${httpPort}`;
  const storage = storeFor(config, root, publicBaseUrl, log, metrics);
  started.push(() => storage.stop());
  const renderer = createRenderer({
    poolSize: config.capture.renderWorkers,
    timeoutMs: config.capture.renderTimeoutSeconds * 1000,
  });
  started.push(() => renderer.stop());
  // Off the event loop, with a deadline: a huge profile or a caller's pathological regexp stalls nothing else.
  const analyzer = createWorkerAnalyzer({
    maxDecompressedBytes: config.capture.maxDecompressedBytes,
    timeoutMs: config.capture.analyzeTimeoutSeconds * 1000,
  });
  started.push(() => analyzer.stop());
  const targets = kubernetes ? combineRegistries([staticTargets, kubernetes]) : staticTargets;
  const captureService = createCaptureService({
    targets,
    fetch: fetchProfile,
    analyze: analyzer,
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
  // Retention: without it the store grows for as long as the service runs (the pod's emptyDir by default).
  const pruner = createCapturePruner({
    store: storage.store,
    policy: {
      maxAgeHours: config.storage.retention.maxAgeHours,
      // A byte limit is the local disk's; a bucket is not capped by size.
      maxTotalBytes: config.storage.kind === 'local' ? config.storage.retention.maxTotalBytes : 0,
    },
    logger: log,
    metrics,
    onDeleted: (id) => captureService.forget(id),
  });
  started.push(() => pruner.stop());
  // Owners hear about automatic captures; a receiver that is down never holds a capture up.
  const notifier: Notifier | undefined =
    config.notify.receivers.length > 0 ? createNotifier({ config: config.notify, logger: log, metrics }) : undefined;
  const ap = config.autoProfiler;
  const autoProfiler: AutoProfiler | undefined = usageSource
    ? createAutoProfiler({
        source: usageSource,
        captureService,
        targets,
        config: {
          rules: triggerRules(ap),
          windowSeconds: ap.windowSeconds,
          windows: ap.windows,
          useRequestWhenNoLimit: ap.useRequestWhenNoLimit,
          cooldownSeconds: ap.cooldownSeconds,
          maxPodsPerWorkload: ap.maxPodsPerWorkload,
          episodeMaxSeconds: ap.episodeMaxSeconds,
          // Only discovered pods can be profiled: by default, ask for those namespaces alone.
          namespaces: ap.namespaces.length > 0 ? ap.namespaces : config.kubernetes.namespaces,
          lateDataSeconds: ap.lateDataSeconds,
          stopTimeoutSeconds: ap.stopTimeoutSeconds,
        },
        logger: log,
        metrics,
        ...(notifier ? { notify: (capture, target) => void notifier.notify(capture, target) } : {}),
      })
    : undefined;
  const grpc = createGrpcServer({
    captureService,
    ...(autoProfiler ? { autoProfiler } : {}),
    // Delivery failures show in GetAutoProfilerStatus, not only in gopprof_notifications_total.
    ...(notifier ? { notificationStatus: () => notifier.status() } : {}),
    // Pods that opted in but are not targets show in ListTargets with the reason.
    ...(kubernetes ? { targetProblems: () => kubernetes.problems() } : {}),
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
  // Serve with the pods listed when the API server answers in time; discovery keeps retrying
  // otherwise, and /readyz says not ready until its first list arrives.
  await kubernetes
    ?.start(AbortSignal.timeout(config.kubernetes.startWaitSeconds * 1000))
    .catch((err: unknown) => log.warn({ err }, 'no pod list from the Kubernetes API yet; starting anyway'));
  started.push(() => grpc.stop());
  const grpcPort = await grpc.start(config.grpc.host, config.grpc.port);
  notifier?.start();
  // After discovery's first list, so the first evaluation already knows the pods.
  autoProfiler?.start();
  pruner.start();
  ready = async (signal) => {
    if (kubernetes) checkDiscovered(kubernetes);
    await storage.store.check(signal);
  };
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
        // No new automatic captures or calls; running ones finish (bounded) while the store is still up.
        // Side by side: one after the other their bounds (15 s and 11 s by default) plus the
        // notifier's 5 s would outlast the deployment's 30 s grace period before SIGKILL.
        await Promise.all([autoProfiler?.stop(), grpc.stop(), pruner.stop()]);
        await notifier?.stop();
        await kubernetes?.stop();
        await http.stop();
        await Promise.all([renderer.stop(), analyzer.stop()]);
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
  // This module's imports are loaded by now; the worker threads it starts are not.
  enableCompileCache();
  process.exitCode = await runService(process.argv.slice(2));
}
