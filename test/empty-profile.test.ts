// A profile with no samples renders as pprof renders it: the same DOT and -top
// text as `go tool pprof`, for a CPU-shaped and a heap-shaped empty profile.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateRandomProfile } from './support/random-profile.ts';
import { requireBinary } from './support/require-binary.ts';
import { runGoPprof, runGopprof } from './support/run-pprof.ts';

for (const shape of ['any', 'heap'] as const) {
  for (const format of ['-dot', '-top']) {
    test(`an empty ${shape} profile ${format} matches go tool pprof`, async (t) => {
      if (!requireBinary(t, 'go')) return;
      const dir = await mkdtemp(join(tmpdir(), 'gopprof-empty-'));
      const file = join(dir, 'empty.pb.gz');
      const p = generateRandomProfile(7, { samples: 0, shape });
      await writeFile(file, p.bytes);
      const [go, ours] = await Promise.all([runGoPprof([format, file]), runGopprof([format, file])]);
      assert.equal(go.code, 0, go.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout.toString(), go.stdout.toString());
    });
  }
}
