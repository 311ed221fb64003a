import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeInfo } from '../graph/index.ts';
import { dotColor } from './dot-color.ts';
import { escapeForDot, multilinePrintableName } from './dot-label.ts';

const info = (o: Partial<NodeInfo>): NodeInfo => ({
  name: '',
  origName: '',
  address: 0n,
  file: '',
  startLine: 0,
  lineno: 0,
  objfile: '',
  ...o,
});

test('escapeForDot escapes backslashes and quotes and turns newlines into \\l', () => {
  assert.equal(escapeForDot('a\\b "c"\nd'), 'a\\\\b \\"c\\"\\ld');
});

test('multiline names break at dots and ::, keep [...] as […], and show base file names', () => {
  assert.equal(multilinePrintableName(info({ name: 'github.com/x/y.(*T).M' })), 'y\\n(*T)\\nM\\n');
  assert.equal(multilinePrintableName(info({ name: 'go.uber.org/zap.Do[...]' })), 'zap\\nDo[…]\\n');
  assert.equal(multilinePrintableName(info({ name: 'foo::Bar::baz' })), 'Bar\\nbaz\\n');
  assert.equal(
    multilinePrintableName(info({ name: 'main.run', file: '/src/app/main.go', lineno: 42 })),
    'main\\nrun\\nmain.go:42\\n',
  );
  assert.equal(multilinePrintableName(info({ name: 'q"x\\y.z' })), 'q\\"x\\\\y\\nz\\n');
  assert.equal(multilinePrintableName(info({ address: 0x401000n, objfile: '/bin/app' })), '0000000000401000\\n[app]\\n');
  assert.equal(multilinePrintableName(info({})), '<unknown>\\n');
});

test('dotColor: red for positive, green for negative, grey near zero', () => {
  assert.equal(dotColor(1, false), '#b20000');
  assert.equal(dotColor(1, true), '#edd5d5');
  assert.equal(dotColor(-1, false), '#00b200');
  assert.equal(dotColor(0, false), '#b2b2b2');
  assert.equal(dotColor(0, true), '#ededed');
  assert.equal(dotColor(5, false), dotColor(1, false), 'clamped to [-1, 1]');
  // ≈ cum/total of main.handleOrders in the cpu fixture, whose golden DOT has these colours.
  assert.equal(dotColor(10.39 / 17.11, false), '#b21800');
  assert.equal(dotColor(10.39 / 17.11, true), '#edd8d5');
  assert.equal(dotColor(Number.NaN, false), '#b20000', 'uint8(NaN) is 0 on amd64');
});
