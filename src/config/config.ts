/**
 * The service's configuration: its shape and the embedded defaults that
 * `npm start` runs with. Loaded and validated once at start (load-config.ts),
 * then frozen.
 */
import { NOTIFIER_DEFAULTS, type NotifierConfig, type ReceiverSpec } from '../notify/index.ts';

export interface StaticTargetConfig {
  /** Name callers use; the target id is `static/<name>`. */
  readonly name: string;
  /** Base URL of the program's pprof handlers, e.g. http://127.0.0.1:6060/debug/pprof */
  readonly url: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly owner: string;
}

export interface S3Config {
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly bucket: string;
  readonly pathStyle: boolean;
}

/** One notification receiver: notify's ReceiverSpec (its URL and secret are credentials: only this config holds them). */
export type NotifyReceiverConfig = ReceiverSpec;

/** One resource's rule of the auto-profiler: usage / limit ≥ threshold in `windows` consecutive windows. */
export interface AutoProfilerRuleConfig {
  readonly enabled: boolean;
  /** A ratio of usage to limit (or request), e.g. 0.8. */
  readonly threshold: number;
  /** Profile types taken when the rule fires, e.g. [heap, goroutine]. */
  readonly profiles: readonly string[];
  /** Duration of a CPU profile among `profiles`; the other types are snapshots. */
  readonly cpuSeconds: number;
}

/** Where the auto-profiler reads pod usage. Passwords and tokens are credentials: only this config holds them. */
export interface AutoProfilerSourceConfig {
  /** influxql: InfluxDB 1.x–3.x over InfluxQL; flux: InfluxDB 2.x (or 1.8+ with Flux); prometheus: cAdvisor + kube-state-metrics. */
  readonly kind: 'influxql' | 'flux' | 'prometheus';
  /** Base URL of the metrics server, e.g. http://influxdb.monitoring:8086. */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** InfluxDB 2.x/3.x token, or a Prometheus bearer token. */
  readonly token: string;
  /** InfluxDB database (InfluxQL) and retention policy ('' = the database's default). */
  readonly database: string;
  readonly retentionPolicy: string;
  /** Flux: the organisation and bucket (default `<database>/<retentionPolicy>`). */
  readonly org: string;
  readonly bucket: string;
  /** Deadline of one evaluation's query. */
  readonly timeoutSeconds: number;
}

export interface Config {
  readonly grpc: { readonly host: string; readonly port: number };
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** How others reach the HTTP server (for artifact links); default http://<host>:<port>. */
    readonly publicBaseUrl: string;
  };
  readonly storage: {
    readonly kind: 'local' | 's3';
    /** Local store root, and the spool for S3 when the object store is down. */
    readonly localDir: string;
    readonly s3: S3Config;
    readonly linkExpirySeconds: number;
    readonly spoolRetrySeconds: number;
    /** How long captures are kept; checked at start and every 10 minutes (src/capture/prune-captures.ts). */
    readonly retention: {
      /** Captures started more than this many hours ago are deleted; 0 keeps them whatever their age. */
      readonly maxAgeHours: number;
      /**
       * The local store (storage.kind local) only: while its captures take more
       * bytes than this, the oldest are deleted; 0 for no limit.
       */
      readonly maxTotalBytes: number;
    };
  };
  readonly capture: {
    /** Captures in flight at once across the service. */
    readonly maxConcurrent: number;
    /** Captures waiting for a slot before requests are rejected as overloaded. */
    readonly maxQueued: number;
    readonly defaultSeconds: number;
    readonly maxSeconds: number;
    /** Added to `seconds` to give a fetch its deadline. */
    readonly fetchMarginSeconds: number;
    readonly maxProfileBytes: number;
    readonly maxDecompressedBytes: number;
    /** The longest the analysis of one profile (decode, filters, graph) may run, in its own worker thread. */
    readonly analyzeTimeoutSeconds: number;
    readonly renderTimeoutSeconds: number;
    readonly renderWorkers: number;
    /** Largest group ProfilePods may address. */
    readonly maxGroupSize: number;
  };
  readonly targets: { readonly static: readonly StaticTargetConfig[] };
  /** Pod discovery; pods opt in with `<annotationPrefix>/scrape: "true"` or a container port named `pprof`. */
  readonly kubernetes: {
    readonly enabled: boolean;
    /** Namespaces to discover pods in; empty for all (which needs cluster-wide list/watch on pods). */
    readonly namespaces: readonly string[];
    /** A kubeconfig file; '' for the pod's service account in a cluster, else KUBECONFIG or ~/.kube/config. */
    readonly kubeconfig: string;
    /** Full relist interval, repairing anything a watch missed. */
    readonly resyncSeconds: number;
    /** Prefix of the annotations (and of the owner label) pods are configured by. */
    readonly annotationPrefix: string;
    /**
     * How long start-up waits for the first pod list before serving anyway
     * (0: serve at once). /readyz says not ready until that list arrives.
     */
    readonly startWaitSeconds: number;
  };
  /** Telling owners where a capture's evidence is: the notifier's own configuration (see src/notify/). */
  readonly notify: NotifierConfig;
  /** Profiling pods automatically when their usage stays near their limit (see src/trigger/). */
  readonly autoProfiler: {
    readonly enabled: boolean;
    readonly source: AutoProfilerSourceConfig;
    /** Pods in these namespaces only; empty = kubernetes.namespaces (all when that is empty too). */
    readonly namespaces: readonly string[];
    /** Length of one usage window. */
    readonly windowSeconds: number;
    /** Consecutive hot windows that fire a rule. */
    readonly windows: number;
    /** How long after a window closes it is evaluated, so late points are in. */
    readonly lateDataSeconds: number;
    /** Measure a pod without a limit against its request instead of skipping it. */
    readonly useRequestWhenNoLimit: boolean;
    /** A pod is not profiled automatically again with the same type for this long. */
    readonly cooldownSeconds: number;
    /** Distinct pods of one workload profiled while it stays hot (an episode). */
    readonly maxPodsPerWorkload: number;
    /** An episode ends after this long even if the workload stays hot. */
    readonly episodeMaxSeconds: number;
    /** How long shutdown lets automatic captures finish. */
    readonly stopTimeoutSeconds: number;
    readonly cpu: AutoProfilerRuleConfig;
    readonly memory: AutoProfilerRuleConfig;
  };
  readonly log: { readonly level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' };
}

