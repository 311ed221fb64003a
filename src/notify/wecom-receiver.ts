/**
 * WeCom (企业微信) group robots: `{msgtype: 'markdown', markdown: {content}}`,
 * content at most 4096 bytes. The key in the URL is the only credential.
 * WeCom answers 200 with `errcode` ≠ 0 on failure (45009: too many calls).
 */
import { chatAnswerRejection } from './chat-answer.ts';
import { type ChatDialect, chatLines, joinWithin, messageTitle, utf8Length } from './chat-text.ts';
import { escapeMarkdown, markdownLink } from './markdown-escape.ts';
import { JSON_HEADERS, type ReceiverProtocol } from './receiver-protocol.ts';

const wecomDialect: ChatDialect = {
  escape: escapeMarkdown,
  bold: (s) => `**${s}**`,
  // WeCom renders inline code: a name inside backticks needs no other escaping.
  code: (s) => `\`${s.replace(/`/g, "'").replace(/\r?\n/g, ' ')}\``,
  link: markdownLink,
};

/** WeCom's limit on markdown content, in UTF-8 bytes. */
export const WECOM_CONTENT_MAX_BYTES = 4096;
const RETRYABLE = [45009];

/** The WeCom group-robot format. */
export const wecomReceiver: ReceiverProtocol = {
  build(message, spec) {
    const lines = [`### ${escapeMarkdown(messageTitle(message))}`, ...chatLines(message, wecomDialect)];
    const content = joinWithin(lines, '\n', WECOM_CONTENT_MAX_BYTES, utf8Length);
    return { url: spec.url, headers: JSON_HEADERS, body: JSON.stringify({ msgtype: 'markdown', markdown: { content } }) };
  },
  rejects: (body) => chatAnswerRejection(body, { code: ['errcode'], message: ['errmsg'], retryableCodes: RETRYABLE }),
};
