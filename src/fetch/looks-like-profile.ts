/**
 * A cheap sniff of a response body before it is handed to the decoder, so that
 * an HTML login page, a `debug=1` text profile or a JSON error from a sidecar
 * fails at the fetch with FETCH_NOT_PROFILE and an excerpt, not deep inside
 * the protobuf decoder with a puzzling message.
 */

/** How many top-level protobuf fields the sniff walks before it is convinced. */
const FIELDS_TO_CHECK = 16;

/**
 * Wire types allowed for each top-level field of pprof's profile.proto
 * (bit 0 = varint, bit 2 = length-delimited). Field 13 (comment, repeated
 * int64) may be packed or not.
 */
const WIRE_TYPES: ReadonlyMap<number, number> = new Map([
  [1, 0b100], // sample_type
  [2, 0b100], // sample
  [3, 0b100], // mapping
  [4, 0b100], // location
  [5, 0b100], // function
  [6, 0b100], // string_table
  [7, 0b001], // drop_frames
  [8, 0b001], // keep_frames
  [9, 0b001], // time_nanos
  [10, 0b001], // duration_nanos
  [11, 0b100], // period_type
  [12, 0b001], // period
  [13, 0b101], // comment
  [14, 0b001], // default_sample_type
]);

/** Content types a pprof endpoint never sends for a binary profile. */
const TEXTUAL = /^\s*(text\/|application\/(json|xml|xhtml\+xml|problem\+json)\b|[^;]*\+json\b)/i;

/**
 * True if `bytes` plausibly is a pprof profile: gzip (magic 1f 8b 08, what Go
 * sends) or raw protobuf whose first top-level fields are valid profile.proto
 * fields with in-bounds lengths. A raw body served with a textual Content-Type
 * is rejected, because short text can happen to parse as a few protobuf fields.
 * This is a sniff, not validation: the decoder in src/pprof/ has the last word.
 */
export function looksLikeProfile(bytes: Uint8Array, contentType: string): boolean {
  if (bytes.length >= 3 && bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === 0x08) return true;
  if (TEXTUAL.test(contentType)) return false;
  return looksLikeProfileProto(bytes);
}

function looksLikeProfileProto(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let pos = 0;
  for (let fields = 0; fields < FIELDS_TO_CHECK && pos < bytes.length; fields++) {
    const tag = readVarint(bytes, pos);
    if (tag === undefined) return false;
    pos = tag.next;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    const allowed = WIRE_TYPES.get(field);
    if (allowed === undefined || wireType > 2 || (allowed & (1 << wireType)) === 0) return false;
    const value = readVarint(bytes, pos);
    if (value === undefined) return false;
    pos = value.next;
    if (wireType === 2) {
      if (value.value > bytes.length - pos) return false;
      pos += value.value;
    }
  }
  return true;
}

/**
 * A base-128 varint of up to 10 bytes, or undefined when truncated or longer.
 * Values beyond 2^53 come out inexact, which is fine: they only ever fail the
 * field-number and length checks above.
 */
function readVarint(bytes: Uint8Array, start: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let pos = start; pos < bytes.length && pos - start < 10; pos++) {
    const byte = bytes[pos];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return { value, next: pos + 1 };
    scale *= 128;
  }
  return undefined;
}
