/**
 * Loads the configuration once at start: embedded defaults, then a YAML or
 * JSON file, then GOPPROF_* environment variables; validates everything and
 * reports the full list of problems, each naming its key; returns a frozen Config.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { GopprofError } from '../errors.ts';
import { notifierConfigProblems } from '../notify/index.ts';
import { checkAutoProfiler } from './check-auto-profiler.ts';
import { type Config, DEFAULT_CONFIG } from './config.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Mappings whose keys are the user's (owner keys), not a fixed schema: one value each, JSON in the environment. */
const FREE_MAPS = new Set(['notify.owners']);

/** `secretKey` → `SECRET_KEY`. */
function envName(path: readonly string[]): string {
  return `GOPPROF_${path.map((p) => p.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

/** The environment variable each setting can be given by, e.g. storage.s3.secretKey → GOPPROF_STORAGE_S3_SECRET_KEY. */
export function configEnvNames(): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  const walk = (o: unknown, path: string[]) => {
    if (isObj(o) && !FREE_MAPS.has(path.join('.'))) for (const [k, v] of Object.entries(o)) walk(v, [...path, k]);
    else out.set(envName(path), path.join('.'));
  };
  walk(DEFAULT_CONFIG, []);
  return out;
}

function setPath(target: Obj, path: readonly string[], value: Json): void {
  let o = target;
  for (const k of path.slice(0, -1)) {
    if (!isObj(o[k])) o[k] = {};
    o = o[k] as Obj;
  }
  o[path[path.length - 1]] = value;
}

function getPath(o: unknown, path: readonly string[]): unknown {
  let v: unknown = o;
  for (const k of path) v = isObj(v) ? v[k] : undefined;
  return v;
}

/** Overlays `over` onto `base` (objects merge, everything else replaces). */
function overlay(base: Json, over: Json): Json {
  if (!isObj(base) || !isObj(over)) return over;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? overlay(base[k], v) : v;
  return out;
}

function envOverrides(env: NodeJS.ProcessEnv, problems: string[]): Obj {
  const out: Obj = {};
  for (const [name, key] of configEnvNames()) {
    const raw = env[name];
    if (raw === undefined) continue;
    const path = key.split('.');
    const def = getPath(DEFAULT_CONFIG, path);
    if (typeof def === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) problems.push(`${key} (${name}): "${raw}" is not a number`);
      else setPath(out, path, n);
    } else if (typeof def === 'boolean') {
      if (raw !== 'true' && raw !== 'false') problems.push(`${key} (${name}): want true or false, got "${raw}"`);
      else setPath(out, path, raw === 'true');
    } else if (Array.isArray(def) || isObj(def)) {
      try {
        setPath(out, path, JSON.parse(raw) as Json);
      } catch {
        problems.push(`${key} (${name}): not valid JSON`);
      }
    } else setPath(out, path, raw);
  }
  return out;
}

/** Checks `v` has the shape of `def` (the default at the same key); records problems by key. */
function checkShape(v: unknown, def: unknown, key: string, problems: string[]): void {
  if (isObj(def)) {
    if (!isObj(v)) return void problems.push(`${key || '<root>'}: want a mapping`);
    if (FREE_MAPS.has(key)) return;
    for (const k of Object.keys(v)) {
      const sub = key ? `${key}.${k}` : k;
      if (!(k in def)) problems.push(`${sub}: unknown key`);
      else checkShape(v[k], def[k], sub, problems);
    }
  } else if (Array.isArray(def)) {
    if (!Array.isArray(v)) problems.push(`${key}: want a list`);
  } else if (typeof v !== typeof def) {
    problems.push(`${key}: want a ${typeof def}, got ${Array.isArray(v) ? 'list' : typeof v}`);
  }
}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function checkValues(c: Config, problems: string[]): void {
  const port = (key: string, p: number, allowZero = true) => {
    if (!Number.isInteger(p) || p < (allowZero ? 0 : 1) || p > 65535) problems.push(`${key}: ${p} is not a port`);
  };
  const positive = (key: string, n: number) => {
    if (!(n > 0)) problems.push(`${key}: must be greater than 0, got ${n}`);
  };
  port('grpc.port', c.grpc.port);
  port('http.port', c.http.port);
  if (c.http.publicBaseUrl && !/^https?:\/\/[^/]+/.test(c.http.publicBaseUrl)) {
    problems.push(`http.publicBaseUrl: "${c.http.publicBaseUrl}" is not an http(s) URL`);
  }
  if (c.storage.kind !== 'local' && c.storage.kind !== 's3') {
    problems.push(`storage.kind: want "local" or "s3", got "${c.storage.kind}"`);
  }
  if (c.storage.localDir === '') problems.push('storage.localDir: must not be empty');
  if (c.storage.kind === 's3') {
    for (const k of ['endPoint', 'accessKey', 'secretKey', 'bucket'] as const) {
      if (c.storage.s3[k] === '') problems.push(`storage.s3.${k}: required when storage.kind is s3`);
    }
    port('storage.s3.port', c.storage.s3.port, false);
  }
  positive('storage.linkExpirySeconds', c.storage.linkExpirySeconds);
  if (c.storage.linkExpirySeconds > 7 * 24 * 3600) problems.push('storage.linkExpirySeconds: S3 allows at most 604800');
  positive('storage.spoolRetrySeconds', c.storage.spoolRetrySeconds);
  for (const [k, v] of Object.entries(c.storage.retention)) {
    if (!Number.isSafeInteger(v) || v < 0) problems.push(`storage.retention.${k}: want a whole number ≥ 0 (0 = no limit), got ${v}`);
  }
  for (const [k, v] of Object.entries(c.capture)) {
    if (!Number.isInteger(v) || v <= 0) problems.push(`capture.${k}: must be a whole number greater than 0, got ${v}`);
  }
  if (c.capture.defaultSeconds > c.capture.maxSeconds) {
    problems.push(`capture.defaultSeconds: ${c.capture.defaultSeconds} exceeds capture.maxSeconds ${c.capture.maxSeconds}`);
  }
  const names = new Set<string>();
  for (const [i, t] of (c.targets.static as unknown[]).entries()) {
    const key = `targets.static[${i}]`;
    if (!isObj(t)) {
      problems.push(`${key}: want a mapping with name and url`);
      continue;
    }
    for (const k of Object.keys(t)) {
      if (!['name', 'url', 'labels', 'owner'].includes(k)) problems.push(`${key}.${k}: unknown key`);
    }
    if (typeof t.name !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,62}$/.test(t.name)) {
      problems.push(`${key}.name: want a name of letters, digits, '.', '_', '-'`);
    } else if (names.has(t.name)) problems.push(`${key}.name: "${t.name}" is used twice`);
    else names.add(t.name);
    if (typeof t.url !== 'string' || !/^https?:\/\/[^/?#]+(\/[^?#]*)?$/.test(t.url)) {
      problems.push(`${key}.url: want an http(s) URL without query, such as http://127.0.0.1:6060/debug/pprof`);
    }
    if (t.labels !== undefined && (!isObj(t.labels) || Object.values(t.labels).some((v) => typeof v !== 'string'))) {
      problems.push(`${key}.labels: want a mapping of strings`);
    }
    if (t.owner !== undefined && typeof t.owner !== 'string') problems.push(`${key}.owner: want a string`);
  }
  checkKubernetes(c.kubernetes, problems);
  problems.push(...notifierConfigProblems(c.notify));
  checkAutoProfiler(c.autoProfiler, c.capture.maxSeconds, problems);
  if (!LEVELS.includes(c.log.level)) problems.push(`log.level: want one of ${LEVELS.join(', ')}`);
}

