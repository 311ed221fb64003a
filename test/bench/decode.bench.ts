/**
 * Benchmark: the pprof decoder's two stages on big real Go profiles — gunzip
 * (zlib, capped) and protobuf decoding (the streaming decoder) — and the two
 * together as decodeProfile.
 *
 * Every stage of every profile runs in a fresh Node process, so that its peak
 * RSS (getrusage maxRSS) belongs to that stage alone; "base" is the process's
 * peak just before the stage starts (Node itself plus the input bytes), so
 * "peak − base" is what the stage added. Prints the median wall time over the
 * runs (and the median CPU time, steadier on a busy machine) and the peak RSS.
 *
 * Profiles: ../shared/profiles/{big-heap,big-allocs,cpu}.pb.gz (cpu falls back
 * to test/fixtures/profiles/); absent ones are skipped with a note.
 * Environment: GOPPROF_BENCH_RUNS (default 5).
 * Run with `node test/bench/decode.bench.ts`, or via test/bench/run.ts (main()).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeProfile } from '../../src/pprof/index.ts';
import { gunzipProfile } from '../../src/pprof/gunzip.ts';
import { parseProfileProto } from '../../src/pprof/parse-profile-proto.ts';
import { PROFILES_DIR, SHARED_PROFILES_DIR } from '../support/fixtures.ts';

const PROFILES = ['big-heap.pb.gz', 'big-allocs.pb.gz', 'cpu.pb.gz'];
const STAGES = ['gunzip', 'decode', 'decodeProfile'] as const;
type Stage = (typeof STAGES)[number];
const CAP = 512 * 1024 * 1024;

/** What one child process reports. */
interface StageResult {
  readonly ms: number[];
  /** CPU time (user + system) of each run: steadier than wall time on a busy machine. */
  readonly cpuMs: number[];
  readonly baseRssKiB: number;
  readonly peakRssKiB: number;
  readonly detail: string;
}

function findProfile(name: string): string | undefined {
  for (const dir of [SHARED_PROFILES_DIR, PROFILES_DIR]) if (existsSync(dir + name)) return dir + name;
  return undefined;
}

/** Runs one stage `runs` times in this process and returns its timings. */
function runStage(stage: Stage, path: string, runs: number): StageResult {
  const gz = new Uint8Array(readFileSync(path));
  const raw = stage === 'decode' ? gunzipProfile(gz, CAP) : undefined;
  const baseRssKiB = process.resourceUsage().maxRSS;
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let detail = '';
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    if (stage === 'gunzip') {
      detail = `${(gunzipProfile(gz, CAP).length / 2 ** 20).toFixed(1)} MB raw`;
    } else {
      const p = stage === 'decode' ? parseProfileProto(raw!) : decodeProfile(gz);
      detail = `${p.samples.count} samples, ${p.samples.locationIndex.length} frames, ${p.locations.length} locations, ${p.labelSets.length} label sets`;
    }
    ms.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000);
  }
  return { ms, cpuMs, baseRssKiB, peakRssKiB: process.resourceUsage().maxRSS, detail };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (kib: number): string => `${(kib / 1024).toFixed(0)} MB`;

/** Runs every stage of every profile in its own process and prints a table. */
export async function main(): Promise<void> {
  const runs = Number(process.env.GOPPROF_BENCH_RUNS ?? 5);
  const self = fileURLToPath(import.meta.url);
  console.log(`decode benchmark: median of ${runs} runs, each stage in a fresh process (Node ${process.version})`);
  for (const name of PROFILES) {
    const path = findProfile(name);
    if (!path) {
      console.log(`${name}: skipped, not in ${SHARED_PROFILES_DIR} nor ${PROFILES_DIR}`);
      continue;
    }
    console.log(`${name} (${(readFileSync(path).length / 2 ** 20).toFixed(1)} MB gzip, ${path})`);
    for (const stage of STAGES) {
      const out = execFileSync(process.execPath, [self, '--child', stage, path, String(runs)], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const r = JSON.parse(out) as StageResult;
      console.log(
        `  ${stage.padEnd(13)} median ${median(r.ms).toFixed(0).padStart(5)} ms  ` +
          `(runs ${r.ms.map((m) => m.toFixed(0)).join(' ')}; CPU median ${median(r.cpuMs).toFixed(0)} ms)  peak RSS ${mb(r.peakRssKiB)}, ` +
          `base ${mb(r.baseRssKiB)}, added ${mb(r.peakRssKiB - r.baseRssKiB)}  — ${r.detail}`,
      );
    }
  }
}

if (import.meta.main) {
  const [flag, stage, path, runs] = process.argv.slice(2);
  if (flag === '--child') process.stdout.write(JSON.stringify(runStage(stage as Stage, path, Number(runs))));
  else await main();
}
