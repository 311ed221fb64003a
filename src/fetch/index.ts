/**
 * Fetching raw profiles from Go programs' net/http/pprof endpoints, with
 * deadlines, size caps, cancellation, no redirects and a content sniff.
 */
export { bodyExcerpt } from './body-excerpt.ts';
export { FETCH_DEFAULTS, type FetchOptions, type FetchResult, fetchProfile } from './fetch-profile.ts';
export { looksLikeProfile } from './looks-like-profile.ts';
export { MAX_PROFILE_SECONDS, profileUrl } from './profile-url.ts';
export { redactUrl } from './redact-url.ts';
