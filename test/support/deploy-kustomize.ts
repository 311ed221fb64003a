/**
 * A minimal kustomize for the deploy/ tests: renders a kustomization the way
 * `kubectl kustomize` does for the features deploy/ uses (resources, files and
 * directories; configMapGenerator with the content-hash name suffix and the
 * references to it; strategic-merge patches from files, `$patch: delete`
 * included), so the manifests can be checked without kubectl. Anything else
 * in a kustomization is rejected rather than ignored, so a new feature cannot
 * slip past the checks; deploy.test.ts compares the output with kubectl's when
 * kubectl is installed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A Kubernetes object as plain data. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [k: string]: unknown };
  readonly [k: string]: unknown;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The documents of a (multi-document) YAML file; empty documents are skipped; parse errors throw naming the file. */
export function loadYamlDocuments(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const out: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const value = doc.toJS() as unknown;
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

/** The Kubernetes objects in a manifest file; each must have apiVersion, kind and metadata.name. */
export function loadManifests(file: string): K8sObject[] {
  return loadYamlDocuments(file).map((doc, i) => {
    if (!isObj(doc) || typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string') {
      throw new Error(`${file} document ${i + 1}: not a Kubernetes object (apiVersion and kind)`);
    }
    if (!isObj(doc.metadata) || typeof doc.metadata.name !== 'string' || doc.metadata.name === '') {
      throw new Error(`${file} document ${i + 1}: ${doc.kind} has no metadata.name`);
    }
    return doc as unknown as K8sObject;
  });
}

/** `apps/v1` → `apps`, `v1` → ``. */
export function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Identifies an object the way kustomize does: group, kind, namespace, name. */
export function objectId(o: K8sObject): string {
  return `${apiGroup(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'configMapGenerator', 'patches']);

/** The kustomization file of a directory, or undefined. */
export function kustomizationFile(dir: string): string | undefined {
  return KUSTOMIZATION_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
}

/** A rendered kustomization: its objects and every file it read. */
export interface Rendered {
  readonly objects: readonly K8sObject[];
  readonly files: readonly string[];
}

interface Level {
  objects: K8sObject[];
  files: string[];
  /** `namespace/name` of a generated ConfigMap → its hashed name. */
  generated: Map<string, string>;
}

/** Go's json.Marshal of a string (HTML characters escaped), which kustomize's hash is taken over. */
function goJson(v: unknown): string {
  if (typeof v === 'string') {
    return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (isObj(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${goJson(k)}:${goJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * kustomize's ConfigMap name suffix: sha256 over the JSON of {data, kind,
 * name}, first 10 hex digits with 0,1,3,a,e swapped for letters. kustomize 5
 * looks the name up by the path "metadata/name" as one field name, finds
 * nothing, and hashes name "" (checked against kubectl 1.32's kustomize 5.5).
 */
export function configMapHash(data: Readonly<Record<string, string>>): string {
  const hex = createHash('sha256').update(goJson({ kind: 'ConfigMap', name: '', data })).digest('hex');
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

function generateConfigMap(dir: string, spec: unknown, level: Level): void {
  if (!isObj(spec) || typeof spec.name !== 'string') throw new Error(`${dir}: configMapGenerator entry without a name`);
  for (const k of Object.keys(spec)) {
    if (!['name', 'namespace', 'files', 'literals', 'options'].includes(k)) {
      throw new Error(`${dir}: configMapGenerator ${spec.name}: unsupported field ${k}`);
    }
  }
  const data: Record<string, string> = {};
  for (const entry of (spec.files ?? []) as string[]) {
    const [key, path] = entry.includes('=') ? entry.split('=', 2) : [basename(entry), entry];
    const file = resolve(dir, path);
    data[key] = readFileSync(file, 'utf8');
    level.files.push(file);
  }
  for (const literal of (spec.literals ?? []) as string[]) {
    const i = literal.indexOf('=');
    data[literal.slice(0, i)] = literal.slice(i + 1);
  }
  const options = (spec.options ?? {}) as Obj;
  for (const k of Object.keys(options)) {
    if (!['labels', 'annotations', 'disableNameSuffixHash'].includes(k)) {
      throw new Error(`${dir}: configMapGenerator ${spec.name}: unsupported option ${k}`);
    }
  }
  const name = options.disableNameSuffixHash ? spec.name : `${spec.name}-${configMapHash(data)}`;
  const metadata: Obj = { name };
  if (typeof spec.namespace === 'string') metadata.namespace = spec.namespace;
  if (options.labels) metadata.labels = options.labels;
  if (options.annotations) metadata.annotations = options.annotations;
  level.objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data } as unknown as K8sObject);
  level.generated.set(`${metadata.namespace ?? ''}/${spec.name}`, name);
}

/** Strategic merge patch keys of the lists deploy/ patches; other lists are replaced, as kustomize does. */
function mergeKey(field: string, items: readonly unknown[]): string | undefined {
  if (['containers', 'initContainers', 'ephemeralContainers', 'env', 'volumes', 'imagePullSecrets'].includes(field)) {
    return 'name';
  }
  if (field === 'volumeMounts') return 'mountPath';
  if (field === 'ports') return items.some((p) => isObj(p) && 'containerPort' in p) ? 'containerPort' : 'port';
  return undefined;
}

function mergeList(field: string, base: unknown[], patch: unknown[], where: string): unknown[] {
  const key = mergeKey(field, [...base, ...patch]);
  if (key === undefined) return patch;
  const out = [...base];
  for (const item of patch) {
    if (!isObj(item) || !(key in item)) throw new Error(`${where}.${field}: patch item without ${key}`);
    const i = out.findIndex((b) => isObj(b) && b[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i], item, `${where}.${field}[${String(item[key])}]`);
    else out.push(item);
  }
  return out;
}

/** Applies a strategic-merge patch: maps merge, null deletes, keyed lists merge by key. */
export function strategicMerge(base: unknown, patch: unknown, where = ''): unknown {
  if (!isObj(base) || !isObj(patch)) return patch;
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) throw new Error(`${where}: unsupported patch directive ${k}`);
    if (v === null) delete out[k];
    else if (Array.isArray(v) && Array.isArray(out[k])) out[k] = mergeList(k, out[k] as unknown[], v, where);
    else out[k] = k in out ? strategicMerge(out[k], v, `${where}.${k}`) : v;
  }
  return out;
}

function applyPatch(dir: string, spec: unknown, level: Level): void {
  if (!isObj(spec) || typeof spec.path !== 'string' || Object.keys(spec).length !== 1) {
    throw new Error(`${dir}: only patches of the form {path: FILE} (strategic merge) are supported`);
  }
  const file = resolve(dir, spec.path);
  level.files.push(file);
  for (const doc of loadYamlDocuments(file)) {
    if (!isObj(doc) || !isObj(doc.metadata)) throw new Error(`${file}: a patch names its target by kind and metadata`);
    const { $patch, ...patch } = doc;
    const meta = doc.metadata as Obj;
    const matches = level.objects.filter(
      (o) =>
        o.kind === doc.kind &&
        apiGroup(o.apiVersion) === apiGroup(String(doc.apiVersion)) &&
        o.metadata.name === meta.name &&
        (meta.namespace === undefined || (o.metadata.namespace ?? '') === meta.namespace),
    );
    const target = `${String(doc.kind)} ${meta.namespace ? `${String(meta.namespace)}/` : ''}${String(meta.name)}`;
    if (matches.length !== 1) {
      throw new Error(`${file}: the patch target ${target} matches ${matches.length} resources, want exactly 1`);
    }
    const i = level.objects.indexOf(matches[0]);
    if ($patch === 'delete') level.objects.splice(i, 1);
    else if ($patch !== undefined) throw new Error(`${file}: unsupported $patch: ${String($patch)}`);
    else level.objects[i] = strategicMerge(matches[0], patch, target) as K8sObject;
  }
}

/** The pod spec of a workload, if it has one. */
export function podSpecOf(o: K8sObject): Obj | undefined {
  const spec = o.spec as Obj | undefined;
  if (o.kind === 'Pod') return spec;
  if (o.kind === 'CronJob') return ((spec?.jobTemplate as Obj)?.spec as Obj)?.template as Obj;
  return (spec?.template as Obj | undefined)?.spec as Obj | undefined;
}

/** Points ConfigMap references in pod specs at the generated (hashed) names, as kustomize's name-reference transformer does. */
function rewriteConfigMapRefs(level: Level): void {
  for (const o of level.objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const ns = o.metadata.namespace ?? '';
    const fix = (ref: Obj | undefined) => {
      const name = ref && typeof ref.name === 'string' ? level.generated.get(`${ns}/${ref.name}`) : undefined;
      if (ref && name) ref.name = name;
    };
    for (const v of (pod.volumes ?? []) as Obj[]) {
      fix(v.configMap as Obj | undefined);
      for (const s of ((v.projected as Obj | undefined)?.sources ?? []) as Obj[]) fix(s.configMap as Obj | undefined);
    }
    for (const c of [...((pod.containers ?? []) as Obj[]), ...((pod.initContainers ?? []) as Obj[])]) {
      for (const e of (c.envFrom ?? []) as Obj[]) fix(e.configMapRef as Obj | undefined);
      for (const e of (c.env ?? []) as Obj[]) fix((e.valueFrom as Obj | undefined)?.configMapKeyRef as Obj | undefined);
    }
  }
}

function renderLevel(dir: string): Level {
  const file = kustomizationFile(dir);
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const [k] = loadYamlDocuments(file);
  if (!isObj(k)) throw new Error(`${file}: not a mapping`);
  for (const key of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(key)) throw new Error(`${file}: field ${key} is not supported by this renderer`);
  }
  const level: Level = { objects: [], files: [file], generated: new Map() };
  for (const entry of (k.resources ?? []) as string[]) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${file}: resource ${entry} does not exist`);
    if (statSync(path).isDirectory()) {
      const sub = renderLevel(path);
      level.objects.push(...sub.objects);
      level.files.push(...sub.files);
      for (const [from, to] of sub.generated) level.generated.set(from, to);
    } else {
      level.objects.push(...loadManifests(path));
      level.files.push(path);
    }
  }
  for (const spec of (k.configMapGenerator ?? []) as unknown[]) generateConfigMap(dir, spec, level);
  for (const spec of (k.patches ?? []) as unknown[]) applyPatch(dir, spec, level);
  rewriteConfigMapRefs(level);
  const seen = new Set<string>();
  for (const o of level.objects) {
    const id = objectId(o);
    if (seen.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    seen.add(id);
  }
  return level;
}

/** Renders the kustomization in `dir` (deep copies: callers may mutate the result). */
export function renderKustomization(dir: string): Rendered {
  const level = renderLevel(resolve(dir));
  return { objects: structuredClone(level.objects), files: [...new Set(level.files)] };
}
