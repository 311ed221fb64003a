// The capture use case against a real Go program serving net/http/pprof, a
// real local store and the real WASM renderer: every profile type is fetched,
// analysed, rendered and stored; identical CPU requests share one fetch;
// failures keep the evidence and say what went wrong.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCaptureService } from '../src/capture/capture-service.ts';
import { isGopprofError } from '../src/errors.ts';
import { fetchProfile } from '../src/fetch/index.ts';
import { decodeProfile } from '../src/pprof/index.ts';
import { createRenderer, type Renderer } from '../src/render/index.ts';
import type { ObjectStore } from '../src/storage/index.ts';
import { createStaticTargetRegistry, PROFILE_TYPES } from '../src/targets/index.ts';
import { createTestLocalStore, testCaptureDeps } from './support/capture-service.ts';
import { checkWellFormedXml } from './support/check-well-formed-xml.ts';
import { GO_TARGET_HOT_FUNCTIONS as HOT, type GoTarget, startGoTarget } from './support/go-target.ts';
import { skipWithoutBinaries } from './support/require-binary.ts';

describe('capture service with a real Go target', { skip: skipWithoutBinaries('go') }, () => {
  let go: GoTarget;
  let renderer: Renderer;
  let fakeServer: ReturnType<typeof createServer>;
  let fakeUrl: string;
  let fakeBody: { type: string; body: Uint8Array } = { type: 'text/html', body: new TextEncoder().encode('<html>oops</html>') };

  before(async () => {
    go = await startGoTarget();
    renderer = createRenderer({ poolSize: 1 });
    fakeServer = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': fakeBody.type });
      res.end(fakeBody.body);
    });
    await new Promise<void>((r) => fakeServer.listen(0, '127.0.0.1', r));
    fakeUrl = `http://127.0.0.1:${(fakeServer.address() as AddressInfo).port}/debug/pprof`;
  });
  after(async () => {
    await go?.stop();
    await renderer?.stop();
    fakeServer?.close();
  });

  async function setup(fetchCount?: { n: number }, store?: ObjectStore) {
    const root = await mkdtemp(join(tmpdir(), 'gopprof-capture-'));
    const st = store ?? createTestLocalStore(root);
    const targets = createStaticTargetRegistry([
      { name: 'go', url: `${go.url}/debug/pprof`, labels: { app: 'go' }, owner: 'team-go' },
      { name: 'closed', url: 'http://127.0.0.1:1/debug/pprof', labels: {}, owner: '' },
      { name: 'fake', url: fakeUrl, labels: {}, owner: '' },
    ]);
    const deps = testCaptureDeps({
      targets,
      renderer,
      store: st,
      fetch: (target, type, options) => {
        if (fetchCount) fetchCount.n++;
        return fetchProfile(target, type, options);
      },
    });
    return { service: createCaptureService(deps), store: st, deps };
  }

  test('every profile type is captured, stored, rendered and summarised', async () => {
    const { service, store } = await setup();
    for (const type of PROFILE_TYPES) {
      const c = await service.profile({ targetId: 'go', type, seconds: type === 'cpu' ? 1 : 0 });
      assert.equal(c.status, 'ok', `${type}: ${c.error?.message}`);
      assert.equal(c.targetId, 'static/go');
      assert.equal(c.type, type);
      const raw = await store.get(c.artifacts.profile!.key);
      const profile = decodeProfile(raw);
      assert.ok(profile.sampleTypes.length > 0, `${type}: stored profile decodes`);
      const svg = new TextDecoder().decode(await store.get(c.artifacts.svg!.key));
      checkWellFormedXml(svg);
      assert.match(svg, /<svg/);
      assert.ok(svg.includes(HOT[type]), `${type}: SVG names ${HOT[type]}`);
      const dot = new TextDecoder().decode(await store.get(c.artifacts.dot!.key));
      assert.match(dot, /^digraph "gotarget" \{/);
      assert.ok(
        c.summary!.top.some((f) => f.name === HOT[type]) || !['cpu', 'heap', 'allocs'].includes(type),
        `${type}: summary lists ${HOT[type]}: ${c.summary!.top.map((f) => f.name).join(', ')}`,
      );
      assert.equal(c.artifacts.svg!.url, `http://gopprof.test:8078/artifacts/${c.artifacts.svg!.key}`);
      assert.deepEqual(await service.get(c.id), c);
    }
    const page = await service.list({ pageSize: 3 });
    assert.equal(page.captures.length, 3);
    assert.ok(page.nextPageToken);
    const rest = await service.list({ pageSize: 10, pageToken: page.nextPageToken });
    assert.equal(rest.captures.length, PROFILE_TYPES.length - 3);
    assert.deepEqual(
      (await service.list({ type: 'heap' })).captures.map((c) => c.type),
      ['heap'],
    );
    const status = service.targets().find((s) => s.target.id === 'static/go')!;
    assert.ok(status.lastCaptureId);
    assert.equal(status.lastError, undefined);
  });

  test('50 concurrent requests for one CPU profile make one fetch and one capture', async () => {
    const count = { n: 0 };
    const { service } = await setup(count);
    const all = await Promise.all(
      Array.from({ length: 50 }, () => service.profile({ targetId: 'static/go', type: 'cpu', seconds: 1 })),
    );
    assert.equal(count.n, 1);
    assert.equal(new Set(all.map((c) => c.id)).size, 1);
    assert.equal(all[0].status, 'ok');
  });

  test('records survive a restart: a new service on the same store lists them', async () => {
    const first = await setup();
    const c = await first.service.profile({ targetId: 'go', type: 'goroutine', seconds: 0 });
    const second = await setup(undefined, first.store);
    const listed = await second.service.list({ targetId: 'static/go' });
    assert.deepEqual(listed.captures.map((x) => x.id), [c.id]);
  });

  test('failures are typed, recorded on the target, and keep what was captured', async () => {
    const { service, store } = await setup();
    await assert.rejects(service.profile({ targetId: 'http://169.254.169.254/', type: 'heap', seconds: 0 }), (e: unknown) =>
      isGopprofError(e, 'TARGET_UNKNOWN'),
    );
    await assert.rejects(service.profile({ targetId: 'go', type: 'cpu', seconds: 31 }), /exceeds the limit of 30/);
    await assert.rejects(service.profile({ targetId: 'closed', type: 'heap', seconds: 0 }), (e: unknown) =>
      isGopprofError(e, 'FETCH_REFUSED'),
    );
    const closed = service.targets().find((s) => s.target.name === 'closed')!;
    assert.equal(closed.lastError?.code, 'FETCH_REFUSED');

    fakeBody = { type: 'text/html', body: new TextEncoder().encode('<html><body>502 Bad Gateway</body></html>') };
    await assert.rejects(service.profile({ targetId: 'fake', type: 'heap', seconds: 0 }), (e: unknown) =>
      isGopprofError(e, 'FETCH_NOT_PROFILE'),
    );

    // A body that looks like a gzip profile but is corrupt: the raw bytes are kept.
    const corrupt = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5]);
    fakeBody = { type: 'application/octet-stream', body: corrupt };
    let captureId = '';
    await assert.rejects(service.profile({ targetId: 'fake', type: 'heap', seconds: 0 }), (e: unknown) => {
      assert.ok(isGopprofError(e, 'PROFILE_GZIP_CORRUPT'), String(e));
      captureId = String(e.details.captureId);
      return true;
    });
    const failed = await service.get(captureId);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.code, 'PROFILE_GZIP_CORRUPT');
    assert.deepEqual(await store.get(failed.artifacts.profile!.key), corrupt);
  });

  test('profileMany streams every record, failed ones included', async () => {
    const { service } = await setup();
    const seen: string[] = [];
    for await (const c of service.profileMany(
      [
        { targetId: 'go', type: 'heap', seconds: 0 },
        { targetId: 'closed', type: 'heap', seconds: 0 },
        { targetId: 'go', type: 'goroutine', seconds: 0 },
      ],
      { concurrency: 2 },
    )) {
      seen.push(`${c.targetName}:${c.type}:${c.status}`);
    }
    assert.deepEqual(seen.sort(), ['closed:heap:failed', 'go:goroutine:ok', 'go:heap:ok']);
  });
});
