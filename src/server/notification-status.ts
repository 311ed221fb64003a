/**
 * The notification receivers' delivery health, as GetAutoProfilerStatus
 * returns it in `notifications`, so a receiver that is down shows in the
 * status API and not only in `gopprof_notifications_total`.
 *
 * The server does not import the notifier (src/notify/): this file states what
 * it needs — plain data with ISO 8601 times — and main.ts hands it the
 * notifier's status(), whose shape the type-check there keeps in step (a new
 * receiver kind fails it until it is named here and in the proto).
 */
import { create } from '@bufbuild/protobuf';
import {
  NotificationReceiverKind,
  type NotificationReceiverStatus,
  NotificationReceiverStatusSchema,
} from '../gen/gopprof/v1/notification_pb.js';
import { timestampFromIso } from './to-proto.ts';

/** The receiver kinds the API names. */
export type NotificationKindName = 'webhook' | 'slack' | 'dingtalk' | 'feishu' | 'wecom' | 'alertmanager';

/** One receiver's health; see NotificationReceiverStatus in proto/gopprof/v1/notification.proto. */
export interface NotificationReceiverView {
  readonly name: string;
  readonly kind: NotificationKindName;
  /** Scheme and host only. */
  readonly endpoint: string;
  readonly queued: number;
  readonly inFlight: boolean;
  readonly delivered: number;
  readonly failed: number;
  readonly dropped: number;
  readonly retries: number;
  readonly lastSuccessAt?: string;
  readonly lastFailureAt?: string;
  /** `status` is the receiver's HTTP status, when it answered. */
  readonly lastError?: { readonly message: string; readonly at: string; readonly status?: number };
}

/** Every configured receiver's health, in configuration order (the notifier's status(), in main.ts). */
export type NotificationStatusProvider = () => readonly NotificationReceiverView[];

const KIND_TO_PROTO: Readonly<Record<NotificationKindName, NotificationReceiverKind>> = {
  webhook: NotificationReceiverKind.WEBHOOK,
  slack: NotificationReceiverKind.SLACK,
  dingtalk: NotificationReceiverKind.DINGTALK,
  feishu: NotificationReceiverKind.FEISHU,
  wecom: NotificationReceiverKind.WECOM,
  alertmanager: NotificationReceiverKind.ALERTMANAGER,
};

/**
 * `https://hooks.slack.com` for whatever the provider gave. The notifier
 * already reduces endpoints to scheme and host; this repeats it at the API's
 * edge because a chat webhook's path or query is its credential.
 */
function schemeAndHost(endpoint: string): string {
  try {
    const u = new URL(endpoint);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}

/** One receiver's health as the API returns it. */
export function notificationReceiverToProto(r: NotificationReceiverView): NotificationReceiverStatus {
  return create(NotificationReceiverStatusSchema, {
    name: r.name,
    kind: KIND_TO_PROTO[r.kind] ?? NotificationReceiverKind.UNSPECIFIED,
    endpoint: schemeAndHost(r.endpoint),
    queued: r.queued,
    inFlight: r.inFlight,
    delivered: BigInt(r.delivered),
    failed: BigInt(r.failed),
    dropped: BigInt(r.dropped),
    retries: BigInt(r.retries),
    lastSuccessTime: r.lastSuccessAt === undefined ? undefined : timestampFromIso(r.lastSuccessAt, 'notifications.lastSuccessAt'),
    lastFailureTime: r.lastFailureAt === undefined ? undefined : timestampFromIso(r.lastFailureAt, 'notifications.lastFailureAt'),
    lastError: r.lastError && {
      message: r.lastError.message,
      time: timestampFromIso(r.lastError.at, 'notifications.lastError.at'),
      httpStatus: r.lastError.status ?? 0,
    },
  });
}
