import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { decodeProfile } from '../pprof/index.ts';
import { generateDot, summarize } from '../report/index.ts';
import { createAnalyzer, reportOptionsOf, SUMMARY_TOP_N } from './analyze-profile.ts';

const DIR = new URL('../../test/fixtures/profiles/', import.meta.url);
const PROFILES = ['cpu.pb.gz', 'heap.pb.gz', 'heap-delta.pb.gz', 'goroutine.pb.gz', 'mutex.pb.gz', 'threadcreate.pb.gz'];
const OPTIONS = [{}, { focus: 'main', nodeCount: 20 }, { lines: true, sampleIndex: '0' }, { ignore: 'runtime\\.', hide: 'sync' }];

test('one prepared report gives the DOT and the summary that generateDot and summarize give', async () => {
  const analyze = createAnalyzer(64 * 2 ** 20);
  for (const name of PROFILES) {
    const bytes = new Uint8Array(await readFile(new URL(name, DIR)));
    const profile = decodeProfile(bytes);
    for (const options of OPTIONS) {
      const a = await analyze(bytes, options);
      const ro = reportOptionsOf(options);
      assert.equal(a.dot, generateDot(profile, ro), `${name} ${JSON.stringify(options)}: dot`);
      const s = summarize(profile, ro, SUMMARY_TOP_N);
      assert.equal(a.summary.totalLabel, s.totalFormatted, name);
      assert.deepEqual(
        a.summary.top.map((f) => [f.name, f.flat, f.cum, f.flatLabel, f.cumPercent]),
        s.functions.map((f) => [f.name, f.flat, f.cum, f.flatFormatted, f.cumPercent]),
        `${name} ${JSON.stringify(options)}: summary`,
      );
    }
  }
});