/** A DNS-1123 label (namespace names) and subdomain (annotation prefixes), as Kubernetes validates them. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkKubernetes(k: Config['kubernetes'], problems: string[]): void {
  const seen = new Set<string>();
  for (const [i, ns] of (k.namespaces as unknown[]).entries()) {
    if (typeof ns !== 'string' || !DNS_LABEL.test(ns)) problems.push(`kubernetes.namespaces[${i}]: ${JSON.stringify(ns)} is not a namespace name`);
    else if (seen.has(ns)) problems.push(`kubernetes.namespaces[${i}]: "${ns}" is listed twice`);
    else seen.add(ns);
  }
  if (!Number.isInteger(k.resyncSeconds) || k.resyncSeconds < 10 || k.resyncSeconds > 86400) {
    problems.push(`kubernetes.resyncSeconds: want a whole number from 10 to 86400, got ${k.resyncSeconds}`);
  }
  if (!Number.isInteger(k.startWaitSeconds) || k.startWaitSeconds < 0 || k.startWaitSeconds > 300) {
    problems.push(`kubernetes.startWaitSeconds: want a whole number from 0 to 300, got ${k.startWaitSeconds}`);
  }
  if (!DNS_SUBDOMAIN.test(k.annotationPrefix)) {
    problems.push(`kubernetes.annotationPrefix: "${k.annotationPrefix}" is not a DNS subdomain such as gopprof.io`);
  }
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null) {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/** Where the configuration comes from. */
export interface ConfigSource {
  /** A YAML or JSON file; '' for none. */
  readonly file: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Builds the Config from defaults, the file and the environment. Throws
 * GopprofError CONFIG_INVALID listing every problem, each naming its key.
 */
export async function loadConfig(source: ConfigSource): Promise<Config> {
  const problems: string[] = [];
  let fromFile: Json = {};
  if (source.file) {
    let text: string;
    try {
      text = await readFile(source.file, 'utf8');
    } catch (err) {
      throw new GopprofError('CONFIG_INVALID', `cannot read config file ${source.file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    try {
      fromFile = (parseYaml(text) ?? {}) as Json;
    } catch (err) {
      // The parser's message quotes the offending line, which may hold a secret (a receiver's
      // URL, a password): only its first line, which names the line and column, is kept, and
      // the parser's error is not attached.
      const why = String((err as Error | null)?.message ?? err).split('\n')[0].replace(/:$/, '');
      throw new GopprofError('CONFIG_INVALID', `config file ${source.file} is not valid YAML/JSON: ${why}`);
    }
    checkShape(fromFile, DEFAULT_CONFIG, '', problems);
  }
  const fromEnv = envOverrides(source.env, problems);
  const merged = overlay(overlay(DEFAULT_CONFIG as unknown as Json, isObj(fromFile) ? fromFile : {}), fromEnv);
  checkShape(merged, DEFAULT_CONFIG, '', problems);
  if (problems.length === 0) checkValues(merged as unknown as Config, problems);
  if (problems.length > 0) {
    throw new GopprofError('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems: problems.length },
    });
  }
  const c = merged as unknown as Config;
  const targets = c.targets.static.map((t) => ({
    name: t.name,
    url: t.url.replace(/\/+$/, ''),
    labels: t.labels ?? {},
    owner: t.owner ?? '',
  }));
  return deepFreeze({ ...c, targets: { static: targets } });
}
