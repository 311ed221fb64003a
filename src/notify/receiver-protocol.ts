/**
 * What each receiver format provides to the delivery loop: how to build the
 * HTTP request for a message (signing it with the current time on every
 * attempt), and how to read a 2xx answer that may still report a failure
 * (DingTalk, Feishu and WeCom answer 200 with a non-zero code).
 */
import type { CaptureMessage } from './capture-message.ts';
import type { ReceiverSpec } from './notifier-config.ts';

/** A POST to make. `url` and headers may hold credentials: never log them. */
export interface OutgoingRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a request is built with besides the message. */
export interface BuildContext {
  /** Epoch milliseconds of this attempt (signatures and timestamps are per attempt). */
  readonly nowMs: number;
  /** Same on every attempt of one delivery, so a receiver can drop duplicates. */
  readonly deliveryId: string;
  readonly alertDurationSeconds: number;
}

/** A 2xx answer that still means "not delivered". */
export interface AnswerRejection {
  readonly message: string;
  /** True for throttling codes, where trying later can succeed. */
  readonly retryable: boolean;
}

export interface ReceiverProtocol {
  build(message: CaptureMessage, spec: ReceiverSpec, context: BuildContext): OutgoingRequest;
  /** Reads a 2xx answer's body; undefined when it was delivered. */
  rejects?(body: string): AnswerRejection | undefined;
}

/** The headers every request carries. */
export const JSON_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'application/json; charset=utf-8',
  'user-agent': 'gopprof-notify/1',
};
