/**
 * How a receiver appears in logs, metrics, errors and the status API. Chat
 * webhook URLs are credentials (Slack's path, DingTalk's and WeCom's query
 * carry the token), so only the scheme and host ever leave this folder.
 */
import type { ReceiverSpec } from './notifier-config.ts';

/** `https://hooks.slack.com` for `https://hooks.slack.com/services/T0/B0/XXXX`. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}

/** `slack-payments (slack, https://hooks.slack.com)`. */
export function describeReceiver(spec: ReceiverSpec): string {
  return `${spec.name} (${spec.kind}, ${describeUrl(spec.url)})`;
}

/**
 * `text` with every credential of `spec` blanked: the URL, its path and query
 * values, and the secret. For receiver answers and error messages that may
 * echo what they were sent.
 */
export function scrubSecrets(text: string, spec: ReceiverSpec): string {
  const needles = new Set<string>();
  if (spec.secret) needles.add(spec.secret);
  needles.add(spec.url);
  try {
    const u = new URL(spec.url);
    if (u.pathname.length > 1) needles.add(u.pathname);
    for (const v of u.searchParams.values()) if (v.length >= 4) needles.add(v);
    if (u.password) needles.add(u.password);
  } catch {
    // An invalid URL never passes validation; nothing more to scrub.
  }
  let out = text;
  for (const n of [...needles].sort((a, b) => b.length - a.length)) out = out.split(n).join('[redacted]');
  return out;
}
