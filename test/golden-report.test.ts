// Fidelity of the engine API: generateDot/generateTop (with combineProfiles for
// -diff_base/-base) give, for every case of golden/manifest.jsonl, the bytes Go
// 1.19's `go tool pprof -symbolize=none` printed with TZ=UTC. The case's pprof
// flags are mapped to ReportOptions here; golden-cli.test.ts checks the same
// cases through the CLI. Diff cases compare as line multisets: pprof itself
// orders edges of equal |weight| unstably there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GopprofError } from '../src/errors.ts';
import { combineProfiles, decodeProfile, type Profile } from '../src/pprof/index.ts';
import { generateDot, generateTop, type ReportOptions } from '../src/report/index.ts';
import { goldenCases, PROFILES_DIR, profileDir } from './support/fixtures.ts';

const UNORDERED = new Set(['cpu.diff', 'cpu.base']);

/** Applies one pprof flag of a golden case to the options or the profile. */
function applyFlag(arg: string, o: Record<string, unknown>, p: Profile, dir: string): Profile {
  const m = /^-(\w+)(?:=(.*))?$/.exec(arg);
  if (m === null) throw new Error(`unexpected argument ${arg}`);
  const [, flag, value = ''] = m;
  switch (flag) {
    case 'sample_index':
      o.sampleIndex = value;
      return p;
    case 'nodecount':
      o.nodeCount = Number(value);
      return p;
    case 'nodefraction':
      o.nodeFraction = Number(value);
      return p;
    case 'edgefraction':
      o.edgeFraction = Number(value);
      return p;
    case 'focus':
    case 'ignore':
    case 'hide':
    case 'show':
      o[flag] = value;
      return p;
    case 'lines':
      o.granularity = 'lines';
      return p;
    case 'diff_base':
    case 'base':
      return combineProfiles(p, decodeProfile(readFileSync(join(dir, value))), flag);
    default:
      throw new Error(`flag ${arg} is not mapped by this test`);
  }
}

for (const c of goldenCases()) {
  test(`${c.name} -${c.format} ${c.args.join(' ')}`, (t) => {
    const dir = profileDir(t, c.profile);
    if (!dir) return;
    let profile = decodeProfile(readFileSync(join(dir, c.profile)));
    const options: Record<string, unknown> = { timeZone: 'UTC' };
    for (const arg of c.args) profile = applyFlag(arg, options, profile, dir);
    const o = options as Partial<ReportOptions>;
    const actual = c.format === 'dot' ? generateDot(profile, o) : generateTop(profile, o);
    const expected = readFileSync(join(PROFILES_DIR, c.expected), 'utf8');
    if (UNORDERED.has(c.name)) assert.deepEqual(actual.split('\n').sort(), expected.split('\n').sort());
    else assert.equal(actual, expected);
  });
}

test('bad options are GopprofErrors naming the value', () => {
  const profile = decodeProfile(readFileSync(join(PROFILES_DIR, 'cpu.pb.gz')));
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof GopprofError, String(err));
      return `${err.code}: ${err.message}`;
    }
    assert.fail('expected an error');
  };
  assert.match(code(() => generateDot(profile, { sampleIndex: 'bogus' })), /^SAMPLE_INDEX_INVALID: .*"bogus".*\[samples cpu\]/);
  assert.match(code(() => generateDot(profile, { sampleIndex: 7 })), /^SAMPLE_INDEX_INVALID: .*outside the range \[0\.\.1\]/);
  assert.match(code(() => generateDot(profile, { focus: 'a(b' })), /^REGEXP_INVALID: parsing focus regexp "a\(b"/);
  assert.match(code(() => generateDot(profile, { ignore: '(?=x)' })), /^REGEXP_INVALID: parsing ignore/);
  assert.match(code(() => generateDot(profile, { nodeCount: 1.5 })), /^OPTION_INVALID: nodeCount 1\.5/);
  assert.match(code(() => generateTop(profile, { divideBy: 0 })), /^OPTION_INVALID: divideBy 0/);
  assert.match(code(() => generateTop(profile, { timeZone: 'Mars/Olympus' })), /^OPTION_INVALID: timeZone "Mars\/Olympus"/);
  // biome-ignore lint/suspicious/noExplicitAny: an invalid value on purpose
  assert.match(code(() => generateTop(profile, { granularity: 'bytes' as any })), /^OPTION_INVALID: granularity "bytes"/);
  const heap = decodeProfile(readFileSync(join(PROFILES_DIR, 'heap.pb.gz')));
  assert.match(code(() => combineProfiles(profile, heap, 'diff_base')), /^PROFILE_MISMATCH: /);
});
