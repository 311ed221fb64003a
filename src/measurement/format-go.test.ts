import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type FloatFormat, formatFloat, type GoArg, sprintf } from './format-go.ts';

// Every expected string below was printed by real Go 1.19 (strconv.FormatFloat,
// fmt.Sprintf): see testdata/gen/main.go, which writes the fixtures. The
// generator leaves out integral float64 arguments under %v, where a JS number
// is a Go int by design (see sprintf's doc).

const testdata = new URL('./testdata/', import.meta.url);

function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt('0x' + hex));
  return view.getFloat64(0);
}

/** Compares one TSV table (bits, then one column per format like `f2`, `g-1`) and returns the mismatches. */
function compareTable(file: string): { checked: number; failures: string[] } {
  const lines = readFileSync(new URL(file, testdata), 'utf8').trimEnd().split('\n');
  const formats = lines[0]!.split('\t').slice(1);
  const failures: string[] = [];
  let checked = 0;
  for (const line of lines.slice(1)) {
    const [bits, ...want] = line.split('\t');
    const v = fromBits(bits!);
    formats.forEach((f, i) => {
      const got = formatFloat(v, f[0] as FloatFormat, Number(f.slice(1)));
      checked++;
      if (got !== want[i]) failures.push(`${bits} (${v}) ${f}: got ${got}, want ${want[i]}`);
    });
  }
  return { checked, failures };
}

test('formatFloat matches Go on hand-picked edge values', () => {
  const { checked, failures } = compareTable('format-float-edge.tsv');
  assert.ok(checked > 20_000, `only ${checked} cases`);
  assert.deepEqual(failures.slice(0, 20), []);
});

test('formatFloat matches Go on seeded random doubles', () => {
  const { checked, failures } = compareTable('format-float-random.tsv');
  assert.ok(checked > 10_000, `only ${checked} cases`);
  assert.deepEqual(failures.slice(0, 20), []);
});

test('formatFloat rounds exact binary ties to even, unlike toFixed', () => {
  assert.equal(formatFloat(0.125, 'f', 2), '0.12');
  assert.equal((0.125).toFixed(2), '0.13');
  assert.equal(formatFloat(1.125, 'f', 2), '1.12');
  assert.equal(formatFloat(0.375, 'f', 2), '0.38');
  assert.equal(formatFloat(2.5, 'f', 0), '2');
  assert.equal(formatFloat(2.675, 'f', 2), '2.67');
  assert.equal(formatFloat(-0, 'f', 2), '-0.00');
  assert.equal(formatFloat(1.2e-5, 'g', 2), '1.2e-05');
  assert.equal(formatFloat(Number.NaN, 'g', 2), 'NaN');
  assert.equal(formatFloat(-Infinity, 'f', 2), '-Inf');
});

interface Case {
  readonly format: string;
  readonly args: readonly { readonly t: string; readonly v?: unknown }[];
  readonly want: string;
}

function toArg(a: Case['args'][number]): GoArg {
  switch (a.t) {
    case 'int':
      return a.v as number;
    case 'int64':
      return BigInt(a.v as string);
    case 'float64':
      return fromBits(a.v as string);
    case 'string':
      return a.v as string;
    case 'bool':
      return a.v as boolean;
    default:
      return null;
  }
}

test('sprintf matches Go for the verbs and flags pprof uses, and for misuse', () => {
  const cases = JSON.parse(readFileSync(new URL('sprintf.json', testdata), 'utf8')) as Case[];
  assert.ok(cases.length > 1000);
  const failures: string[] = [];
  let checked = 0;
  for (const c of cases) {
    const got = sprintf(c.format, ...c.args.map(toArg));
    checked++;
    if (got !== c.want) failures.push(`${JSON.stringify(c.format)} ${JSON.stringify(c.args)}: got ${JSON.stringify(got)}, want ${JSON.stringify(c.want)}`);
  }
  assert.ok(checked > 1000, `only ${checked} cases`);
  assert.deepEqual(failures.slice(0, 20), []);
});

test('sprintf refuses what it does not implement instead of printing it wrongly', () => {
  assert.throws(() => sprintf('%q', 'x'), { name: 'GopprofError', code: 'INTERNAL' });
  assert.throws(() => sprintf('%*d', 3, 4), { name: 'GopprofError' });
  assert.throws(() => sprintf('%[1]d', 3), { name: 'GopprofError' });
});
