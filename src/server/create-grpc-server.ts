/**
 * The gRPC server: ProfilerService over the capture use case, server
 * reflection (for grpcurl and `buf curl`), and grpc.health.v1 (for Kubernetes
 * `grpc:` probes and load balancers).
 *
 * Lifecycle: start() binds and reports SERVING; stop() reports NOT_SERVING at
 * once, refuses new calls, lets in-flight calls finish for `stopGraceMs`, then
 * cancels the rest (their signals fire; callers get UNAVAILABLE) and closes
 * every connection. stop() is idempotent.
 */
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { pino } from 'pino';
import type { CaptureService } from '../capture/capture.ts';
import { GopprofError } from '../errors.ts';
import { file_grpc_health_v1_health } from '../gen/grpc/health/v1/health_pb.js';
import { file_gopprof_v1_profiler, ProfilerService } from '../gen/gopprof/v1/profiler_pb.js';
import type { Logger, MetricsRegistry } from '../telemetry/index.ts';
import type { AutoProfilerStatusProvider } from './auto-profiler-status.ts';
import { bindService } from './bind-service.ts';
import type { NotificationStatusProvider } from './notification-status.ts';
import { profilerHandlers } from './profiler-handlers.ts';
import { reflectionService } from './reflection-service.ts';
import { resolveServerLimits, type ServerLimits } from './server-limits.ts';
import { serviceDefinition } from './service-definition.ts';
import type { TargetProblemsProvider } from './target-problems.ts';

/** What the server needs: the use case, and optionally a logger, metrics and limits. */
export interface GrpcServerOptions {
  readonly captureService: CaptureService;
  readonly logger?: Logger;
  /** Registers gopprof_grpc_calls_total and gopprof_grpc_call_duration_seconds when given. */
  readonly metrics?: MetricsRegistry;
  readonly limits?: Partial<ServerLimits>;
  /** Answers GetAutoProfilerStatus; without it the answer is `enabled: false`. */
  readonly autoProfiler?: AutoProfilerStatusProvider;
  /** The notification receivers' delivery health for GetAutoProfilerStatus; without it, none are listed. */
  readonly notificationStatus?: NotificationStatusProvider;
  /** Discovered pods that are not targets, for ListTargets; without it (no Kubernetes), none are listed. */
  readonly targetProblems?: TargetProblemsProvider;
}

/** A gRPC server that can be started once and stopped (idempotently). */
export interface GrpcServer {
  /** Binds `host:port` (port 0 picks a free one) and starts serving; resolves to the bound port. */
  start(host: string, port: number): Promise<number>;
  /** Stops gracefully within the limits' deadlines, then forcibly; safe to call more than once. */
  stop(): Promise<void>;
}

/** The names health checks answer for: '' is the server as a whole. */
const HEALTH_SERVICES = ['', ProfilerService.typeName] as const;

/** Resolves after `ms` or when `promise` settles, whichever is first; true if time ran out. */
async function timedOut(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<true>((resolve) => {
    timer = setTimeout(() => resolve(true), ms);
  });
  try {
    return await Promise.race([promise.then(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Builds the server; nothing listens until start(). Invalid limits throw
 * CONFIG_INVALID here, before anything is bound.
 */
export function createGrpcServer(options: GrpcServerOptions): GrpcServer {
  const limits = resolveServerLimits(options.limits);
  const log = (options.logger ?? pino({ level: 'silent' })).child({ component: 'grpc' });
  const calls = options.metrics?.counter('gopprof_grpc_calls_total', 'gRPC calls handled, by method and status code.');
  const durations = options.metrics?.histogram('gopprof_grpc_call_duration_seconds', 'gRPC call duration, by method.');

  const stopController = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const server = new Server();
  const health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING'])));

  server.addService(
    serviceDefinition(ProfilerService),
    bindService(ProfilerService, profilerHandlers(options.captureService, limits, options), {
      log,
      stopSignal: stopController.signal,
      track(done) {
        inFlight.add(done);
        void done.finally(() => inFlight.delete(done));
      },
      onCallEnd(method, code, seconds) {
        calls?.inc({ method, code: String(code) });
        durations?.observe(seconds, { method });
      },
    }),
  );
  health.addToServer(server);
  reflectionService([file_gopprof_v1_profiler, file_grpc_health_v1_health]).addToServer(server);

  let state: 'new' | 'starting' | 'serving' | 'stopped' = 'new';
  let stopping: Promise<void> | undefined;
  const setHealth = (status: 'SERVING' | 'NOT_SERVING') => {
    for (const s of HEALTH_SERVICES) health.setStatus(s, status);
  };

  return {
    async start(host, port) {
      if (state !== 'new') throw new GopprofError('INTERNAL', `grpc server cannot start: it is ${state}`);
      state = 'starting';
      const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      const bound = await new Promise<number>((resolve, reject) => {
        server.bindAsync(address, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p)));
      }).catch((err: unknown) => {
        state = 'stopped';
        throw new GopprofError('CONFIG_INVALID', `grpc server cannot listen on ${address}: ${(err as Error).message}`, {
          cause: err,
        });
      });
      if (stopping !== undefined) return bound;
      state = 'serving';
      setHealth('SERVING');
      log.info({ host, port: bound }, 'grpc server listening');
      return bound;
    },

    stop() {
      stopping ??= (async () => {
        const wasServing = state === 'serving';
        state = 'stopped';
        setHealth('NOT_SERVING');
        const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
        if (await timedOut(drained, limits.stopGraceMs)) {
          log.warn({ calls: inFlight.size }, 'grpc calls still running at the stop deadline; cancelling them');
          stopController.abort(new GopprofError('ABORTED', 'the server is stopping'));
          await timedOut(Promise.allSettled([...inFlight]), limits.stopForceMs);
          // Let the cancelled calls' statuses reach the wire before connections close.
          await new Promise((resolve) => setImmediate(resolve));
          server.forceShutdown();
        }
        if (wasServing) log.info('grpc server stopped');
      })();
      return stopping;
    },
  };
}
