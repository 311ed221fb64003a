/**
 * The InfluxQL usage source against a real InfluxDB 1.x (influxd on
 * 127.0.0.1, temp dir): heapster-shaped points written with line protocol in
 * the past (aligned to minutes, so nothing waits), then exact window values,
 * gaps as undefined, the memory/usage fallback, container rows filtered out,
 * namespace filters with awkward names, a non-heapster schema through
 * configuration, chunked and plain answers, basic auth, InfluxQL errors and
 * the server going away.
 *
 * The Flux source cannot meet a real InfluxDB 2.x here: it runs the real
 * client against a local stand-in for `/api/v2/query` that checks the request
 * and serves the 2.x-format answers in test/fixtures/flux/, which hold the
 * same data, so both sources must give the same PodUsage.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { isGopprofError } from '../src/errors.ts';
import { createFluxSource, createInfluxQlSource, type PodUsage, type UsageQuery } from '../src/metrics/index.ts';
import { createHeapsterDatabase, type InfluxDbServer, startInfluxDb } from './support/influxdb-server.ts';
import { requireBinary } from './support/require-binary.ts';

const MIN = 60_000;
/** Two hours ago, aligned to a minute: inside the 1 d retention policy, never "now". */
const END = Math.floor(Date.now() / MIN) * MIN - 120 * MIN;
const W0 = END - 3 * MIN;
const W1 = END - 2 * MIN;
const W2 = END - MIN;
const QUERY: UsageQuery = { end: END, windowSeconds: 60, count: 3, namespaces: [] };
const MiB = 1024 * 1024;

/** One line of line protocol, escaping as the format requires. */
function line(measurement: string, tags: Record<string, string>, value: number | string, time: number, field = 'value'): string {
  const esc = (s: string, chars: RegExp): string => s.replace(chars, (c) => `\\${c}`);
  const tagText = Object.entries(tags)
    .map(([k, v]) => `,${esc(k, /[, =]/g)}=${esc(v, /[, =]/g)}`)
    .join('');
  const fieldValue = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return `${esc(measurement, /[, ]/g)}${tagText} ${esc(field, /[, =]/g)}=${fieldValue} ${time}`;
}

function pod(namespace: string, name: string, type = 'pod'): Record<string, string> {
  return { namespace_name: namespace, pod_name: name, type, nodename: 'node-1', cluster_name: 'default' };
}

/** Heapster-shaped data for three pods, with gaps, container rows and points just outside the range. */
function heapsterLines(): string[] {
  const api = pod('team-a', 'api-1');
  const worker = pod('team-a', 'worker-0');
  const db = pod('team-b', 'db-0');
  const odd = pod("o'brien \"ns\"", 'x,y=z 1');
  return [
    // api-1: CPU mean 200 in W0 (two points), 900 in W1, nothing in W2.
    line('cpu/usage_rate', api, 100, W0),
    line('cpu/usage_rate', api, 300, W0 + 30_000),
    line('cpu/usage_rate', api, 900, W1 + 10_000),
    ...[W0, W1, W2].flatMap((w, i) => [
      line('cpu/limit', api, 1000, w),
      line('cpu/request', api, 500, w),
      line('memory/working_set', api, (i + 1) * 100 * MiB, w + 5_000),
      line('memory/usage', api, 999 * MiB, w + 5_000),
      line('memory/limit', api, 512 * MiB, w),
      line('memory/request', api, 256 * MiB, w),
    ]),
    // Its container rows and node rows must not leak in.
    line('cpu/usage_rate', { ...api, container_name: 'app', type: 'pod_container' }, 77_777, W0),
    line('cpu/usage_rate', { nodename: 'node-1', type: 'node' }, 55_555, W0),
    // Outside [W0, END): before the first window and exactly at END.
    line('cpu/usage_rate', api, 12_345, W0 - 1),
    line('cpu/usage_rate', api, 12_345, END),
    // worker-0: no working set except in W2, so memory/usage stands in for W0 and W1.
    line('memory/usage', worker, 10 * MiB, W0),
    line('memory/usage', worker, 20 * MiB, W1),
    line('memory/usage', worker, 30 * MiB, W2),
    line('memory/working_set', worker, 25 * MiB, W2),
    // db-0: CPU only, every window.
    ...[W0, W1, W2].map((w) => line('cpu/usage_rate', db, 50, w + 59_999)),
    // A namespace and pod name that need escaping everywhere.
    line('cpu/usage_rate', odd, 7, W1),
  ];
}

