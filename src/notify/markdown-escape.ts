/**
 * Escaping for the Markdown dialects of DingTalk and WeCom robots: a Go name
 * like `main.(*Server).handle_x` must not turn into italics, and no text from
 * a pod (names, labels, error messages) may become a link or a heading.
 */

/**
 * Backslash-escapes the characters that start emphasis, code, strikethrough
 * or a link (`(` only matters after `]`, so brackets suffice); replaces `<` `>`
 * so no HTML or `<font>` tag gets through.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]~]/g, '\\$&').replace(/</g, '‹').replace(/>/g, '›').replace(/\r?\n/g, ' ');
}

/** A Markdown link whose URL cannot close the parenthesis early. */
export function markdownLink(label: string, url: string): string {
  return `[${escapeMarkdown(label)}](${url.replace(/[()\s]/g, (c) => encodeURIComponent(c))})`;
}
