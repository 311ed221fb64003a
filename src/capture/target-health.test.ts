import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTargetHealth } from './target-health.ts';

test('health of targets that are gone is dropped once the map outgrows the live set; live targets keep theirs', () => {
  const live = new Set<string>();
  const health = createTargetHealth(() => live, 8);
  // 1000 pods come and go, two at a time, each with a capture and a note.
  for (let i = 0; i < 1000; i++) {
    const id = `pod/shop/api-${i}/uid-${i}`;
    live.add(id);
    if (live.size > 2) live.delete(`pod/shop/api-${i - 2}/uid-${i - 2}`);
    health.update(id, (h) => {
      h.lastCaptureId = `capture-${i}`;
      h.note = 'no cpu limit';
    });
    assert.ok(health.size <= 9, `${health.size} entries held for ${live.size} live targets`);
  }
  assert.equal(health.get('pod/shop/api-999/uid-999')?.lastCaptureId, 'capture-999');
  assert.equal(health.get('pod/shop/api-998/uid-998')?.note, 'no cpu limit');
});

test('a live set larger than the threshold is kept whole, and the threshold follows it', () => {
  const live = new Set(Array.from({ length: 20 }, (_, i) => `static/t${i}`));
  const health = createTargetHealth(() => live, 8);
  for (const id of live) {
    health.update(id, (h) => {
      h.note = 'n';
    });
  }
  assert.equal(health.size, 20);
  for (const id of live) assert.equal(health.get(id)?.note, 'n');
});

test('clearNote drops a note and creates no entry', () => {
  const health = createTargetHealth(() => []);
  health.clearNote('static/none');
  assert.equal(health.size, 0);
  health.update('static/a', (h) => {
    h.note = 'x';
    h.lastCaptureId = 'c';
  });
  health.clearNote('static/a');
  assert.deepEqual(health.get('static/a'), { lastCaptureId: 'c' });
});
