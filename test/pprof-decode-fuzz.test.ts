/**
 * Fuzzing the profile decoder with mutations of the real Go profiles: bit
 * flips, truncation, inserted, deleted, duplicated and 0xff-overwritten bytes
 * (the last makes huge varints and length prefixes), applied both to the gzip
 * body and to the raw protobuf. Whatever the bytes, decodeProfile must return
 * a Profile or throw a GopprofError — never another exception, never hang,
 * never allocate without bound. Deterministic: a seeded PRNG; a failure names
 * the seed, the iteration and the mutation so it can be replayed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { setImmediate } from 'node:timers/promises';
import { GopprofError } from '../src/errors.ts';
import { decodeProfile } from '../src/pprof/index.ts';
import { PROFILES_DIR } from './support/fixtures.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 8000);
/**
 * Generous: a fixture decodes in a few ms; only a hang or a blow-up gets near
 * this. Counted in this thread's CPU time, which a hang or a blow-up burns as
 * surely as wall time, but which other processes on a loaded machine cannot
 * stretch: with three busy cores the slowest input took up to 599 ms of wall
 * time (65 ms on an idle machine) but at most 9 ms of CPU.
 */
const MAX_CPU_MS_PER_INPUT = 1000;

/** CPU time (user + system) this thread has used, in ms. */
const threadCpuMs = (): number => {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1000;
};

/** The process may grow this much over its start while fuzzing (GC lag included). */
const MAX_RSS_GROWTH = 300 * 1024 * 1024;
/** A tight cap: mutated gzip must not inflate past it. */
const OPTIONS = { maxDecompressedBytes: 8 * 1024 * 1024 };

const FIXTURES = [
  'cpu.pb.gz',
  'cpu2.pb.gz',
  'heap.pb.gz',
  'allocs.pb.gz',
  'heap-delta.pb.gz',
  'goroutine.pb.gz',
  'mutex.pb.gz',
  'block.pb.gz',
  'threadcreate.pb.gz',
  'big-cpu.pb.gz',
];

/** mulberry32: small, fast, good enough to spread mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = (b: Uint8Array, rnd: () => number) => { bytes: Uint8Array; what: string };

const int = (rnd: () => number, n: number): number => Math.floor(rnd() * n);

const MUTATIONS: Mutation[] = [
  (b, rnd) => {
    const out = Uint8Array.from(b);
    const flips = 1 + int(rnd, 8);
    for (let i = 0; i < flips; i++) out[int(rnd, out.length)] ^= 1 << int(rnd, 8);
    return { bytes: out, what: `${flips} bit flips` };
  },
  (b, rnd) => {
    const n = int(rnd, b.length);
    return { bytes: b.subarray(0, n), what: `truncated to ${n}` };
  },
  (b, rnd) => {
    const at = int(rnd, b.length + 1);
    const extra = Uint8Array.from({ length: 1 + int(rnd, 16) }, () => int(rnd, 256));
    return { bytes: Buffer.concat([b.subarray(0, at), extra, b.subarray(at)]), what: `${extra.length} bytes inserted at ${at}` };
  },
  (b, rnd) => {
    const at = int(rnd, b.length);
    const n = 1 + int(rnd, 32);
    return { bytes: Buffer.concat([b.subarray(0, at), b.subarray(at + n)]), what: `${n} bytes deleted at ${at}` };
  },
  (b, rnd) => {
    const out = Uint8Array.from(b);
    const at = int(rnd, out.length);
    const n = 1 + int(rnd, 10);
    out.fill(0xff, at, at + n);
    return { bytes: out, what: `${n} bytes set to 0xff at ${at}` };
  },
  (b, rnd) => {
    const from = int(rnd, b.length);
    const n = 1 + int(rnd, 256);
    const at = int(rnd, b.length + 1);
    return { bytes: Buffer.concat([b.subarray(0, at), b.subarray(from, from + n), b.subarray(at)]), what: `${n} bytes from ${from} copied to ${at}` };
  },
];

describe('decodeProfile under fuzzing', () => {
  it(`${ITERATIONS} mutations of real profiles (seed ${SEED}): a Profile or a GopprofError, fast, bounded memory`, async () => {
    const inputs = FIXTURES.flatMap((name) => {
      const gz = readFileSync(PROFILES_DIR + name);
      const raw = gunzipSync(gz);
      return [
        { name: `${name} raw`, bytes: raw, gzip: false },
        { name: `${name} gzip`, bytes: new Uint8Array(gz), gzip: true },
      ];
    });
    const rnd = prng(SEED);
    const rssStart = process.memoryUsage().rss;
    let peakRss = rssStart;
    const outcomes = new Map<string, number>();
    let slowest = 0;
    let slowestCpu = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      // Two thirds on raw protobuf: mutated gzip mostly stops at the CRC.
      const pool = rnd() < 2 / 3 ? inputs.filter((x) => !x.gzip) : inputs.filter((x) => x.gzip);
      const input = pool[int(rnd, pool.length)];
      const mutation = MUTATIONS[int(rnd, MUTATIONS.length)];
      let { bytes, what } = mutation(input.bytes, rnd);
      // Sometimes mutate the raw bytes and re-gzip them, so that the decoder (not the CRC) sees the damage through gzip.
      if (!input.gzip && rnd() < 0.1) {
        bytes = gzipSync(bytes);
        what += ', re-gzipped';
      }
      const label = `iteration ${i} (seed ${SEED}): ${input.name}, ${what}`;
      const start = performance.now();
      const cpuStart = threadCpuMs();
      let outcome: string;
      try {
        const p = decodeProfile(bytes, OPTIONS);
        outcome = 'profile';
        assert.equal(p.samples.locationOffsets.length, p.samples.count + 1, label);
      } catch (err) {
        if (!(err instanceof GopprofError)) assert.fail(`${label}: threw ${(err as Error)?.stack ?? String(err)}`);
        assert.ok(err.message.length > 0, label);
        assert.notEqual(err.code, 'INTERNAL', `${label}: ${err.message}`);
        outcome = err.code;
      }
      const cpuMs = threadCpuMs() - cpuStart;
      const ms = performance.now() - start;
      slowest = Math.max(slowest, ms);
      slowestCpu = Math.max(slowestCpu, cpuMs);
      assert.ok(cpuMs < MAX_CPU_MS_PER_INPUT, `${label}: took ${cpuMs.toFixed(0)} ms of CPU (${ms.toFixed(0)} ms)`);
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      if (i % 25 === 0) {
        // zlib frees a failed stream's buffers on a later tick: let it, as a server between requests would.
        await setImmediate();
        const rss = process.memoryUsage().rss;
        peakRss = Math.max(peakRss, rss);
        assert.ok(rss - rssStart < MAX_RSS_GROWTH, `${label}: RSS grew by ${((rss - rssStart) / 2 ** 20).toFixed(0)} MB`);
      }
    }
    // The mutations must reach every layer, or the fuzzing proves little.
    for (const code of ['profile', 'PROFILE_GZIP_CORRUPT', 'PROFILE_PROTOBUF_CORRUPT', 'PROFILE_INVALID']) {
      assert.ok((outcomes.get(code) ?? 0) > 0, `no input ended as ${code}: ${JSON.stringify([...outcomes])}`);
    }
    console.log(
      `fuzz: ${JSON.stringify(Object.fromEntries(outcomes))}; slowest ${slowest.toFixed(1)} ms (${slowestCpu.toFixed(1)} ms of CPU); ` +
        `peak RSS growth ${((peakRss - rssStart) / 2 ** 20).toFixed(0)} MB`,
    );
  });
});