const EXPECTED_API: PodUsage = {
  namespace: 'team-a',
  pod: 'api-1',
  windows: [
    { start: W0, cpuUsage: 200, cpuLimit: 1000, cpuRequest: 500, memoryUsage: 100 * MiB, memoryLimit: 512 * MiB, memoryRequest: 256 * MiB },
    { start: W1, cpuUsage: 900, cpuLimit: 1000, cpuRequest: 500, memoryUsage: 200 * MiB, memoryLimit: 512 * MiB, memoryRequest: 256 * MiB },
    { start: W2, cpuLimit: 1000, cpuRequest: 500, memoryUsage: 300 * MiB, memoryLimit: 512 * MiB, memoryRequest: 256 * MiB },
  ],
};
const EXPECTED_WORKER: PodUsage = {
  namespace: 'team-a',
  pod: 'worker-0',
  windows: [
    { start: W0, memoryUsage: 10 * MiB },
    { start: W1, memoryUsage: 20 * MiB },
    { start: W2, memoryUsage: 25 * MiB },
  ],
};
const EXPECTED_DB: PodUsage = {
  namespace: 'team-b',
  pod: 'db-0',
  windows: [
    { start: W0, cpuUsage: 50 },
    { start: W1, cpuUsage: 50 },
    { start: W2, cpuUsage: 50 },
  ],
};
const EXPECTED_ODD: PodUsage = {
  namespace: "o'brien \"ns\"",
  pod: 'x,y=z 1',
  windows: [{ start: W0 }, { start: W1, cpuUsage: 7 }, { start: W2 }],
};

