/**
 * What the notifier is configured with: the receivers (the only place URLs
 * and secrets exist), the owner → receivers routes, and the delivery policy.
 * A pod can only NAME an owner key; it can never add a receiver or a URL.
 */

/** The receiver formats gopprof speaks. */
export const RECEIVER_KINDS = ['webhook', 'slack', 'dingtalk', 'feishu', 'wecom', 'alertmanager'] as const;
export type ReceiverKind = (typeof RECEIVER_KINDS)[number];

/** One configured receiver. `url` and `secret` are credentials: never log them (use describeReceiver). */
export interface ReceiverSpec {
  /** Name owners and defaultReceivers refer to. */
  readonly name: string;
  readonly kind: ReceiverKind;
  /** Incoming-webhook URL (chat bots carry their token in it); for alertmanager the base URL, e.g. http://alertmanager:9093. */
  readonly url: string;
  /** webhook: HMAC key; dingtalk/feishu: the bot's signing secret; unused by the others. */
  readonly secret?: string;
}

/** The notify section as the notifier needs it. Seconds may be fractional. */
export interface NotifierConfig {
  readonly receivers: readonly ReceiverSpec[];
  /** Owner key (a pod's `<annotationPrefix>/owner`, by default `gopprof.io/owner`; a static target's owner) → receiver names. */
  readonly owners: Readonly<Record<string, readonly string[]>>;
  /** Receivers for targets without an owner, or whose owner has no route. */
  readonly defaultReceivers: readonly string[];
  /** Deliveries waiting per receiver; more are dropped (and counted). */
  readonly queueSize: number;
  /** Tries per delivery, the first included. */
  readonly attempts: number;
  readonly initialBackoffSeconds: number;
  readonly maxBackoffSeconds: number;
  /** Cap on a 429's Retry-After, so one answer cannot park a receiver for hours. */
  readonly maxRetryAfterSeconds: number;
  /** Deadline of one HTTP request. */
  readonly timeoutSeconds: number;
  /** How long stop() keeps delivering what is queued before it aborts the rest. */
  readonly stopTimeoutSeconds: number;
  /** Alertmanager alerts end this long after they are sent (they are events, not states). */
  readonly alertDurationSeconds: number;
  /** Top functions listed in a message. */
  readonly topFunctions: number;
}

/** Defaults for everything but the receivers and routes. */
export const NOTIFIER_DEFAULTS: NotifierConfig = {
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
};
