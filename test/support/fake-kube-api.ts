/**
 * A fake Kubernetes API server for pods: a node:http server on 127.0.0.1:0
 * that speaks the real list and watch JSON, so the real @kubernetes/client-node
 * informer (and anything else, such as an RBAC check) can run against it.
 *
 * - `GET /api/v1/pods` and `/api/v1/namespaces/{ns}/pods` answer a `PodList`
 *   (`kind`, `apiVersion`, `metadata.resourceVersion`, `items`).
 * - `?watch=true&resourceVersion=N` streams `{"type","object"}` lines (ADDED,
 *   MODIFIED, DELETED, BOOKMARK, ERROR) from N onwards; a resourceVersion older
 *   than the compacted history answers an ERROR event carrying a 410 Expired
 *   Status, exactly as a real API server does, then ends the stream.
 * - `GET /api/v1/namespaces/{ns}/pods/{name}` answers the pod or a 404 Status.
 * - `labelSelector` (equality, `!=`, existence) and `fieldSelector`
 *   (`metadata.name`, `metadata.namespace`, `status.phase`, `status.podIP`) are
 *   honoured; on a watch an object leaving the selection is a DELETED event.
 * - Every request needs `Authorization: Bearer <token>` (401 otherwise) and is
 *   recorded, so tests can check which API calls a client made.
 * - Tests mutate pods (`addPod`, `modifyPod`, `deletePod`), end watches
 *   cleanly, drop them abruptly, expire them (410), or fail requests.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/** Plain pod JSON as the API server sends it (only what tests need is typed). */
export interface FakePod {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  };
  spec: { containers: { name: string; image?: string; ports?: { name?: string; containerPort: number; protocol?: string }[] }[] };
  status: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string }[];
  };
}

/** One request the fake saw. */
export interface FakeKubeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** 'list', 'watch' or 'get', as RBAC names the verb. */
  readonly verb: string;
  readonly authorized: boolean;
  /** performance.now() when it arrived. */
  readonly at: number;
}

/** A canned failure for the next matching requests. */
export interface FakeFailure {
  readonly verb: 'list' | 'watch' | 'get';
  readonly status: number;
  /** How many requests fail; default 1. */
  readonly times?: number;
}

export interface FakeKubeApi {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly token: string;
  /** Every request seen so far, oldest first. */
  readonly requests: readonly FakeKubeRequest[];
  /** Watches streaming now. */
  openWatches(): number;
  /** Stores a pod (uid, resourceVersion and creationTimestamp filled in) and streams ADDED. */
  addPod(pod: FakePod): FakePod;
  /** Changes a pod in place and streams MODIFIED. */
  modifyPod(namespace: string, name: string, change: (pod: FakePod) => void): FakePod;
  /**
   * Removes a pod and streams DELETED; `silent` skips the event, as if the
   * client missed it (what a periodic resync repairs).
   */
  deletePod(namespace: string, name: string, options?: { silent?: boolean }): void;
  /** The stored pod, if any. */
  pod(namespace: string, name: string): FakePod | undefined;
  /** The current resourceVersion. */
  resourceVersion(): number;
  /** Streams a BOOKMARK at the current resourceVersion to every watch. */
  bookmark(): void;
  /** Ends every watch stream cleanly (as an API server's watch timeout does). */
  endWatches(): number;
  /** Destroys every watch connection abruptly (a dropped TCP connection). */
  dropWatches(): number;
  /**
   * Forgets the event history up to now: open watches get an ERROR 410
   * Expired event and end, and a watch from an older resourceVersion is expired.
   */
  expireWatches(): number;
  /** Makes the next matching requests fail with an HTTP status and a Status body. */
  fail(failure: FakeFailure): void;
  /** Writes a kubeconfig pointing at this server (http, skip TLS verify, token user); returns its path. */
  writeKubeconfig(dir: string): Promise<string>;
  close(): Promise<void>;
}

interface WatchEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: FakePod;
  /** The object before a MODIFIED event, for selector transitions. */
  readonly previous?: FakePod;
}

interface Watcher {
  readonly namespace: string;
  readonly matches: (pod: FakePod) => boolean;
  readonly res: ServerResponse;
  readonly socket: Socket;
}

const clone = <T>(v: T): T => structuredClone(v);

