import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { PROFILES_DIR } from '../../test/support/fixtures.ts';
import { decodeProfile } from '../pprof/index.ts';
import { summarize } from './summarize.ts';

test('summarize lists the top functions exactly as the -top report does', () => {
  const profile = decodeProfile(readFileSync(`${PROFILES_DIR}cpu.pb.gz`));
  const s = summarize(profile, { timeZone: 'UTC' }, 3);
  assert.equal(s.sampleType, 'cpu');
  assert.equal(s.unit, 'nanoseconds');
  assert.equal(s.totalFormatted, '17.11s');
  // golden/cpu.top: "3.19s 18.64% 18.64% 3.19s 18.64%  crypto/sha256.block", …
  const golden = readFileSync(`${PROFILES_DIR}golden/cpu.top`, 'utf8').split('\n').slice(7, 10);
  assert.deepEqual(
    s.functions.map((f) => `${f.flatFormatted} ${f.flatPercent} ${f.cumFormatted} ${f.cumPercent} ${f.name}`),
    golden.map((l) => {
      const [flat, flatPct, , cum, cumPct, name] = l.trim().split(/\s+/);
      return `${flat} ${flatPct} ${cum} ${cumPct} ${name}`;
    }),
  );
  assert.equal(s.functions.length, 3);
  assert.equal(summarize(profile, { sampleIndex: 'samples' }, 0).functions.length, 0);
});