test('InfluxQL source against a real influxd', async (t) => {
  const binary = requireBinary(t, 'influxd');
  if (!binary) return;
  const server: InfluxDbServer = await startInfluxDb({ binary });
  t.after(() => server.stop());
  await createHeapsterDatabase(server);
  await server.write(heapsterLines().join('\n'), { db: 'k8s', rp: 'default' });

  for (const aggregation of ['client', 'server'] as const) {
    await t.test(`heapster schema, ${aggregation} aggregation: exact windows, gaps undefined, fallback, only pod rows`, async () => {
      const source = createInfluxQlSource({ url: server.url, aggregation });
      assert.deepEqual(await source.query(QUERY), [EXPECTED_ODD, EXPECTED_API, EXPECTED_WORKER, EXPECTED_DB]);
    });

    await t.test(`${aggregation} aggregation: chunked in tiny chunks and plain answers read the same`, async () => {
      const chunked = await createInfluxQlSource({ url: server.url, aggregation, chunkSize: 1 }).query(QUERY);
      const plain = await createInfluxQlSource({ url: server.url, aggregation, chunkSize: 0, method: 'GET' }).query(QUERY);
      assert.deepEqual(chunked, [EXPECTED_ODD, EXPECTED_API, EXPECTED_WORKER, EXPECTED_DB]);
      assert.deepEqual(plain, chunked);
    });

    await t.test(`${aggregation} aggregation: windows shorter than the data, ends not aligned to them`, async () => {
      const source = createInfluxQlSource({ url: server.url, aggregation });
      // 30 s windows over the last 2 minutes: api-1's W1 point (at +10 s) falls in the first.
      const short = await source.query({ end: END, windowSeconds: 30, count: 4, namespaces: ['team-a'] });
      const api = short.find((p) => p.pod === 'api-1');
      assert.deepEqual(
        api?.windows.map((w) => [w.start - W1, w.cpuUsage]),
        [
          [0, 900],
          [30_000, undefined],
          [60_000, undefined],
          [90_000, undefined],
        ],
      );
      // An end 15 s past a minute: [W0+15s, W1+15s) holds api-1's 300 and 900; the last window, its point at END.
      const shifted = await source.query({ end: END + 15_000, windowSeconds: 60, count: 3, namespaces: ['team-a'] });
      const apiShifted = shifted.find((p) => p.pod === 'api-1');
      assert.deepEqual(
        apiShifted?.windows.map((w) => [w.start - W0, w.cpuUsage]),
        [
          [15_000, 600],
          [75_000, undefined],
          [135_000, 12_345],
        ],
      );
    });
  }

  await t.test('namespace filter, including names with quotes', async () => {
    const source = createInfluxQlSource({ url: server.url });
    assert.deepEqual(await source.query({ ...QUERY, namespaces: ['team-b'] }), [EXPECTED_DB]);
    assert.deepEqual(await source.query({ ...QUERY, namespaces: ["o'brien \"ns\"", 'team-b', 'absent'] }), [EXPECTED_ODD, EXPECTED_DB]);
    assert.deepEqual(await source.query({ ...QUERY, namespaces: ['absent'] }), []);
  });

  await t.test('a non-heapster schema through configuration', async () => {
    await server.query('CREATE DATABASE "telemetry"');
    const tags = (ns: string, p: string): Record<string, string> => ({ namespace: ns, pod: p });
    await server.write(
      [
        line('pod "cpu" usage', tags('prod', 'web-0'), 250_000_000, W1, 'usage_nanocores'),
        line('pod "cpu" usage', tags('prod', 'web-0'), 750_000_000, W1 + 20_000, 'usage_nanocores'),
        line('pod mem', tags('prod', 'web-0'), 64 * MiB, W2, 'bytes'),
        line('pod limits', tags('prod', 'web-0'), 2, W2, 'cpu_cores'),
      ].join('\n'),
      { db: 'telemetry' },
    );
    const source = createInfluxQlSource({
      url: server.url,
      schema: {
        database: 'telemetry',
        retentionPolicy: '',
        measurements: {
          cpuUsage: 'pod "cpu" usage',
          cpuLimit: 'pod limits',
          cpuRequest: '',
          memoryUsage: 'pod mem',
          memoryLimit: '',
          memoryRequest: '',
          memoryUsageFallback: '',
        },
        field: 'bytes',
        fields: { cpuUsage: 'usage_nanocores', cpuLimit: 'cpu_cores' },
        scales: { cpuUsage: 1e-6, cpuLimit: 1000 },
        namespaceTag: 'namespace',
        podTag: 'pod',
        typeTag: '',
      },
    });
    assert.match(source.describe(), /db=telemetry$/);
    assert.deepEqual(await source.query(QUERY), [
      {
        namespace: 'prod',
        pod: 'web-0',
        windows: [{ start: W0 }, { start: W1, cpuUsage: 500 }, { start: W2, cpuLimit: 2000, memoryUsage: 64 * MiB }],
      },
    ]);
  });

  await t.test('an InfluxQL error is METRICS_UNAVAILABLE with InfluxDB’s message', async () => {
    const noDb = createInfluxQlSource({ url: server.url, schema: { database: 'nope' } });
    await assert.rejects(noDb.query(QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /database not found: nope/);
      return true;
    });
    const noRp = createInfluxQlSource({ url: server.url, schema: { retentionPolicy: 'weekly' } });
    await assert.rejects(noRp.query(QUERY), /retention policy not found: weekly/);
    // A string field cannot be averaged.
    await server.write(line('cpu/usage_text', pod('team-a', 'api-1'), 'high', W0), { db: 'k8s', rp: 'default' });
    const schema = { measurements: { cpuUsage: 'cpu/usage_text' } };
    await assert.rejects(createInfluxQlSource({ url: server.url, schema, aggregation: 'server' }).query(QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /influxdb answered an error: .*mean/i);
      return true;
    });
    await assert.rejects(createInfluxQlSource({ url: server.url, schema, aggregation: 'client' }).query(QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /a value is not a number: cpu\/usage_text\.value = "high"/);
      return true;
    });
  });

  await t.test('InfluxDB down: METRICS_UNAVAILABLE quickly', async () => {
    const source = createInfluxQlSource({ url: server.url, timeoutMs: 5000 });
    await server.stop();
    const t0 = performance.now();
    await assert.rejects(source.query(QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /unreachable \(ECONNREFUSED\)/);
      return true;
    });
    assert.ok(performance.now() - t0 < 4000, 'a refused connection fails at once, not at the 5 s deadline');
  });
});

