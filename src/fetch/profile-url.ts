/**
 * The only URLs gopprof ever fetches: a target's pprof base URL plus a known
 * profile type. Callers never pass URLs, so a request cannot point the service
 * at an arbitrary endpoint inside the cluster.
 */
import { GopprofError } from '../errors.ts';
import { isProfileType, type ProfileType, type Target } from '../targets/target.ts';

/**
 * The longest profile the service asks for. Beyond it the total deadline would
 * outgrow what a timer can hold and what any caller can sensibly wait for.
 */
export const MAX_PROFILE_SECONDS = 3600;

/**
 * Builds the URL of one profile on a target, always the binary (debug=0) form:
 * cpu → `<base>/profile?seconds=N` (N ≥ 1); other types → `<base>/<type>`, plus
 * `?seconds=N` when N > 0, which makes Go serve a delta profile over N seconds.
 * Throws PROFILE_TYPE_INVALID, OPTION_INVALID (seconds) or FETCH_FAILED (the
 * target's base URL is unusable).
 */
export function profileUrl(target: Pick<Target, 'id' | 'pprofBaseUrl'>, type: ProfileType, seconds: number): URL {
  if (!isProfileType(type)) {
    throw new GopprofError('PROFILE_TYPE_INVALID', `unknown profile type ${JSON.stringify(String(type))}`, {
      details: { type: String(type) },
    });
  }
  const min = type === 'cpu' ? 1 : 0;
  if (!Number.isSafeInteger(seconds) || seconds < min || seconds > MAX_PROFILE_SECONDS) {
    throw new GopprofError(
      'OPTION_INVALID',
      `seconds must be an integer from ${min} to ${MAX_PROFILE_SECONDS} for a ${type} profile, got ${String(seconds)}`,
      { details: { type, seconds: String(seconds) } },
    );
  }
  const url = pprofBase(target);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${type === 'cpu' ? 'profile' : type}`;
  if (type === 'cpu' || seconds > 0) url.searchParams.set('seconds', String(seconds));
  return url;
}

/** The target's base URL, checked: http(s), no query or fragment. */
function pprofBase(target: Pick<Target, 'id' | 'pprofBaseUrl'>): URL {
  let base: URL;
  try {
    base = new URL(target.pprofBaseUrl);
  } catch (cause) {
    throw badBase(target, 'is not a URL', cause);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw badBase(target, 'is not http or https');
  if (base.search !== '' || base.hash !== '') throw badBase(target, 'has a query or fragment');
  return base;
}

function badBase(target: Pick<Target, 'id'>, why: string, cause?: unknown): GopprofError {
  // The base URL itself is not quoted: it may carry credentials.
  return new GopprofError('FETCH_FAILED', `target ${target.id}: pprof base URL ${why}`, {
    cause,
    details: { targetId: target.id },
  });
}
