// Fidelity: `gopprof pprof -<format> <args> <profile>`, run from the profile's
// folder with TZ=UTC, prints the bytes Go 1.19's `go tool pprof` printed for
// every case of golden/manifest.jsonl (diff cases: the same lines, any order,
// as pprof itself orders equal-weight edges unstably there).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { test } from 'node:test';
import { main } from '../src/cli/main.ts';
import { goldenCases, PROFILES_DIR, profileDir } from './support/fixtures.ts';

process.env.TZ = 'UTC';

const UNORDERED = new Set(['cpu.diff', 'cpu.base']);

async function runCli(dir: string, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    readFile: async (p) => new Uint8Array(await readFile(isAbsolute(p) ? p : join(dir, p))),
    writeFile: async () => assert.fail('no file output expected'),
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  return { code, out, err };
}

for (const c of goldenCases()) {
  test(`${c.name} -${c.format} ${c.args.join(' ')}`, async (t) => {
    const dir = profileDir(t, c.profile);
    if (!dir) return;
    const { code, out, err } = await runCli(dir, ['pprof', `-${c.format}`, ...c.args, c.profile]);
    assert.equal(err, '');
    assert.equal(code, 0);
    const expected = await readFile(join(PROFILES_DIR, c.expected), 'utf8');
    if (UNORDERED.has(c.name)) {
      assert.deepEqual(out.split('\n').sort(), expected.split('\n').sort());
    } else {
      assert.equal(out, expected);
    }
  });
}
