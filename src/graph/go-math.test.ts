import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fma, frexp, goExp, goLog, goLog2, goPow } from './go-math.ts';

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const fromBits = (hex: string): number => {
  u64[0] = BigInt(`0x${hex}`);
  return f64[0];
};
const bits = (x: number): string => {
  f64[0] = x;
  return u64[0].toString(16);
};

// Values printed by Go 1.19 (math.Log2, math.Pow(x, 0.3), math.Exp(-10x), math.Log) on an
// amd64 CPU with FMA, the machine class the goldens come from.
const rows = readFileSync(new URL('./testdata/go-math.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l !== '' && !l.startsWith('#'))
  .map((l) => l.split(' '));

test('goLog2, goPow, goExp and goLog agree with Go bit for bit', () => {
  assert.ok(rows.length >= 400);
  let builtinDiffers = 0;
  for (const [x, log2, pow, exp, log] of rows) {
    const v = fromBits(x);
    assert.equal(bits(goLog2(v)), log2, `Log2(${v})`);
    assert.equal(bits(goPow(v, 0.3)), pow, `Pow(${v}, 0.3)`);
    assert.equal(bits(goExp(-v * 10)), exp, `Exp(${-v * 10})`);
    assert.equal(bits(goLog(v)), log, `Log(${v})`);
    if (bits(v ** 0.3) !== pow) builtinDiffers++;
  }
  // The reason these ports exist: V8's Math.pow differs from Go's in the last bit for many inputs.
  assert.ok(builtinDiffers > 0);
});

test('special values follow Go', () => {
  assert.equal(goLog2(1), 0);
  assert.equal(goLog2(0.5), -1);
  assert.equal(goLog2(0), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(goLog2(-1)));
  assert.equal(goPow(1, 0.3), 1);
  assert.equal(goPow(0.25, 0.5), 0.5);
  assert.equal(goExp(0), 1);
  assert.equal(goExp(1000), Number.POSITIVE_INFINITY);
  assert.equal(goExp(Number.NEGATIVE_INFINITY), 0);
  assert.deepEqual(frexp(8), [0.5, 4]);
  assert.deepEqual(frexp(0.75), [0.75, 0]);
});

test('fma rounds once', () => {
  // (1 + 2^-52)(1 - 2^-52) - 1 = -2^-104 exactly; unfused it is 0.
  const e = 2 ** -52;
  assert.equal(fma(1 + e, 1 - e, -1), -(2 ** -104));
  assert.equal((1 + e) * (1 - e) - 1, 0);
  assert.equal(fma(2, 3, 4), 10);
});
