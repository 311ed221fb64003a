import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { GopprofError, isGopprofError } from '../errors.ts';
import { PROFILE_TYPES, type ProfileType } from '../targets/target.ts';
import { fetchProfile } from './fetch-profile.ts';

const FIXTURES = new URL('../../test/fixtures/profiles/', import.meta.url);
const fixture = (type: ProfileType): Buffer => readFileSync(new URL(`${type}.pb.gz`, FIXTURES));

/** Starts a real HTTP server on 127.0.0.1 for one test; closed (hard) after it. */
async function httpServer(t: TestContext, handler: http.RequestListener): Promise<{ base: string; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as net.AddressInfo;
  return { base: `http://127.0.0.1:${port}/debug/pprof`, requests };
}

/** A raw TCP server, for responses node:http would refuse to produce. */
async function tcpServer(t: TestContext, onSocket: (socket: net.Socket) => void): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    onSocket(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/debug/pprof`;
}

const target = (base: string) => ({ id: 'static/test', pprofBaseUrl: base });

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<GopprofError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}, got success`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof GopprofError, `expected a GopprofError, got ${String(err)}`);
  assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
  return err;
}

describe('fetchProfile', () => {
  it('fetches every profile type, bytes exactly as served, from the right URL', async (t) => {
    let headers: http.IncomingHttpHeaders = {};
    const { base, requests } = await httpServer(t, (req, res) => {
      headers = req.headers;
      const path = new URL(req.url ?? '', 'http://x').pathname.replace('/debug/pprof/', '');
      const type = (path === 'profile' ? 'cpu' : path) as ProfileType;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(fixture(type));
    });
    for (const type of PROFILE_TYPES) {
      const seconds = type === 'cpu' ? 1 : 0;
      const result = await fetchProfile(target(base), type, { seconds });
      assert.deepEqual(Buffer.from(result.bytes), fixture(type), type);
      assert.equal(result.status, 200);
      assert.equal(result.contentType, 'application/octet-stream');
      assert.ok(result.elapsedMs >= 0 && result.startedAt instanceof Date);
      assert.equal(result.url, `${base}/${type === 'cpu' ? 'profile?seconds=1' : type}`);
    }
    await fetchProfile(target(base), 'heap', { seconds: 7 });
    assert.deepEqual(requests, [
      '/debug/pprof/profile?seconds=1',
      '/debug/pprof/heap',
      '/debug/pprof/allocs',
      '/debug/pprof/goroutine',
      '/debug/pprof/mutex',
      '/debug/pprof/block',
      '/debug/pprof/threadcreate',
      '/debug/pprof/heap?seconds=7',
    ]);
    assert.equal(headers['accept-encoding'], 'identity');
    assert.match(String(headers['user-agent']), /^gopprof\//);
  });

  it('accepts raw (uncompressed) protobuf and chunked bodies', async (t) => {
    const raw = gunzipSync(fixture('heap'));
    const { base } = await httpServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      for (let i = 0; i < raw.length; i += 1000) res.write(raw.subarray(i, i + 1000));
      res.end();
    });
    const result = await fetchProfile(target(base), 'heap', { seconds: 0 });
    assert.deepEqual(Buffer.from(result.bytes), raw);
  });

  it('sends basic-auth credentials from the base URL but never shows them', async (t) => {
    let auth = '';
    const { base } = await httpServer(t, (req, res) => {
      auth = req.headers.authorization ?? '';
      res.writeHead(req.url?.includes('heap') ? 200 : 503).end(fixture('heap'));
    });
    const withCreds = base.replace('http://', 'http://user:s3cret@');
    const ok = await fetchProfile(target(withCreds), 'heap', { seconds: 0 });
    assert.equal(auth, `Basic ${Buffer.from('user:s3cret').toString('base64')}`);
    assert.equal(ok.url, `${base}/heap`);
    const err = await rejectsWith(fetchProfile(target(withCreds), 'mutex', { seconds: 0 }), 'FETCH_HTTP_STATUS');
    assert.doesNotMatch(`${err.message} ${JSON.stringify(err.details)}`, /s3cret|user/);
  });

  it('rejects bad arguments before any I/O', async (t) => {
    const { base, requests } = await httpServer(t, (_req, res) => res.end());
    await rejectsWith(fetchProfile(target(base), 'cpu', { seconds: 0 }), 'OPTION_INVALID');
    await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 1.5 }), 'OPTION_INVALID');
    await rejectsWith(fetchProfile(target(base), 'trace' as ProfileType, { seconds: 1 }), 'PROFILE_TYPE_INVALID');
    await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0, maxBytes: 0 }), 'OPTION_INVALID');
    await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0, userAgent: 'a\r\nx: y' }), 'OPTION_INVALID');
    await rejectsWith(fetchProfile(target('file:///etc'), 'heap', { seconds: 0 }), 'FETCH_FAILED');
    assert.equal(requests.length, 0);
  });

  it('FETCH_REFUSED when nothing listens', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    server.close();
    await once(server, 'close');
    const err = await rejectsWith(
      fetchProfile(target(`http://127.0.0.1:${port}/debug/pprof`), 'heap', { seconds: 0 }),
      'FETCH_REFUSED',
    );
    assert.equal(err.details.phase, 'connect');
  });

  it('FETCH_TIMEOUT when the target accepts and never answers', async (t) => {
    const base = await tcpServer(t, () => {});
    const err = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0, timeoutMs: 200 }), 'FETCH_TIMEOUT');
    assert.equal(err.details.phase, 'response');
    assert.equal(err.details.timeoutMs, 200);
  });

  it('the default deadline is the profile duration plus the margin', async (t) => {
    const base = await tcpServer(t, () => {});
    const err = await rejectsWith(fetchProfile(target(base), 'cpu', { seconds: 1, marginMs: 50 }), 'FETCH_TIMEOUT');
    assert.equal(err.details.timeoutMs, 1050);
  });

  it('FETCH_TIMEOUT when the body stalls half-way', async (t) => {
    const { base } = await httpServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(fixture('cpu').subarray(0, 1000));
    });
    const err = await rejectsWith(fetchProfile(target(base), 'cpu', { seconds: 1, timeoutMs: 300 }), 'FETCH_TIMEOUT');
    assert.equal(err.details.phase, 'body');
  });

  it('FETCH_RESET when the socket is destroyed mid-body', async (t) => {
    const { base } = await httpServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(fixture('cpu').subarray(0, 10_000), () => res.socket?.destroy());
    });
    await rejectsWith(fetchProfile(target(base), 'cpu', { seconds: 1 }), 'FETCH_RESET');
  });

  it('FETCH_RESET when the body is shorter than Content-Length', async (t) => {
    const body = fixture('heap');
    const base = await tcpServer(t, (socket) => {
      socket.once('data', () => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`);
        socket.end(body.subarray(0, body.length - 100));
      });
    });
    const err = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0 }), 'FETCH_RESET');
    assert.equal(err.details.contentLength, body.length);
  });

  it('FETCH_RESET when the target closes without answering', async (t) => {
    const base = await tcpServer(t, (socket) => socket.once('data', () => socket.end()));
    await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0 }), 'FETCH_RESET');
  });

  it('FETCH_NOT_PROFILE for HTML, text and JSON with status 200, with an excerpt', async (t) => {
    const bodies: Record<string, [string, string]> = {
      heap: ['text/html; charset=utf-8', '<!DOCTYPE html>\n<html><head><title>Login</title></head>\x1b[31m<body>'],
      goroutine: ['text/plain; charset=utf-8', 'goroutine profile: total 4\n1 @ 0x43a1b6 0x46a3c5\n'],
      // Text mislabelled as binary: the protobuf sniff must still catch it.
      allocs: ['application/octet-stream', 'heap profile: 1: 2 [3: 4] @ heap/1048576\n'],
      mutex: ['application/json', '{"error":"forbidden"}'],
      block: ['application/octet-stream', ''],
    };
    const { base } = await httpServer(t, (req, res) => {
      const [type, body] = bodies[(req.url ?? '').split('/').pop() ?? ''];
      res.writeHead(200, { 'content-type': type }).end(body);
    });
    for (const type of Object.keys(bodies) as ProfileType[]) {
      const err = await rejectsWith(fetchProfile(target(base), type, { seconds: 0 }), 'FETCH_NOT_PROFILE');
      assert.equal(err.details.status, 200);
      assert.ok(err.message.includes(JSON.stringify(err.details.excerpt)), err.message);
      assert.doesNotMatch(err.message, /\x1b|\n/, 'the excerpt is sanitised');
    }
    const html = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0 }), 'FETCH_NOT_PROFILE');
    assert.match(String(html.details.excerpt), /^<!DOCTYPE html> <html><head><title>Login/);
  });

  it('FETCH_NOT_PROFILE when the response declares a Content-Encoding', async (t) => {
    const { base } = await httpServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' }).end(fixture('heap'));
    });
    const err = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0 }), 'FETCH_NOT_PROFILE');
    assert.equal(err.details.contentEncoding, 'gzip');
  });

  it("FETCH_BUSY for Go's 500 'cpu profiling already in use'", async (t) => {
    const { base } = await httpServer(t, (_req, res) => {
      // Exactly what net/http/pprof's serveError writes.
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'x-go-pprof': '1' });
      res.end('Could not enable CPU profiling: cpu profiling already in use\n');
    });
    const err = await rejectsWith(fetchProfile(target(base), 'cpu', { seconds: 1 }), 'FETCH_BUSY');
    assert.equal(err.details.status, 500);
  });

  it('FETCH_HTTP_STATUS for other statuses, with a short sanitised excerpt', async (t) => {
    const { base } = await httpServer(t, (req, res) => {
      if (req.url?.includes('heap')) res.writeHead(503).end(`Service Unavailable\r\n${'x'.repeat(100_000)}`);
      else res.writeHead(500).end('failed to collect profile\n');
    });
    const unavailable = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0 }), 'FETCH_HTTP_STATUS');
    assert.equal(unavailable.details.status, 503);
    assert.match(unavailable.message, /HTTP 503: "Service Unavailable x+…"$/);
    assert.ok(unavailable.message.length < 250);
    const failed = await rejectsWith(fetchProfile(target(base), 'mutex', { seconds: 0 }), 'FETCH_HTTP_STATUS');
    assert.equal(failed.details.excerpt, 'failed to collect profile');
  });

  it('does not follow a redirect', async (t) => {
    const elsewhere = await httpServer(t, (_req, res) => res.end(fixture('heap')));
    const { base } = await httpServer(t, (_req, res) => {
      res.writeHead(302, { location: `${elsewhere.base.replace('http://', 'http://admin:pw@')}/heap` }).end();
    });
    const err = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0 }), 'FETCH_HTTP_STATUS');
    assert.equal(err.details.status, 302);
    assert.equal(err.details.redirect, true);
    assert.equal(err.details.location, `${elsewhere.base}/heap`);
    assert.equal(elsewhere.requests.length, 0);
  });

  it('FETCH_TOO_LARGE from Content-Length before reading the body', async (t) => {
    let written = 0;
    const base = await tcpServer(t, (socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\n\r\n');
        const chunk = Buffer.alloc(64 * 1024);
        const pump = (): void => {
          while (!socket.destroyed && socket.write(chunk)) written += chunk.length;
          if (!socket.destroyed) socket.once('drain', pump);
        };
        pump();
      });
    });
    const err = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0, maxBytes: 1 << 20 }), 'FETCH_TOO_LARGE');
    assert.equal(err.details.contentLength, 10737418240);
    assert.ok(written < 64 << 20, `the server got to write ${written} bytes`);
  });

  it('FETCH_TOO_LARGE as soon as a streamed body passes the cap, and the connection is closed', async (t) => {
    let written = 0;
    const closed = Promise.withResolvers<void>();
    const { base } = await httpServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('close', () => closed.resolve());
      pump();
    });
    const maxBytes = 4 << 20;
    const err = await rejectsWith(fetchProfile(target(base), 'heap', { seconds: 0, maxBytes }), 'FETCH_TOO_LARGE');
    assert.equal(err.details.maxBytes, maxBytes);
    await closed.promise;
    // Socket buffers on both sides hold a few MiB at most: far from an unbounded read.
    assert.ok(written < maxBytes + (32 << 20), `the server got to write ${written} bytes`);
  });

  it('ABORTED when the signal fires mid-transfer, and the connection is closed', async (t) => {
    const controller = new AbortController();
    const closed = Promise.withResolvers<void>();
    const { base } = await httpServer(t, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(fixture('cpu').subarray(0, 5000), () => controller.abort());
      res.on('close', () => closed.resolve());
    });
    await rejectsWith(fetchProfile(target(base), 'cpu', { seconds: 30, signal: controller.signal }), 'ABORTED');
    await closed.promise;
  });

  it('rejects at once, without connecting, when the signal is already aborted', async (t) => {
    const { base, requests } = await httpServer(t, (_req, res) => res.end(fixture('heap')));
    const reason = new GopprofError('TARGET_GONE', 'pod deleted');
    const err = await fetchProfile(target(base), 'heap', { seconds: 0, signal: AbortSignal.abort(reason) }).catch(
      (e: unknown) => e,
    );
    assert.equal(err, reason, 'a typed abort reason is passed through');
    assert.ok(isGopprofError(err, 'TARGET_GONE'));
    assert.equal(requests.length, 0);
  });
});

/**
 * A loopback port whose accept queue is full, so a new connection's SYN goes
 * unanswered as with an unreachable pod: a child process listens with a tiny
 * backlog and then blocks its event loop (without spinning) so that it never
 * accepts; the test fills the queue itself.
 */
async function unacceptingPort(t: TestContext): Promise<number> {
  const script = `
    const server = require('node:net').createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      require('node:fs').writeSync(1, server.address().port + '\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30000);
      process.exit(0);
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(String(line).trim());
  // Fill the queue (its length depends on the kernel) until a connect hangs.
  for (let i = 0; i < 8; i++) {
    const filler = net.connect(port, '127.0.0.1');
    filler.on('error', () => {});
    t.after(() => filler.destroy());
    const connected = await Promise.race([once(filler, 'connect').then(() => true), sleep(300).then(() => false)]);
    if (!connected) return port;
  }
  throw new Error('could not fill the accept queue');
}

describe('fetchProfile connect timeout', () => {
  it('FETCH_TIMEOUT in the connect phase when the SYN goes unanswered', async (t) => {
    if (process.platform !== 'linux') return t.skip('relies on Linux dropping SYNs to a full accept queue');
    const port = await unacceptingPort(t);
    const err = await rejectsWith(
      fetchProfile(target(`http://127.0.0.1:${port}/debug/pprof`), 'heap', { seconds: 0, connectTimeoutMs: 300 }),
      'FETCH_TIMEOUT',
    );
    assert.equal(err.details.phase, 'connect');
    assert.equal(err.details.timeoutMs, 300);
  });
});
