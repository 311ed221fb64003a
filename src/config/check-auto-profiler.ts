/**
 * Validation of the `autoProfiler` section: a metrics source that can be
 * reached (its URL is never echoed: it may carry credentials), windows,
 * cooldowns and caps in range, rules with known profile types. Problems name
 * their key, like the rest of the configuration's.
 */
import { PROFILE_TYPES } from '../targets/index.ts';
import type { Config } from './config.ts';

const KINDS = ['influxql', 'flux', 'prometheus'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function isHttpUrl(v: string): boolean {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** Appends every problem of `a` (the merged section, not yet trusted) to `problems`; `maxSeconds` caps CPU profiles. */
export function checkAutoProfiler(a: Config['autoProfiler'], maxSeconds: number, problems: string[]): void {
  const whole = (key: string, n: number, min: number, max: number) => {
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`autoProfiler.${key}: want a whole number from ${min} to ${max}, got ${n}`);
  };
  const s = a.source;
  if (!KINDS.includes(s.kind)) problems.push(`autoProfiler.source.kind: want one of ${KINDS.join(', ')}, got "${s.kind}"`);
  if (s.url !== '' && !isHttpUrl(s.url)) problems.push('autoProfiler.source.url: want an http or https URL');
  if (a.enabled) {
    if (s.url === '') problems.push('autoProfiler.source.url: required when autoProfiler.enabled is true');
    if (s.kind === 'influxql' && s.database === '') problems.push('autoProfiler.source.database: required for influxql');
    if (s.kind === 'flux' && s.org === '') problems.push('autoProfiler.source.org: required for flux');
    if (!a.cpu.enabled && !a.memory.enabled) problems.push('autoProfiler: enable at least one of autoProfiler.cpu and autoProfiler.memory');
  }
  whole('source.timeoutSeconds', s.timeoutSeconds, 1, 600);
  const seen = new Set<string>();
  for (const [i, ns] of (a.namespaces as unknown[]).entries()) {
    if (typeof ns !== 'string' || !DNS_LABEL.test(ns)) problems.push(`autoProfiler.namespaces[${i}]: ${JSON.stringify(ns)} is not a namespace name`);
    else if (seen.has(ns)) problems.push(`autoProfiler.namespaces[${i}]: "${ns}" is listed twice`);
    else seen.add(ns);
  }
  whole('windowSeconds', a.windowSeconds, 1, 86400);
  whole('windows', a.windows, 1, 60);
  whole('lateDataSeconds', a.lateDataSeconds, 0, 3600);
  whole('cooldownSeconds', a.cooldownSeconds, 0, 7 * 86400);
  whole('maxPodsPerWorkload', a.maxPodsPerWorkload, 1, 10000);
  whole('episodeMaxSeconds', a.episodeMaxSeconds, 1, 7 * 86400);
  whole('stopTimeoutSeconds', a.stopTimeoutSeconds, 1, 600);
  for (const resource of ['cpu', 'memory'] as const) {
    const r = a[resource];
    if (!(typeof r.threshold === 'number' && Number.isFinite(r.threshold) && r.threshold > 0 && r.threshold <= 100)) {
      problems.push(`autoProfiler.${resource}.threshold: want a ratio greater than 0 (e.g. 0.8), got ${r.threshold}`);
    }
    const types = new Set<string>();
    for (const [i, t] of (r.profiles as unknown[]).entries()) {
      if (typeof t !== 'string' || !(PROFILE_TYPES as readonly string[]).includes(t)) {
        problems.push(`autoProfiler.${resource}.profiles[${i}]: want one of ${PROFILE_TYPES.join(', ')}, got ${JSON.stringify(t)}`);
      } else if (types.has(t)) problems.push(`autoProfiler.${resource}.profiles[${i}]: "${t}" is listed twice`);
      else types.add(t);
    }
    if (r.enabled && r.profiles.length === 0) problems.push(`autoProfiler.${resource}.profiles: want at least one profile type`);
    whole(`${resource}.cpuSeconds`, r.cpuSeconds, 1, maxSeconds);
  }
}
