/**
 * Owner → receivers. A pod names an owner key (its `gopprof.io/owner`
 * annotation or label); only configuration maps that key to receivers, so a
 * pod can never choose a URL. Unknown owners, and targets without one, get
 * the default receivers.
 */
import type { NotifierConfig } from './notifier-config.ts';

/** Which receivers a notification for `owner` goes to, and whether the owner had its own route. */
export interface ResolvedReceivers {
  readonly receivers: readonly string[];
  readonly routed: boolean;
}

/** Receiver names for `owner` (own keys only: an owner called `constructor` is just unknown). */
export function resolveReceivers(owner: string, config: Pick<NotifierConfig, 'owners' | 'defaultReceivers'>): ResolvedReceivers {
  const key = owner.trim();
  if (key !== '' && Object.hasOwn(config.owners, key)) {
    const names = config.owners[key];
    if (Array.isArray(names)) return { receivers: [...new Set(names)], routed: true };
  }
  return { receivers: [...new Set(config.defaultReceivers)], routed: false };
}