test('InfluxQL source with basic auth against a real influxd', async (t) => {
  const binary = requireBinary(t, 'influxd');
  if (!binary) return;
  const password = 'pa:ss word-SECRET';
  const server = await startInfluxDb({ binary, admin: { username: 'gopprof', password } });
  t.after(() => server.stop());
  await createHeapsterDatabase(server);
  await server.write(line('cpu/usage_rate', pod('team-b', 'db-0'), 50, W2), { db: 'k8s', rp: 'default' });
  const expected = [{ namespace: 'team-b', pod: 'db-0', windows: [{ start: W0 }, { start: W1 }, { start: W2, cpuUsage: 50 }] }];

  const withOptions = createInfluxQlSource({ url: server.url, username: 'gopprof', password });
  assert.deepEqual(await withOptions.query(QUERY), expected);
  const inUrl = new URL(server.url);
  inUrl.username = 'gopprof';
  inUrl.password = encodeURIComponent(password);
  const withUrl = createInfluxQlSource({ url: inUrl.href });
  assert.deepEqual(await withUrl.query(QUERY), expected);
  assert.doesNotMatch(withUrl.describe(), /SECRET|gopprof@/);

  const wrong = createInfluxQlSource({ url: server.url, username: 'gopprof', password: 'wrong-SECRET' });
  await assert.rejects(wrong.query(QUERY), (err) => {
    assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
    assert.match(err.message, /HTTP 401: authorization failed/);
    assert.doesNotMatch(JSON.stringify({ m: err.message, d: err.details }), /SECRET/);
    return true;
  });
  const none = createInfluxQlSource({ url: server.url });
  await assert.rejects(none.query(QUERY), /HTTP 401/);
});

// ---- Flux ---------------------------------------------------------------

const FLUX_DIR = new URL('./fixtures/flux/', import.meta.url);
const FLUX_END = Date.parse('2026-11-02T10:03:00Z');
const FLUX_QUERY: UsageQuery = { end: FLUX_END, windowSeconds: 60, count: 3, namespaces: [] };
const TOKEN = 'flux-token-SECRET';

/** The PodUsage both sources must produce for the shared data, shifted to windows ending at `end`. */
function expectedAt(end: number): PodUsage[] {
  const shift = end - END;
  const at = (p: PodUsage): PodUsage => ({ ...p, windows: p.windows.map((w) => ({ ...w, start: w.start + shift })) });
  const api = at(EXPECTED_API);
  const w0 = { ...api.windows[0], cpuUsage: (100 + 300 + 300) / 3 };
  return [at(EXPECTED_ODD), { ...api, windows: [w0, api.windows[1], api.windows[2]] }, at(EXPECTED_WORKER), at(EXPECTED_DB)];
}

interface FluxRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: { query?: string; type?: string; dialect?: { annotations?: string[] } };
}