/** The embedded defaults: a working service with a local store and no targets. */
export const DEFAULT_CONFIG: Config = {
  grpc: { host: '0.0.0.0', port: 8077 },
  http: { host: '0.0.0.0', port: 8078, publicBaseUrl: '' },
  storage: {
    kind: 'local',
    localDir: './var/gopprof',
    s3: {
      endPoint: '',
      port: 9000,
      useSSL: true,
      accessKey: '',
      secretKey: '',
      region: 'us-east-1',
      bucket: 'gopprof',
      pathStyle: true,
    },
    linkExpirySeconds: 7 * 24 * 3600,
    spoolRetrySeconds: 30,
    // A week, as long as a link lives; the auto-profiler never stops capturing, so never is no default.
    retention: { maxAgeHours: 7 * 24, maxTotalBytes: 0 },
  },
  capture: {
    maxConcurrent: 16,
    maxQueued: 2000,
    defaultSeconds: 30,
    maxSeconds: 300,
    fetchMarginSeconds: 15,
    maxProfileBytes: 256 * 2 ** 20,
    maxDecompressedBytes: 1024 * 2 ** 20,
    analyzeTimeoutSeconds: 60,
    renderTimeoutSeconds: 60,
    renderWorkers: 2,
    maxGroupSize: 1000,
  },
  targets: { static: [] },
  kubernetes: { enabled: false, namespaces: [], kubeconfig: '', resyncSeconds: 300, annotationPrefix: 'gopprof.io', startWaitSeconds: 15 },
  notify: NOTIFIER_DEFAULTS,
  autoProfiler: {
    enabled: false,
    source: {
      kind: 'influxql',
      url: '',
      username: '',
      password: '',
      token: '',
      database: 'k8s',
      retentionPolicy: 'default',
      org: '',
      bucket: '',
      timeoutSeconds: 10,
    },
    namespaces: [],
    windowSeconds: 60,
    windows: 2,
    lateDataSeconds: 15,
    useRequestWhenNoLimit: false,
    cooldownSeconds: 600,
    maxPodsPerWorkload: 2,
    episodeMaxSeconds: 3600,
    stopTimeoutSeconds: 10,
    cpu: { enabled: true, threshold: 0.8, profiles: ['cpu'], cpuSeconds: 30 },
    memory: { enabled: true, threshold: 0.8, profiles: ['heap', 'goroutine'], cpuSeconds: 30 },
  },
  log: { level: 'info' },
};
