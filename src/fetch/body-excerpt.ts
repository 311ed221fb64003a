/**
 * A short, printable excerpt of a response body for error messages, so that an
 * operator sees at a glance what answered instead of a profile ("404 page not
 * found", "<!DOCTYPE html>…") without the log line carrying raw bytes, escape
 * sequences or megabytes of text.
 */

/** The default excerpt length in characters. */
export const EXCERPT_CHARS = 100;

/**
 * The first `maxChars` characters of `bytes` as UTF-8 with control characters
 * and invalid sequences replaced and whitespace runs collapsed to one space;
 * '…' marks a cut. Returns '' for an empty body.
 */
export function bodyExcerpt(bytes: Uint8Array, maxChars: number = EXCERPT_CHARS): string {
  // 4 bytes per character at most: decoding more than that is wasted work.
  const head = bytes.subarray(0, maxChars * 4 + 4);
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(head)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufffd]/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(text);
  const cut = chars.length > maxChars || head.length < bytes.length;
  return cut ? `${chars.slice(0, maxChars).join('').trimEnd()}…` : text;
}
