/**
 * Notifications: tells a target's owner where a capture's evidence is, via
 * configured receivers (generic signed webhook, Slack, DingTalk, Feishu/Lark,
 * WeCom, Prometheus Alertmanager), with bounded queues and retries. Owners
 * map to receivers only through configuration; pods can name an owner, never
 * a URL. Everything outside src/notify/ imports from here.
 */
export { ALERT_NAME, alertsEndpoint, type PostableAlert } from './alertmanager-receiver.ts';
export { type CaptureMessage, type CaptureReason, captureMessage, type MessageFunction } from './capture-message.ts';
export {
  createNotifier,
  type Notifier,
  type NotifierOptions,
  type NotifyResult,
  RECEIVER_PROTOCOLS,
  type ReceiverStatus,
} from './create-notifier.ts';
export { describeReceiver, describeUrl } from './describe-receiver.ts';
export { dingtalkSign, dingtalkSignedUrl } from './dingtalk-receiver.ts';
export { feishuSign } from './feishu-receiver.ts';
export { NOTIFIER_DEFAULTS, type NotifierConfig, RECEIVER_KINDS, type ReceiverKind, type ReceiverSpec } from './notifier-config.ts';
export { notifierConfigProblems } from './notifier-config-problems.ts';
export type { BuildContext, OutgoingRequest, ReceiverProtocol } from './receiver-protocol.ts';
export { resolveReceivers, type ResolvedReceivers } from './resolve-receivers.ts';
export type { NotifyTimers } from './send-request.ts';
export { type WebhookPayloadV1, webhookSignature } from './webhook-receiver.ts';
