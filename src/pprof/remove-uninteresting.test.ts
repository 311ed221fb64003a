import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProfile, readStacks } from '../../test/support/make-profile.ts';
import { removeUninteresting, simplifyFunc } from './remove-uninteresting.ts';

test('drop_frames prunes matching frames and what they call, below the first user frame', () => {
  const p = makeProfile({
    dropFrames: 'malloc|operator new.*',
    keepFrames: 'malloc_keep',
    samples: [
      { stack: ['main', 'work', 'operator new(unsigned long)', 'malloc', 'mmap'], values: [1] },
      { stack: ['malloc', 'main', 'work'], values: [2] },
      { stack: ['main', ['work', 'malloc'], 'mmap'], values: [3] },
      { stack: ['main', 'malloc_keep'], values: [4] },
    ],
  });
  assert.deepEqual(readStacks(removeUninteresting(p)), [
    { stack: ['main', 'work'], values: [1] },
    { stack: ['malloc', 'main', 'work'], values: [2] },
    { stack: ['main', 'work'], values: [3] },
    { stack: ['main', 'malloc_keep'], values: [4] },
  ]);
});

test('an invalid drop_frames leaves the profile alone, like pprof', () => {
  const p = makeProfile({ dropFrames: '(', samples: [{ stack: ['a', 'b'], values: [1] }] });
  assert.equal(removeUninteresting(p), p);
});

test('simplifyFunc drops argument lists but keeps reserved names', () => {
  assert.equal(simplifyFunc('foo(int)'), 'foo');
  assert.equal(simplifyFunc('.foo'), 'foo');
  assert.equal(simplifyFunc('(anonymous namespace)::f(int)'), '(anonymous namespace)::f');
  assert.equal(simplifyFunc('Foo::operator()(int)'), 'Foo::operator()');
});

test('a drop_frames too expensive to match leaves the profile alone too', { timeout: 60_000 }, () => {
  // drop_frames comes from the profiled program: a pathological one must not stall or fail the report.
  const names = Array.from({ length: 600 }, (_, i) => `github.com/acme/shop.(*Server).handle${i}${'x'.repeat(80)}`);
  const p = makeProfile({ dropFrames: '(.?){1000}Q', samples: names.map((n) => ({ stack: ['main', n], values: [1] })) });
  assert.equal(removeUninteresting(p), p);
});