function status(code: number, reason: string, message: string): object {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** Equality-based label selector and the pod fields a real server supports, enough for tests. */
function selectorMatcher(labelSelector: string, fieldSelector: string): (pod: FakePod) => boolean {
  const terms = (s: string) =>
    s
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean)
      .map((t) => {
        const m = /^(!?)([^!=]+?)\s*(?:(==|=|!=)\s*(.*))?$/.exec(t);
        if (!m) throw new Error(`unsupported selector term ${t}`);
        return { absent: m[1] === '!', key: m[2], op: m[3], value: m[4] };
      });
  const check = (get: (key: string) => string | undefined, t: ReturnType<typeof terms>[number]) => {
    const v = get(t.key);
    if (t.absent) return v === undefined;
    if (t.op === undefined) return v !== undefined;
    return t.op === '!=' ? v !== t.value : v === t.value;
  };
  const labels = terms(labelSelector);
  const fields = terms(fieldSelector);
  const field = (pod: FakePod, key: string): string | undefined => {
    if (key === 'metadata.name') return pod.metadata.name;
    if (key === 'metadata.namespace') return pod.metadata.namespace;
    if (key === 'status.phase') return pod.status.phase ?? '';
    if (key === 'status.podIP') return pod.status.podIP ?? '';
    throw new Error(`unsupported field selector ${key}`);
  };
  return (pod) =>
    labels.every((t) => check((k) => pod.metadata.labels?.[k], t)) && fields.every((t) => check((k) => field(pod, k), t));
}

