/**
 * The generic webhook: a documented, versioned JSON body signed like GitHub
 * and Stripe sign theirs, so a receiver can check it came from gopprof and is
 * not a replay.
 *
 * Body (version 1; fields are only ever added):
 *   { "version": 1, "event": "capture", "id": "<delivery id>", "capture": {
 *       "captureId", "status": "ok"|"failed", "profileType", "seconds", "startedAt", "finishedAt",
 *       "target": { "id", "name", "owner", "labels", "pod"?: { "namespace", "name", "uid", "workload" } },
 *       "reason": { "kind": "manual" } | { "kind": "auto", "rule", "metric", "threshold", "values", "windows" },
 *       "total"?: { "sampleType", "unit", "label" },
 *       "top": [ { "name", "flat", "flatLabel", "flatPercent" } ],
 *       "links": { "svg"?, "profile"? },
 *       "error"?: { "code", "message" } } }
 * Headers:
 *   X-Gopprof-Event: capture
 *   X-Gopprof-Delivery: <id, the same on every retry of one delivery>
 *   X-Gopprof-Timestamp: <unix seconds of this attempt>
 *   X-Gopprof-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>  (when a secret is set)
 * A receiver recomputes the signature over the raw body, compares in constant
 * time, and rejects timestamps more than a few minutes old.
 */
import { createHmac } from 'node:crypto';
import type { CaptureMessage } from './capture-message.ts';
import { type BuildContext, JSON_HEADERS, type OutgoingRequest, type ReceiverProtocol } from './receiver-protocol.ts';

/** The webhook body, version 1. */
export interface WebhookPayloadV1 {
  readonly version: 1;
  readonly event: 'capture';
  readonly id: string;
  readonly capture: CaptureMessage;
}

/** `sha256=<hex>` over `${timestamp}.${body}`: what X-Gopprof-Signature carries. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The generic webhook format. */
export const webhookReceiver: ReceiverProtocol = {
  build(message, spec, context: BuildContext): OutgoingRequest {
    const payload: WebhookPayloadV1 = { version: 1, event: 'capture', id: context.deliveryId, capture: message };
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(context.nowMs / 1000));
    const headers: Record<string, string> = {
      ...JSON_HEADERS,
      'x-gopprof-event': 'capture',
      'x-gopprof-delivery': context.deliveryId,
      'x-gopprof-timestamp': timestamp,
    };
    if (spec.secret) headers['x-gopprof-signature'] = webhookSignature(spec.secret, timestamp, body);
    return { url: spec.url, headers, body };
  },
};
