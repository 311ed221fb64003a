/**
 * The service's configuration: its shape and the embedded defaults that
 * `npm start` runs with. Loaded and validated once at start (load-config.ts),
 * then frozen.
 */

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

/** One notification receiver. Its URL and secret are credentials: only this config holds them. */
export interface NotifyReceiverConfig {
  /** What owners and defaultReceivers refer to. */
  readonly name: string;
  readonly kind: 'webhook' | 'slack' | 'dingtalk' | 'feishu' | 'wecom' | 'alertmanager';
  /** Incoming-webhook URL (chat bots carry their token in it); for alertmanager its base URL. */
  readonly url: string;
  /** webhook: HMAC key; dingtalk/feishu: the bot's signing secret. */
  readonly secret?: string;
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
  };
  /** Telling owners where a capture's evidence is (see src/notify/). */
  readonly notify: {
    readonly receivers: readonly NotifyReceiverConfig[];
    /** Owner key (a pod's `<annotationPrefix>/owner`, a static target's owner) → receiver names. */
    readonly owners: Readonly<Record<string, readonly string[]>>;
    /** Receivers for targets with no owner, or an owner without a route. */
    readonly defaultReceivers: readonly string[];
    /** Notifications waiting per receiver before new ones are dropped. */
    readonly queueSize: number;
    /** Tries per notification, the first included. */
    readonly attempts: number;
    readonly initialBackoffSeconds: number;
    readonly maxBackoffSeconds: number;
    /** Cap on a receiver's Retry-After. */
    readonly maxRetryAfterSeconds: number;
    /** Deadline of one request to a receiver. */
    readonly timeoutSeconds: number;
    /** How long shutdown keeps delivering queued notifications. */
    readonly stopTimeoutSeconds: number;
    /** Alertmanager alerts end this long after they are sent. */
    readonly alertDurationSeconds: number;
    /** Top functions listed in a notification. */
    readonly topFunctions: number;
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
  },
  capture: {
    maxConcurrent: 16,
    maxQueued: 2000,
    defaultSeconds: 30,
    maxSeconds: 300,
    fetchMarginSeconds: 15,
    maxProfileBytes: 256 * 2 ** 20,
    maxDecompressedBytes: 1024 * 2 ** 20,
    renderTimeoutSeconds: 60,
    renderWorkers: 2,
    maxGroupSize: 1000,
  },
  targets: { static: [] },
  kubernetes: { enabled: false, namespaces: [], kubeconfig: '', resyncSeconds: 300, annotationPrefix: 'gopprof.io' },
  notify: {
    receivers: [],
    owners: {},
    defaultReceivers: [],
    queueSize: 1000,
    attempts: 5,
    initialBackoffSeconds: 1,
    maxBackoffSeconds: 60,
    maxRetryAfterSeconds: 300,
    timeoutSeconds: 10,
    stopTimeoutSeconds: 5,
    alertDurationSeconds: 3600,
    topFunctions: 5,
  },
  log: { level: 'info' },
};
