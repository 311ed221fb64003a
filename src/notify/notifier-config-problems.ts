/**
 * The notifier's own check of what it is given (the config loader checks the
 * file more thoroughly; this guards every other caller): receivers named once,
 * of a known kind, at an http(s) URL; every name an owner or the defaults
 * refer to exists; numbers in range.
 */
import { type NotifierConfig, RECEIVER_KINDS } from './notifier-config.ts';

/** Receiver names: what owners and defaultReceivers refer to, and what metrics are labelled with. */
export const RECEIVER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

/** True when `url` parses as an absolute http(s) URL with a host. */
export function isHttpUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Every problem with `config`, each naming its key under `prefix`; empty when it is usable. */
export function notifierConfigProblems(config: NotifierConfig, prefix = 'notify'): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, r] of config.receivers.entries()) {
    const key = `${prefix}.receivers[${i}]`;
    if (typeof r.name !== 'string' || !RECEIVER_NAME.test(r.name)) problems.push(`${key}.name: want a name of letters, digits, '.', '_', '-'`);
    else if (names.has(r.name)) problems.push(`${key}.name: "${r.name}" is used twice`);
    else names.add(r.name);
    if (!(RECEIVER_KINDS as readonly string[]).includes(r.kind)) problems.push(`${key}.kind: want one of ${RECEIVER_KINDS.join(', ')}`);
    // The URL is a credential: say what is wrong, never echo it.
    if (!isHttpUrl(r.url)) problems.push(`${key}.url: want an http or https URL`);
    if (r.secret !== undefined && (typeof r.secret !== 'string' || r.secret === '')) problems.push(`${key}.secret: want a non-empty string`);
  }
  const refer = (key: string, list: unknown) => {
    if (!Array.isArray(list)) return void problems.push(`${key}: want a list of receiver names`);
    for (const [i, n] of list.entries()) {
      if (typeof n !== 'string' || !names.has(n)) problems.push(`${key}[${i}]: no receiver named ${JSON.stringify(n)}`);
    }
  };
  for (const [owner, list] of Object.entries(config.owners)) refer(`${prefix}.owners.${owner}`, list);
  refer(`${prefix}.defaultReceivers`, config.defaultReceivers);
  const whole = (key: keyof NotifierConfig, min: number) => {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) problems.push(`${prefix}.${key}: want a whole number ≥ ${min}, got ${String(v)}`);
  };
  const seconds = (key: keyof NotifierConfig) => {
    const v = config[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) problems.push(`${prefix}.${key}: want seconds greater than 0, got ${String(v)}`);
  };
  whole('queueSize', 1);
  whole('attempts', 1);
  whole('topFunctions', 0);
  for (const k of ['initialBackoffSeconds', 'maxBackoffSeconds', 'maxRetryAfterSeconds', 'timeoutSeconds', 'stopTimeoutSeconds', 'alertDurationSeconds'] as const) seconds(k);
  if (config.initialBackoffSeconds > config.maxBackoffSeconds) {
    problems.push(`${prefix}.initialBackoffSeconds: ${config.initialBackoffSeconds} exceeds ${prefix}.maxBackoffSeconds ${config.maxBackoffSeconds}`);
  }
  return problems;
}
