/**
 * Feishu / Lark custom bots: an `interactive` card. With a signing secret the
 * body carries `timestamp` (seconds, as a string) and `sign` =
 * base64(HMAC-SHA256(key = `${timestamp}\n${secret}`, message = "")) exactly as
 * Feishu documents — note that key and message are the other way round from
 * DingTalk. Feishu answers 200 with `code` ≠ 0 on failure (19021: bad
 * signature or stale timestamp; 11232: rate limited).
 */
import { createHmac } from 'node:crypto';
import { chatAnswerRejection } from './chat-answer.ts';
import { type ChatDialect, chatLines, joinWithin, messageTitle, truncate, utf8Length } from './chat-text.ts';
import { JSON_HEADERS, type ReceiverProtocol } from './receiver-protocol.ts';

/** Feishu's `sign` for `timestamp` (seconds since epoch). */
export function feishuSign(secret: string, timestamp: string): string {
  return createHmac('sha256', `${timestamp}\n${secret}`).update('').digest('base64');
}

/** lark_md escaping: HTML entities for the characters it would read as markup (`<at>` tags, emphasis, links). */
export function escapeLarkMd(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`[\]]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/\r?\n/g, ' ');
}

const feishuDialect: ChatDialect = {
  escape: escapeLarkMd,
  bold: (s) => `**${s}**`,
  code: escapeLarkMd,
  link: (label, url) => `[${escapeLarkMd(label)}](${url.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`,
};

/** Cards may be up to 30 KB; stay well inside. */
const CONTENT_MAX_BYTES = 20000;
const RETRYABLE = [11232];

/** The Feishu/Lark bot format. */
export const feishuReceiver: ReceiverProtocol = {
  build(message, spec, context) {
    const template = message.status === 'failed' ? 'red' : message.reason.kind === 'auto' ? 'orange' : 'blue';
    const card = {
      config: { wide_screen_mode: true },
      header: { template, title: { tag: 'plain_text', content: truncate(messageTitle(message), 200) } },
      elements: [
        { tag: 'div', text: { tag: 'lark_md', content: joinWithin(chatLines(message, feishuDialect), '\n', CONTENT_MAX_BYTES, utf8Length) } },
      ],
    };
    const signed: Record<string, string> = {};
    if (spec.secret) {
      const timestamp = String(Math.floor(context.nowMs / 1000));
      signed.timestamp = timestamp;
      signed.sign = feishuSign(spec.secret, timestamp);
    }
    return { url: spec.url, headers: JSON_HEADERS, body: JSON.stringify({ ...signed, msg_type: 'interactive', card }) };
  },
  rejects: (body) => chatAnswerRejection(body, { code: ['code', 'StatusCode'], message: ['msg', 'StatusMessage'], retryableCodes: RETRYABLE }),
};
