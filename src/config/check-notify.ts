/**
 * Validation of the `notify` section: receivers named once, of a known kind,
 * at an http(s) URL (never echoed: it may carry a token); every name an owner
 * or the defaults refer to exists; policy numbers in range. Problems name
 * their key, like the rest of the configuration's.
 */
import type { Config } from './config.ts';

const KINDS = ['webhook', 'slack', 'dingtalk', 'feishu', 'wecom', 'alertmanager'];
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/;
const RECEIVER_KEYS = ['name', 'kind', 'url', 'secret'];

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isHttpUrl(v: unknown): boolean {
  if (typeof v !== 'string') return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Appends every problem of `n` (the merged notify section, not yet trusted) to `problems`. */
export function checkNotify(n: Config['notify'], problems: string[]): void {
  const names = new Set<string>();
  for (const [i, r] of (n.receivers as unknown[]).entries()) {
    const key = `notify.receivers[${i}]`;
    if (!isMapping(r)) {
      problems.push(`${key}: want a mapping with name, kind and url`);
      continue;
    }
    for (const k of Object.keys(r)) if (!RECEIVER_KEYS.includes(k)) problems.push(`${key}.${k}: unknown key`);
    if (typeof r.name !== 'string' || !NAME.test(r.name)) problems.push(`${key}.name: want a name of letters, digits, '.', '_', '-'`);
    else if (names.has(r.name)) problems.push(`${key}.name: "${r.name}" is used twice`);
    else names.add(r.name);
    if (typeof r.kind !== 'string' || !KINDS.includes(r.kind)) problems.push(`${key}.kind: want one of ${KINDS.join(', ')}`);
    if (!isHttpUrl(r.url)) problems.push(`${key}.url: want an http or https URL`);
    if (r.secret !== undefined && (typeof r.secret !== 'string' || r.secret === '')) problems.push(`${key}.secret: want a non-empty string`);
  }
  const refer = (key: string, list: unknown) => {
    if (!Array.isArray(list)) return void problems.push(`${key}: want a list of receiver names`);
    for (const [i, name] of list.entries()) {
      if (typeof name !== 'string' || !names.has(name)) problems.push(`${key}[${i}]: no receiver named ${JSON.stringify(name)}`);
    }
  };
  for (const [owner, list] of Object.entries(n.owners)) {
    if (owner.trim() === '' || owner !== owner.trim()) problems.push(`notify.owners: ${JSON.stringify(owner)} is not an owner key`);
    refer(`notify.owners.${owner}`, list);
  }
  refer('notify.defaultReceivers', n.defaultReceivers);
  const whole = (k: 'queueSize' | 'attempts' | 'topFunctions', min: number, max: number) => {
    if (!Number.isInteger(n[k]) || n[k] < min || n[k] > max) problems.push(`notify.${k}: want a whole number from ${min} to ${max}, got ${n[k]}`);
  };
  whole('queueSize', 1, 1_000_000);
  whole('attempts', 1, 100);
  whole('topFunctions', 0, 50);
  for (const k of ['initialBackoffSeconds', 'maxBackoffSeconds', 'maxRetryAfterSeconds', 'timeoutSeconds', 'stopTimeoutSeconds', 'alertDurationSeconds'] as const) {
    if (!(n[k] > 0) || !Number.isFinite(n[k])) problems.push(`notify.${k}: must be greater than 0, got ${n[k]}`);
  }
  if (n.initialBackoffSeconds > n.maxBackoffSeconds) {
    problems.push(`notify.initialBackoffSeconds: ${n.initialBackoffSeconds} exceeds notify.maxBackoffSeconds ${n.maxBackoffSeconds}`);
  }
}
