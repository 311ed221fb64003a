/**
 * Slack incoming webhooks: `{text, blocks}` in mrkdwn. `text` is the
 * notification fallback; the blocks carry the details. Slack asks for `&`,
 * `<` and `>` to be escaped, which also stops a function name from becoming
 * a link or an @-mention.
 */
import { type ChatDialect, chatLines, joinWithin, messageTitle, truncate } from './chat-text.ts';
import { JSON_HEADERS, type ReceiverProtocol } from './receiver-protocol.ts';

/** Slack's mrkdwn escaping: `&` `<` `>` only. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const slackDialect: ChatDialect = {
  escape: escapeSlack,
  bold: (s) => `*${s}*`,
  code: (s) => `\`${escapeSlack(s.replace(/`/g, "'"))}\``,
  link: (label, url) => `<${escapeSlack(url).replace(/\|/g, '%7C')}|${escapeSlack(label)}>`,
};

/** Slack's limit on a section block's text. */
const SECTION_MAX = 3000;

/** The Slack incoming-webhook format. */
export const slackReceiver: ReceiverProtocol = {
  build(message, spec) {
    const title = messageTitle(message);
    const body = joinWithin(chatLines(message, slackDialect), '\n', SECTION_MAX);
    const payload = {
      text: escapeSlack(title),
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: truncate(title, 150), emoji: false } },
        { type: 'section', text: { type: 'mrkdwn', text: body } },
      ],
    };
    return { url: spec.url, headers: JSON_HEADERS, body: JSON.stringify(payload) };
  },
  // Slack answers "ok" with 200 and errors with 4xx/5xx, which the delivery loop already reads.
};
