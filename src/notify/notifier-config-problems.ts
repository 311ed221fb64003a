/**
 * The one check of a notify configuration, used by the config loader (on
 * the merged file and environment, not yet trusted) and by createNotifier
 * (for every other caller): receivers named once, of a known kind, at an
 * http(s) URL (never echoed: it may carry a token), with no unknown keys;
 * owner keys without stray spaces; every name an owner or the defaults refer
 * to exists; policy numbers in range. Problems name their key, like the rest
 * of the configuration's.
 */
import { type NotifierConfig, RECEIVER_KINDS } from './notifier-config.ts';

/** Receiver names: what owners and defaultReceivers refer to, and what metrics are labelled with. */
export const RECEIVER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;

/** The keys a receiver may have (ReceiverSpec's). */
const RECEIVER_KEYS = ['name', 'kind', 'url', 'secret'];

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

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every problem with `config`, each naming its key under `prefix`; empty when it is usable. */
export function notifierConfigProblems(config: NotifierConfig, prefix = 'notify'): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const [i, r] of (config.receivers as readonly unknown[]).entries()) {
    const key = `${prefix}.receivers[${i}]`;
    if (!isMapping(r)) {
      problems.push(`${key}: want a mapping with name, kind and url`);
      continue;
    }
    for (const k of Object.keys(r)) if (!RECEIVER_KEYS.includes(k)) problems.push(`${key}.${k}: unknown key`);
    if (typeof r.name !== 'string' || !RECEIVER_NAME.test(r.name)) problems.push(`${key}.name: want a name of letters, digits, '.', '_', '-'`);
    else if (names.has(r.name)) problems.push(`${key}.name: "${r.name}" is used twice`);
    else names.add(r.name);
    if (typeof r.kind !== 'string' || !(RECEIVER_KINDS as readonly string[]).includes(r.kind)) {
      problems.push(`${key}.kind: want one of ${RECEIVER_KINDS.join(', ')}`);
    }
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
  for (const [owner, list] of Object.entries(config.owners)) {
    if (owner.trim() === '' || owner !== owner.trim()) problems.push(`${prefix}.owners: ${JSON.stringify(owner)} is not an owner key`);
    refer(`${prefix}.owners.${owner}`, list);
  }
  refer(`${prefix}.defaultReceivers`, config.defaultReceivers);
  const whole = (key: 'queueSize' | 'attempts' | 'topFunctions', min: number, max: number) => {
    const v = config[key];
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${prefix}.${key}: want a whole number from ${min} to ${max}, got ${v}`);
  };
  whole('queueSize', 1, 1_000_000);
  whole('attempts', 1, 100);
  whole('topFunctions', 0, 50);
  for (const k of ['initialBackoffSeconds', 'maxBackoffSeconds', 'maxRetryAfterSeconds', 'timeoutSeconds', 'stopTimeoutSeconds', 'alertDurationSeconds'] as const) {
    const v = config[k];
    if (!(v > 0) || !Number.isFinite(v)) problems.push(`${prefix}.${k}: must be greater than 0, got ${v}`);
  }
  if (config.initialBackoffSeconds > config.maxBackoffSeconds) {
    problems.push(`${prefix}.initialBackoffSeconds: ${config.initialBackoffSeconds} exceeds ${prefix}.maxBackoffSeconds ${config.maxBackoffSeconds}`);
  }
  return problems;
}
