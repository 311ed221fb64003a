/**
 * dotColor: pprof's node and edge colours — red for positive weight, green
 * for negative (diff profiles), grey near zero; dark for outlines, light for
 * fills.
 *
 * The shift uses Go's math.Pow bit for bit: the channel bytes are truncated
 * from float products, so one ulp can change a digit.
 */
import { goPow } from '../graph/index.ts';

/** The colour of a score in [-1, 1] (clamped) as "#rrggbb"; `background` gives the light fill variant. */
export function dotColor(score: number, background: boolean): string {
  // Move scores away from grey: |score|^(1-0.7). Go evaluates the constant 1.0-0.7 exactly: 0.3.
  const exponent = 0.3;
  let saturation = background ? 0.1 : 1.0;
  const value = background ? 0.93 : 0.7;
  score = Math.max(-1.0, Math.min(1.0, score));
  if (Math.abs(score) < 0.2) saturation *= Math.abs(score) / 0.2;
  if (score > 0.0) score = goPow(score, exponent);
  if (score < 0.0) score = -goPow(-score, exponent);
  let r: number;
  let g: number;
  if (score < 0.0) {
    g = value;
    r = value * (1 + saturation * score);
  } else {
    r = value;
    g = value * (1 - saturation * score);
  }
  const b = value * (1 - saturation);
  return `#${hex2(r * 255.0)}${hex2(g * 255.0)}${hex2(b * 255.0)}`;
}

/** Go's uint8(f) on amd64 (truncation; NaN becomes 0) as two hex digits. */
function hex2(f: number): string {
  const v = Number.isNaN(f) ? 0 : Math.trunc(f) & 0xff;
  return v.toString(16).padStart(2, '0');
}
