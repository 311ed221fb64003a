/**
 * DingTalk (钉钉) custom robots: a `markdown` message, and when the robot has
 * a signing secret ("加签"), the URL gets `timestamp` (ms) and `sign` =
 * urlencode(base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`)))
 * exactly as DingTalk documents. DingTalk answers 200 with `errcode` ≠ 0 on
 * failure (310000 bad signature, 130101 more than 20 messages a minute).
 */
import { createHmac } from 'node:crypto';
import { chatAnswerRejection } from './chat-answer.ts';
import { type ChatDialect, chatLines, joinWithin, messageTitle, utf8Length } from './chat-text.ts';
import { escapeMarkdown, markdownLink } from './markdown-escape.ts';
import { JSON_HEADERS, type ReceiverProtocol } from './receiver-protocol.ts';

/** DingTalk's `sign` for `timestamp` (ms since epoch), before URL encoding. */
export function dingtalkSign(secret: string, timestamp: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

/** `url` with DingTalk's `timestamp` and `sign` query parameters added. */
export function dingtalkSignedUrl(url: string, secret: string, nowMs: number): string {
  const u = new URL(url);
  const timestamp = String(Math.floor(nowMs));
  u.searchParams.set('timestamp', timestamp);
  u.searchParams.set('sign', dingtalkSign(secret, timestamp));
  return u.href;
}

const dingtalkDialect: ChatDialect = {
  escape: escapeMarkdown,
  bold: (s) => `**${s}**`,
  // DingTalk's Markdown has no code spans: escape the name instead.
  code: escapeMarkdown,
  link: markdownLink,
};

/** DingTalk's documented limit on a markdown text (bytes, with headroom). */
const TEXT_MAX_BYTES = 18000;
/** Throttling: more than 20 messages a minute from one robot. */
const RETRYABLE = [130101];

/** The DingTalk robot format. */
export const dingtalkReceiver: ReceiverProtocol = {
  build(message, spec, context) {
    const title = messageTitle(message);
    const text = joinWithin([`#### ${escapeMarkdown(title)}`, ...chatLines(message, dingtalkDialect)], '\n\n', TEXT_MAX_BYTES, utf8Length);
    const body = JSON.stringify({ msgtype: 'markdown', markdown: { title, text } });
    const url = spec.secret ? dingtalkSignedUrl(spec.url, spec.secret, context.nowMs) : spec.url;
    return { url, headers: JSON_HEADERS, body };
  },
  rejects: (body) => chatAnswerRejection(body, { code: ['errcode'], message: ['errmsg'], retryableCodes: RETRYABLE }),
};
