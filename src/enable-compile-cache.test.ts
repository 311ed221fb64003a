import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const MODULE = fileURLToPath(new URL('./enable-compile-cache.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/gopprof.js', import.meta.url));
const PROFILE = fileURLToPath(new URL('../test/fixtures/profiles/cpu.pb.gz', import.meta.url));

/** The environment of a child, without a compile cache inherited from ours. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.NODE_COMPILE_CACHE;
  return env;
}

/** Files below `dir`, recursively. */
async function filesBelow(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

test('the cache is enabled for the process and handed to its worker threads', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-ccache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'probe.mts');
  await writeFile(
    script,
    `import module from 'node:module';
import { Worker } from 'node:worker_threads';
import { enableCompileCache } from ${JSON.stringify(MODULE)};
const used = enableCompileCache(${JSON.stringify(join(dir, 'cache'))});
const worker = new Worker("import module from 'node:module'; import { parentPort } from 'node:worker_threads'; parentPort.postMessage(module.getCompileCacheDir() ?? null);", { eval: true });
const inWorker = await new Promise((resolve) => worker.once('message', resolve));
await worker.terminate();
console.log(JSON.stringify({ used, env: process.env.NODE_COMPILE_CACHE, main: module.getCompileCacheDir(), inWorker }));
`,
  );
  const { stdout } = await execFileAsync(process.execPath, [script], { env: childEnv({}) });
  const r = JSON.parse(stdout) as Record<string, string>;
  assert.equal(r.used, join(dir, 'cache'));
  assert.equal(r.env, r.used);
  // Node keeps each version's cache in a subdirectory of the one given.
  assert.ok(r.main?.startsWith(`${r.used}/`), r.main);
  assert.equal(r.inWorker, r.main, 'a worker started afterwards uses the same cache');
});

test('a directory that cannot be written leaves the cache off, without an error', async () => {
  const script = `import { enableCompileCache } from ${JSON.stringify(MODULE)};
console.log(JSON.stringify({ used: enableCompileCache('/dev/null/cache') ?? null, env: process.env.NODE_COMPILE_CACHE ?? null }));`;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env: childEnv({}) });
  assert.deepEqual(JSON.parse(stdout), { used: null, env: null });
});

test('the gopprof command fills the cache in the temporary directory and prints the same either way', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-ccache-cli-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const run = () => execFileAsync(process.execPath, [BIN, 'pprof', '-top', PROFILE], { env: childEnv({ TMPDIR: dir, TZ: 'UTC' }) });
  const cold = await run();
  const files = await filesBelow(join(dir, 'node-compile-cache'));
  assert.ok(files.length > 10, `${files.length} cached modules`);
  const warm = await run();
  assert.equal(warm.stdout, cold.stdout);
  assert.match(cold.stdout, /flat%/);
});
