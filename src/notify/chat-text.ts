/**
 * The words of a chat notification, written once and rendered into each
 * chat's markup by a small dialect (how to escape, bold, quote code, link).
 * Slack, DingTalk, Feishu and WeCom all say the same lines.
 */
import type { CaptureMessage } from './capture-message.ts';

/** How one chat marks text up. */
export interface ChatDialect {
  /** Makes plain text safe (no accidental markup, no injected links or mentions). */
  escape(text: string): string;
  bold(escaped: string): string;
  /** A function name or other identifier, escaped as the dialect needs. */
  code(text: string): string;
  link(label: string, url: string): string;
}

/** Longest function name or error text shown; chat limits are a few thousand bytes per block. */
export const MAX_FIELD_CHARS = 200;

/** `s` cut to `max` characters (by code point), with an ellipsis when cut. */
export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** A usage/limit ratio as people read it: 0.934 → '93.4%'. */
export function percent(ratio: number): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : String(ratio);
}

/** One line, plain text: what happened to which target. */
export function messageTitle(m: CaptureMessage): string {
  const what = `${m.profileType}${m.seconds > 0 ? ` ${m.seconds}s` : ''}`;
  return m.status === 'ok' ? `gopprof: ${what} profile of ${m.target.name}` : `gopprof: ${what} capture of ${m.target.name} failed`;
}

/** Why, plain text: 'manual capture', or the rule with its measured values and windows. */
export function reasonText(m: CaptureMessage): string {
  const r = m.reason;
  if (r.kind === 'manual') return 'manual capture';
  const windows = r.windows.length > 0 ? ` in the windows starting ${r.windows.join(', ')}` : '';
  return `rule ${r.rule}: ${r.metric} at ${r.values.map(percent).join(', ')} of limit (threshold ${percent(r.threshold)})${windows}`;
}

/** The message body as lines of the dialect's markup, title excluded. */
export function chatLines(m: CaptureMessage, d: ChatDialect): string[] {
  const e = (s: string) => d.escape(truncate(s, MAX_FIELD_CHARS));
  const lines: string[] = [];
  const pod = m.target.pod;
  lines.push(`${d.bold('Target')}: ${e(m.target.name)}`);
  if (pod) {
    lines.push(`${d.bold('Pod')}: ${e(`${pod.namespace}/${pod.name}`)}${pod.workload ? ` (workload ${e(pod.workload)})` : ''}`);
  }
  if (m.target.owner) lines.push(`${d.bold('Owner')}: ${e(m.target.owner)}`);
  lines.push(`${d.bold('Why')}: ${e(reasonText(m))}`);
  if (m.error) lines.push(`${d.bold('Error')}: ${e(`${m.error.code}: ${m.error.message}`)}`);
  if (m.top.length > 0) {
    const of = m.total ? ` (of ${e(m.total.label)} ${e(m.total.sampleType)})` : '';
    lines.push(`${d.bold('Top functions')}${of}:`);
    m.top.forEach((f, i) => {
      lines.push(`${i + 1}. ${d.code(truncate(f.name, MAX_FIELD_CHARS))} ${e(f.flatLabel)} (${e(f.flatPercent)})`);
    });
  }
  const links = [
    ...(m.links.svg ? [d.link('call graph (SVG)', m.links.svg)] : []),
    ...(m.links.profile ? [d.link('raw profile', m.links.profile)] : []),
  ];
  if (links.length > 0) lines.push(`${d.bold('Evidence')}: ${links.join(' · ')}`);
  lines.push(`${d.bold('Capture')}: ${e(m.captureId)} at ${e(m.finishedAt)}`);
  return lines;
}

/**
 * Joins as many whole lines as fit in `max` (as measured), ending with '…'
 * when some did not: chats cap message sizes, and a cut mid-line could break
 * a link or an escape.
 */
export function joinWithin(lines: readonly string[], separator: string, max: number, measure: (s: string) => number = (s) => s.length): string {
  let out = '';
  for (const [i, line] of lines.entries()) {
    const next = i === 0 ? line : `${out}${separator}${line}`;
    if (measure(next) > max) return measure(`${out}${separator}…`) <= max ? `${out}${separator}…` : out;
    out = next;
  }
  return out;
}

/** UTF-8 length, for chats whose limits are in bytes (WeCom: 4096). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}
