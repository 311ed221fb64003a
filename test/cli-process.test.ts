// The `gopprof` command as a user runs it: a real process started through
// bin/gopprof.js (with the machine's own `node`, which the launcher hands to
// Node 24 when it is older), output to a file, and clear errors with exit codes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { checkWellFormedXml } from './support/check-well-formed-xml.ts';
import { PROFILES_DIR } from './support/fixtures.ts';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../bin/gopprof.js', import.meta.url));

async function gopprof(args: string[], node = 'node'): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(node, [BIN, ...args], { env: { ...process.env, TZ: 'UTC' }, timeout: 60_000, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('gopprof pprof -svg -output writes a pan/zoom SVG of the profile', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-cli-'));
  const out = join(dir, 'cpu.svg');
  const r = await gopprof(['pprof', '-svg', '-output', out, `${PROFILES_DIR}cpu.pb.gz`]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  const svg = await readFile(out, 'utf8');
  checkWellFormedXml(svg);
  assert.match(svg, /<svg width="100%" height="100%"/);
  assert.match(svg, /<g id="viewport" transform="scale\(0\.5,0\.5\) translate\(0,0\)">/);
  assert.ok(svg.includes('crypto/sha256.block'));
});

test('gopprof pprof -top prints the golden table through the real process and Node 24', async () => {
  const r = await gopprof(['pprof', '-top', `${PROFILES_DIR}heap.pb.gz`], process.execPath);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, await readFile(`${PROFILES_DIR}golden/heap.top`, 'utf8'));
});

test('bad flags exit 2 with a message; bad profiles exit 1 naming the error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-cli-'));
  const empty = join(dir, 'empty.pb.gz');
  await writeFile(empty, '');
  const html = join(dir, 'error.html');
  await writeFile(html, '<!DOCTYPE html><html><body>502 Bad Gateway</body></html>');
  const truncated = join(dir, 'truncated.pb.gz');
  await writeFile(truncated, (await readFile(`${PROFILES_DIR}cpu.pb.gz`)).subarray(0, 1000));

  const cases: [string[], number, RegExp][] = [
    [['pprof', '-nosuch', 'x'], 2, /flag provided but not defined: -nosuch/],
    [['pprof', '-nodecount=many', 'x'], 2, /invalid value "many" for flag -nodecount/],
    [['pprof', '-dot', join(dir, 'missing.pb.gz')], 2, /cannot read profile/],
    [['pprof', '-dot', empty], 1, /PROFILE_EMPTY/],
    [['pprof', '-dot', html], 1, /PROFILE_NOT_PROFILE/],
    [['pprof', '-dot', `${PROFILES_DIR}goroutine-debug2.txt`], 1, /PROFILE_NOT_PROFILE/],
    [['pprof', '-dot', truncated], 1, /PROFILE_GZIP_CORRUPT/],
    [['pprof', '-dot', '-max_decompressed=1kb', `${PROFILES_DIR}cpu.pb.gz`], 1, /PROFILE_TOO_LARGE/],
    [['pprof', '-dot', '-sample_index=nosuch', `${PROFILES_DIR}cpu.pb.gz`], 2, /SAMPLE_INDEX_INVALID/],
    [['pprof', '-dot', '-focus=(', `${PROFILES_DIR}cpu.pb.gz`], 2, /REGEXP_INVALID/],
    [['pprof', '-dot', '-output', join(dir, 'no-such-dir', 'out.dot'), `${PROFILES_DIR}cpu.pb.gz`], 1, /^gopprof pprof: cannot write .*no-such-dir.*ENOENT/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ];
  for (const [args, code, message] of cases) {
    const r = await gopprof(args);
    assert.equal(r.code, code, `${args.join(' ')}: exit ${r.code}, stderr ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '');
  }
});

test('a -focus pattern that backtracking engines take ages on answers at once, as with Go', async () => {
  // (.*.*)*Q takes JavaScript's own engine longer than this test's 60 s process timeout on
  // names of 20 characters; Go's RE2 and our matcher are linear-time. Nothing matches.
  const r = await gopprof(['pprof', '-top', '-focus=(.*.*)*Q', `${PROFILES_DIR}cpu.pb.gz`]);
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Active filters:\n {3}focus=\(\.\*\.\*\)\*Q\nShowing nodes accounting for 0, 0% of 17\.11s total$/m);
});
