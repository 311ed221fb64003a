import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { createInfluxQlSource } from './create-influxql-source.ts';
import { createPrometheusSource } from './create-prometheus-source.ts';
import { metricsEndpoint } from './metrics-endpoint.ts';
import { metricsRequest } from './metrics-request.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

async function serve(t: TestContext, handler: (seen: Seen, res: ServerResponse) => void): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (s: string) => {
      body += s;
    });
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const QUERY = { end: 1_800_000, windowSeconds: 60, count: 3, namespaces: [] };
const json = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

test('endpoint: URL credentials become basic auth and never show', () => {
  const e = metricsEndpoint('http://user:p%40ss-SECRET@example.test:8086/prefix/?x=1#f', {}, 'Token');
  assert.equal(e.base, 'http://example.test:8086/prefix');
  assert.equal(e.shown, 'http://example.test:8086/prefix');
  assert.equal(e.headers.authorization, `Basic ${Buffer.from('user:p@ss-SECRET').toString('base64')}`);
  assert.equal(metricsEndpoint('http://h/', { token: 't', tokenScheme: 'Bearer' }, 'Token').headers.authorization, 'Bearer t');
  assert.throws(() => metricsEndpoint('ftp://h/', {}, 'Token'), (err) => isGopprofError(err, 'OPTION_INVALID'));
  assert.throws(() => metricsEndpoint('http://h/', { headers: { x: 'a\r\nb' } }, 'Token'), /CR, LF/);
});

test('endpoint: a URL password with a stray "%" is OPTION_INVALID naming the problem, without the password', () => {
  assert.throws(
    () => metricsEndpoint('http://user:50%off-SECRET@example.test:8086', {}, 'Token'),
    (err) => isGopprofError(err, 'OPTION_INVALID') && /user or password/.test(err.message) && !err.message.includes('SECRET'),
  );
});

test('InfluxQL sends a token as `Token`, Prometheus as `Bearer`; both POST a form', async (t) => {
  const { url, seen } = await serve(t, (s, res) => {
    if (s.url.startsWith('/query')) json(res, 200, { results: [] });
    else json(res, 200, { status: 'success', data: { resultType: 'matrix', result: [] } });
  });
  assert.deepEqual(await createInfluxQlSource({ url, token: 'influx-SECRET' }).query(QUERY), []);
  assert.deepEqual(await createPrometheusSource({ url, token: 'prom-SECRET' }).query(QUERY), []);
  assert.equal(seen[0].headers.authorization, 'Token influx-SECRET');
  assert.equal(seen[0].headers['content-type'], 'application/x-www-form-urlencoded');
  const influxForm = new URLSearchParams(seen[0].body);
  assert.equal(influxForm.get('db'), 'k8s');
  assert.equal(influxForm.get('epoch'), 'ms');
  assert.equal(influxForm.get('chunked'), 'true');
  assert.equal(seen[1].url, '/api/v1/query_range');
  assert.equal(seen[1].headers.authorization, 'Bearer prom-SECRET');
  const promForm = new URLSearchParams(seen[1].body);
  assert.deepEqual([promForm.get('start'), promForm.get('end'), promForm.get('step'), promForm.get('timeout')], ['1680', '1800', '60', '10000ms']);
});

test('HTTP errors carry the backend message; a 200 Prometheus error too', async (t) => {
  const { url } = await serve(t, (s, res) => {
    if (s.url.startsWith('/query')) json(res, 401, { error: 'authorization failed' });
    else if (s.body.includes('step=60')) json(res, 503, { message: 'service unavailable: shutting down' });
    else json(res, 200, { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' });
  });
  await assert.rejects(createInfluxQlSource({ url }).query(QUERY), /HTTP 401: authorization failed$/);
  await assert.rejects(createPrometheusSource({ url }).query(QUERY), /HTTP 503: service unavailable: shutting down$/);
  await assert.rejects(createPrometheusSource({ url }).query({ ...QUERY, windowSeconds: 30, end: 1_800_000 }), (err) => {
    assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
    assert.match(err.message, /prometheus answered an error: query timed out/);
    return true;
  });
});

test('deadline covers a body that never ends; abort is ABORTED; nothing listening is unreachable', async (t) => {
  const { url } = await serve(t, (_s, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"results":[{"statement_id":0,');
  });
  const endpoint = metricsEndpoint(url, {}, 'Token');
  const request = { what: 'test', endpoint, path: '/x', method: 'GET' as const, params: new URLSearchParams(), accept: '*/*', fetch };
  const t0 = performance.now();
  await assert.rejects(metricsRequest({ ...request, timeoutMs: 200 }, (res) => res.text()), (err) => {
    assert.ok(isGopprofError(err, 'METRICS_UNAVAILABLE'));
    assert.match(err.message, /no complete answer within 200 ms/);
    return true;
  });
  assert.ok(performance.now() - t0 < 1500);

  const controller = new AbortController();
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(
    metricsRequest({ ...request, timeoutMs: 10_000, signal: controller.signal }, (res) => res.text()),
    (err) => isGopprofError(err, 'ABORTED'),
  );
  await assert.rejects(
    createInfluxQlSource({ url }).query(QUERY, AbortSignal.abort()),
    (err) => isGopprofError(err, 'ABORTED'),
  );

  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  await assert.rejects(createPrometheusSource({ url: `http://127.0.0.1:${port}` }).query(QUERY), /unreachable \(ECONNREFUSED\)/);
});