/** A stand-in for InfluxDB 2.x's /api/v2/query; `respond` decides each answer. */
async function startFluxEndpoint(
  respond: (req: FluxRequest, res: ServerResponse) => void,
): Promise<{ url: string; requests: FluxRequest[]; close(): Promise<void> }> {
  const requests: FluxRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'),
      };
      requests.push(request);
      respond(request, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function serveCsv(file: string): (req: FluxRequest, res: ServerResponse) => void {
  const body = readFileSync(new URL(file, FLUX_DIR));
  return (req, res) => {
    const ok =
      req.method === 'POST' &&
      req.url === '/api/v2/query?org=gopprof' &&
      req.headers.authorization === `Token ${TOKEN}` &&
      String(req.headers['content-type']).startsWith('application/json') &&
      typeof req.body.query === 'string';
    if (!ok) {
      res.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    res.end(body);
  };
}

test('Flux source against InfluxDB 2.x answers', async (t) => {
  await t.test('the heapster answer gives the same usage as InfluxQL, from one checked request', async () => {
    const endpoint = await startFluxEndpoint(serveCsv('heapster-usage.csv'));
    t.after(() => endpoint.close());
    const source = createFluxSource({ url: endpoint.url, org: 'gopprof', token: TOKEN });
    assert.equal(source.describe(), `flux ${endpoint.url} org=gopprof bucket=k8s/default`);
    assert.deepEqual(await source.query(FLUX_QUERY), expectedAt(FLUX_END));
    assert.equal(endpoint.requests.length, 1);
    const [req] = endpoint.requests;
    assert.equal(req.body.type, 'flux');
    assert.deepEqual(req.body.dialect?.annotations, ['datatype', 'group', 'default']);
    const query = req.body.query ?? '';
    assert.match(query, /^from\(bucket: "k8s\/default"\)\n/);
    assert.match(query, /range\(start: 2026-11-02T10:00:00\.000Z, stop: 2026-11-02T10:03:00\.000Z\)/);
    for (const m of ['cpu/usage_rate', 'cpu/limit', 'cpu/request', 'memory/working_set', 'memory/usage', 'memory/limit', 'memory/request']) {
      assert.ok(query.includes(`(r["_measurement"] == "${m}" and r["_field"] == "value")`), m);
    }
    assert.match(query, /filter\(fn: \(r\) => r\["type"\] == "pod"\)/);
    assert.doesNotMatch(query, /namespace_name"\] ==/);
    assert.match(query, /group\(columns: \["_measurement", "_field", "namespace_name", "pod_name", "type"\]\)/);
    assert.match(query, /aggregateWindow\(every: 60000ms, offset: 0ms, fn: mean, createEmpty: false, timeSrc: "_start"\)$/);
  });

  await t.test('namespaces, a bucket and names are configurable and escaped', async () => {
    const endpoint = await startFluxEndpoint(serveCsv('heapster-usage.csv'));
    t.after(() => endpoint.close());
    const source = createFluxSource({
      url: `${endpoint.url}/`,
      org: 'gopprof',
      token: TOKEN,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x} the Flux string escaping must keep inert
      bucket: 'k8s "pods" ${x}',
      schema: { namespaceTag: 'namespace_name', typeTag: '' },
    });
    await source.query({ ...FLUX_QUERY, namespaces: ['team-a', 'o"b\\c'] });
    const query = endpoint.requests[0].body.query ?? '';
    assert.match(query, /^from\(bucket: "k8s \\"pods\\" \\\$\{x\}"\)/);
    assert.ok(query.includes('filter(fn: (r) => r["namespace_name"] == "team-a" or r["namespace_name"] == "o\\"b\\\\c")'), query);
    assert.doesNotMatch(query, /r\["type"\]/);
    assert.match(query, /group\(columns: \["_measurement", "_field", "namespace_name", "pod_name"\]\)/);
  });

  await t.test('an error table in a 200 answer is METRICS_UNAVAILABLE naming it', async () => {
    const endpoint = await startFluxEndpoint(serveCsv('error-table.csv'));
    t.after(() => endpoint.close());
    const source = createFluxSource({ url: endpoint.url, org: 'gopprof', token: TOKEN });
    await assert.rejects(source.query(FLUX_QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /influxdb answered an error: runtime error .*memory allocation limit reached/);
      return true;
    });
  });

  await t.test('HTTP errors carry InfluxDB’s message, never the token', async () => {
    const endpoint = await startFluxEndpoint((req, res) => {
      if (req.headers.authorization !== `Token ${TOKEN}`) return serveCsv('heapster-usage.csv')(req, res);
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ code: 'invalid', message: 'compilation failed: error @1:1-1:5: undefined identifier from' }));
    });
    t.after(() => endpoint.close());
    const bad = createFluxSource({ url: endpoint.url, org: 'gopprof', token: TOKEN });
    await assert.rejects(bad.query(FLUX_QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /HTTP 400: compilation failed: error @1:1-1:5: undefined identifier from/);
      return true;
    });
    const wrongToken = createFluxSource({ url: endpoint.url, org: 'gopprof', token: 'wrong-SECRET' });
    await assert.rejects(wrongToken.query(FLUX_QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /HTTP 401: unauthorized access/);
      assert.doesNotMatch(JSON.stringify({ m: err.message, d: err.details, s: wrongToken.describe() }), /SECRET/);
      return true;
    });
  });

  await t.test('deadline, cancellation and an endpoint that is down', async () => {
    const endpoint = await startFluxEndpoint((_req, res) => {
      // Starts the answer, then never finishes it.
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      res.write('#datatype,string,long\r\n');
    });
    t.after(() => endpoint.close());
    const slow = createFluxSource({ url: endpoint.url, org: 'gopprof', token: TOKEN, timeoutMs: 300 });
    const t0 = performance.now();
    await assert.rejects(slow.query(FLUX_QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /no complete answer within 300 ms/);
      return true;
    });
    assert.ok(performance.now() - t0 < 2000);
    const controller = new AbortController();
    const pending = createFluxSource({ url: endpoint.url, org: 'gopprof', token: TOKEN }).query(FLUX_QUERY, controller.signal);
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, (err) => isGopprofError(err, 'ABORTED'));

    await endpoint.close();
    await assert.rejects(slow.query(FLUX_QUERY), (err) => {
      assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
      assert.match(err.message, /unreachable \(ECONNREFUSED\)/);
      return true;
    });
  });
});
