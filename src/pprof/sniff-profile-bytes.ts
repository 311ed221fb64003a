/**
 * A cheap look at the first bytes of a body before decoding it, so that the
 * text a pprof endpoint or a proxy may send instead of a profile (the
 * `goroutine?debug=2` dump, an HTML error page, JSON) fails with
 * PROFILE_NOT_PROFILE and an excerpt instead of a puzzling protobuf error.
 */
import { GopprofError } from '../errors.ts';

/** What the first bytes of a body look like. */
export type BodyKind = 'gzip' | 'binary' | 'html' | 'json' | 'goroutine-dump' | 'text';

/** How many leading bytes the sniff reads. */
const SNIFF_BYTES = 512;

/**
 * Classifies a body by its first bytes. A pprof protobuf always has control
 * bytes (tags 0x08/0x10, short lengths) in its first few bytes; text has none.
 */
export function sniffProfileBytes(bytes: Uint8Array): BodyKind {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  const head = bytes.subarray(0, SNIFF_BYTES);
  for (let i = 0; i < head.length; i++) {
    if (isBinaryByte(head[i])) return 'binary';
  }
  return textKind(head);
}

/**
 * True when most of the first bytes are printable text: used after protobuf
 * parsing failed, to report text with a few stray control bytes as text.
 */
export function mostlyText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (head.length === 0) return false;
  let binary = 0;
  for (let i = 0; i < head.length; i++) if (isBinaryByte(head[i])) binary++;
  return binary * 20 <= head.length;
}

/** The PROFILE_NOT_PROFILE error for a body sniffed as `kind`, with a printable excerpt. */
export function notProfileError(bytes: Uint8Array, kind: BodyKind, cause?: unknown): GopprofError {
  const what = DESCRIPTIONS[kind === 'gzip' || kind === 'binary' ? 'text' : kind];
  return new GopprofError('PROFILE_NOT_PROFILE', `the body is ${what}, not a pprof profile: "${excerpt(bytes)}"`, {
    cause,
    details: { kind },
  });
}

const DESCRIPTIONS: Record<Exclude<BodyKind, 'gzip' | 'binary'>, string> = {
  html: 'an HTML page',
  json: 'JSON',
  'goroutine-dump': 'a text goroutine dump (goroutine?debug=1 or debug=2)',
  text: 'text',
};

/** Control bytes other than tab, LF, CR, ESC and form feed never occur in text. */
function isBinaryByte(b: number): boolean {
  return (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b && b !== 0x0c) || b === 0x7f;
}

function textKind(head: Uint8Array): BodyKind {
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3; // UTF-8 BOM
  while (start < head.length && (head[start] === 0x20 || (head[start] >= 0x09 && head[start] <= 0x0d))) start++;
  const text = new TextDecoder().decode(head.subarray(start, start + 64)).toLowerCase();
  if (text.startsWith('<')) return 'html';
  if (text.startsWith('{') || text.startsWith('[')) return 'json';
  if (text.startsWith('goroutine ')) return 'goroutine-dump';
  return 'text';
}

/** The first ~80 characters, control characters replaced, whitespace collapsed. */
function excerpt(bytes: Uint8Array): string {
  const text = new TextDecoder()
    .decode(bytes.subarray(0, 320))
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd"]/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(text);
  return chars.length > 80 || bytes.length > 320 ? `${chars.slice(0, 80).join('')}…` : text;
}
