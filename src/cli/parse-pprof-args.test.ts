import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { parsePprofArgs } from './parse-pprof-args.ts';

test('accepts pprof spellings: -flag=value, -flag value, --flag, booleans', () => {
  const a = parsePprofArgs(['-svg', '-nodecount', '20', '--nodefraction=0.01', '-edgefraction', '0', '-lines', '-output', 'x.svg', 'cpu.pb.gz']);
  assert.equal(a.format, 'svg');
  assert.equal(a.nodeCount, 20);
  assert.equal(a.nodeFraction, 0.01);
  assert.equal(a.edgeFraction, 0);
  assert.equal(a.lines, true);
  assert.equal(a.output, 'x.svg');
  assert.deepEqual(a.sources, ['cpu.pb.gz']);
  assert.equal(parsePprofArgs(['-nodecount=20', 'p']).nodeCount, 20);
  assert.equal(parsePprofArgs(['-lines=false', 'p']).lines, false);
});

test('defaults are pprof defaults and dot output', () => {
  const a = parsePprofArgs(['p.pb.gz']);
  assert.equal(a.format, 'dot');
  assert.equal(a.nodeCount, -1);
  assert.equal(a.nodeFraction, 0.005);
  assert.equal(a.edgeFraction, 0.001);
  assert.equal(a.sampleIndex, '');
});

test('regexps keep their backslashes and legacy sample aliases map to sample_index', () => {
  assert.equal(parsePprofArgs(['-focus=main\\.handleOrders', 'p']).focus, 'main\\.handleOrders');
  assert.equal(parsePprofArgs(['-alloc_space', 'p']).sampleIndex, 'alloc_space');
  assert.equal(parsePprofArgs(['-sample_index=1', 'p']).sampleIndex, '1');
  assert.equal(parsePprofArgs(['-diff_base', 'b.pb.gz', 'p']).diffBase, 'b.pb.gz');
});

test('flags stop at the first non-flag and at --', () => {
  assert.deepEqual(parsePprofArgs(['--', '-odd-name.pb.gz']).sources, ['-odd-name.pb.gz']);
});

test('-max_decompressed takes a size with a unit', () => {
  assert.equal(parsePprofArgs(['-max_decompressed=64MB', 'p']).maxDecompressedBytes, 64 * 2 ** 20);
});

for (const [argv, pattern] of [
  [['-nosuchflag', 'p'], /flag provided but not defined: -nosuchflag/],
  [['-nodecount=abc', 'p'], /invalid value "abc" for flag -nodecount/],
  [['-nodecount=-5', 'p'], /-nodecount: want 0 or more/],
  [['-nodefraction=2', 'p'], /between 0 and 1/],
  [['-nodefraction=x', 'p'], /want a number/],
  [['-lines=maybe', 'p'], /invalid boolean value "maybe"/],
  [['-output'], /flag needs an argument: -output/],
  [['-dot'], /missing profile/],
  [['-dot', 'a', 'b'], /expected one profile, got 2/],
  [['-dot', '-svg', 'a'], /only one output format/],
  [['-base=a', '-diff_base=b', 'p'], /cannot be used together/],
  [['-max_decompressed=lots', 'p'], /want a size/],
  [['---x', 'p'], /bad flag syntax/],
] as const) {
  test(`rejects ${argv.join(' ')}`, () => {
    assert.throws(
      () => parsePprofArgs(argv),
      (err: unknown) => isGopprofError(err, 'OPTION_INVALID') && pattern.test(err.message),
    );
  });
}