/** Starts the fake API server on 127.0.0.1 and a free port. */
export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const token = `fake-token-${randomUUID()}`;
  const pods = new Map<string, FakePod>();
  const history: WatchEvent[] = [];
  const watchers = new Set<Watcher>();
  const requests: FakeKubeRequest[] = [];
  const failures: { verb: string; status: number; left: number }[] = [];
  let rv = 100;
  /** Watches from a resourceVersion below this are expired (410). */
  let compactedRv = rv;

  const key = (ns: string, name: string) => `${ns}/${name}`;
  const send = (w: Watcher, line: object) => {
    if (!w.res.writableEnded && !w.res.destroyed) w.res.write(`${JSON.stringify(line)}\n`);
  };
  const finish = (w: Watcher) => {
    watchers.delete(w);
    w.res.end();
  };

  function deliver(w: Watcher, e: WatchEvent): void {
    if (w.namespace && e.object.metadata.namespace !== w.namespace) return;
    const now = w.matches(e.object);
    const before = e.previous ? w.matches(e.previous) : e.type !== 'ADDED' && now;
    if (e.type === 'MODIFIED') {
      if (now && before) send(w, { type: 'MODIFIED', object: e.object });
      else if (now) send(w, { type: 'ADDED', object: e.object });
      else if (before) send(w, { type: 'DELETED', object: e.object });
    } else if (now) send(w, { type: e.type, object: e.object });
  }

  function record(type: WatchEvent['type'], object: FakePod, previous?: FakePod): void {
    const e: WatchEvent = { rv, type, object: clone(object), ...(previous ? { previous } : {}) };
    history.push(e);
    for (const w of watchers) deliver(w, e);
  }

  function answer(res: ServerResponse, code: number, body: object): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function takeFailure(verb: string): number | undefined {
    const f = failures.find((x) => x.verb === verb && x.left > 0);
    if (!f) return undefined;
    f.left--;
    return f.status;
  }

  function startWatch(req: IncomingMessage, res: ServerResponse, namespace: string, matches: (p: FakePod) => boolean, query: URLSearchParams) {
    const from = query.get('resourceVersion') ?? '';
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    const w: Watcher = { namespace, matches, res, socket: req.socket };
    if (from !== '' && from !== '0' && Number(from) < compactedRv) {
      send(w, {
        type: 'ERROR',
        object: status(410, 'Expired', `too old resource version: ${from} (${compactedRv})`),
      });
      res.end();
      return;
    }
    if (from === '' || from === '0') {
      for (const p of pods.values()) deliver(w, { rv, type: 'ADDED', object: p });
    } else {
      for (const e of history) if (e.rv > Number(from)) deliver(w, e);
    }
    watchers.add(w);
    res.on('close', () => watchers.delete(w));
    const timeout = Number(query.get('timeoutSeconds') ?? 0);
    if (timeout > 0) {
      const timer = setTimeout(() => finish(w), timeout * 1000);
      res.on('close', () => clearTimeout(timer));
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = url.searchParams;
    const collection = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods$/.exec(url.pathname);
    const single = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(url.pathname);
    const verb = collection ? (query.get('watch') === 'true' || query.get('watch') === '1' ? 'watch' : 'list') : single ? 'get' : 'unknown';
    const authorized = req.headers.authorization === `Bearer ${token}`;
    requests.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(query), verb, authorized, at: performance.now() });
    if (!authorized) return answer(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    if (req.method !== 'GET') return answer(res, 405, status(405, 'MethodNotAllowed', `${req.method} is not supported`));
    if (verb === 'unknown') return answer(res, 404, status(404, 'NotFound', `the server could not find ${url.pathname}`));
    const failed = takeFailure(verb);
    if (failed !== undefined) return answer(res, failed, status(failed, 'InternalError', `injected failure of ${verb}`));
    if (single) {
      const pod = pods.get(key(decodeURIComponent(single[1]), decodeURIComponent(single[2])));
      if (!pod) return answer(res, 404, status(404, 'NotFound', `pods "${single[2]}" not found`));
      return answer(res, 200, pod);
    }
    const namespace = decodeURIComponent(collection?.[1] ?? '');
    let matches: (p: FakePod) => boolean;
    try {
      matches = selectorMatcher(query.get('labelSelector') ?? '', query.get('fieldSelector') ?? '');
    } catch (err) {
      return answer(res, 400, status(400, 'BadRequest', (err as Error).message));
    }
    if (verb === 'watch') return startWatch(req, res, namespace, matches, query);
    const items = [...pods.values()].filter((p) => (!namespace || p.metadata.namespace === namespace) && matches(p));
    answer(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    requests,
    openWatches: () => watchers.size,
    addPod(input) {
      const pod = clone(input);
      const k = key(pod.metadata.namespace, pod.metadata.name);
      if (pods.has(k)) throw new Error(`pod ${k} exists`);
      rv++;
      pod.apiVersion = 'v1';
      pod.kind = 'Pod';
      pod.metadata.uid ??= randomUUID();
      pod.metadata.resourceVersion = String(rv);
      pod.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      pods.set(k, pod);
      record('ADDED', pod);
      return clone(pod);
    },
    modifyPod(namespace, name, change) {
      const pod = pods.get(key(namespace, name));
      if (!pod) throw new Error(`no pod ${namespace}/${name}`);
      const previous = clone(pod);
      change(pod);
      rv++;
      pod.metadata.resourceVersion = String(rv);
      record('MODIFIED', pod, previous);
      return clone(pod);
    },
    deletePod(namespace, name, options = {}) {
      const pod = pods.get(key(namespace, name));
      if (!pod) throw new Error(`no pod ${namespace}/${name}`);
      pods.delete(key(namespace, name));
      rv++;
      pod.metadata.resourceVersion = String(rv);
      if (!options.silent) record('DELETED', pod);
    },
    pod: (namespace, name) => {
      const p = pods.get(key(namespace, name));
      return p && clone(p);
    },
    resourceVersion: () => rv,
    bookmark() {
      for (const w of watchers) send(w, { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: String(rv) } } });
    },
    endWatches() {
      const n = watchers.size;
      for (const w of [...watchers]) finish(w);
      return n;
    },
    dropWatches() {
      const n = watchers.size;
      for (const w of [...watchers]) {
        watchers.delete(w);
        w.socket.destroy();
      }
      return n;
    },
    expireWatches() {
      compactedRv = ++rv;
      history.length = 0;
      const n = watchers.size;
      for (const w of [...watchers]) {
        send(w, { type: 'ERROR', object: status(410, 'Expired', 'The resourceVersion for the provided watch is too old.') });
        finish(w);
      }
      return n;
    },
    fail(f) {
      failures.push({ verb: f.verb, status: f.status, left: f.times ?? 1 });
    },
    async writeKubeconfig(dir) {
      const file = join(dir, 'kubeconfig');
      const text = [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: fake',
        '  cluster:',
        `    server: ${url}`,
        '    insecure-skip-tls-verify: true',
        'users:',
        '- name: fake',
        '  user:',
        `    token: ${token}`,
        'contexts:',
        '- name: fake',
        '  context:',
        '    cluster: fake',
        '    user: fake',
        '    namespace: default',
        'current-context: fake',
        '',
      ].join('\n');
      await writeFile(file, text, { mode: 0o600 });
      return file;
    },
    async close() {
      for (const w of [...watchers]) finish(w);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** What `makePod` needs; everything else gets a realistic default. */
export interface PodSpecInput {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly ip?: string;
  readonly ready?: boolean;
  readonly phase?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly ports?: { name?: string; containerPort: number; protocol?: string }[];
  /** e.g. `{ kind: 'ReplicaSet', name: 'api-5d8f9c' }`; a controller reference is made from it. */
  readonly owner?: { kind: string; name: string };
}

/** A pod as a real API server would return it, for tests. */
export function makePod(p: PodSpecInput): FakePod {
  const ready = p.ready ?? true;
  const ip = p.ip ?? '127.0.0.1';
  const owner = p.owner;
  const apiVersion = owner && ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Deployment'].includes(owner.kind) ? 'apps/v1' : owner?.kind === 'Job' ? 'batch/v1' : 'v1';
  return {
    metadata: {
      name: p.name,
      namespace: p.namespace,
      ...(p.uid ? { uid: p.uid } : {}),
      labels: { ...(p.labels ?? {}) },
      annotations: { ...(p.annotations ?? {}) },
      ...(owner ? { ownerReferences: [{ apiVersion, kind: owner.kind, name: owner.name, uid: randomUUID(), controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'app', image: 'example/app:1', ports: p.ports ?? [] }] },
    status: {
      phase: p.phase ?? 'Running',
      ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}),
      conditions: [
        { type: 'Initialized', status: 'True' },
        { type: 'Ready', status: ready ? 'True' : 'False' },
        { type: 'ContainersReady', status: ready ? 'True' : 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
    },
  };
}
