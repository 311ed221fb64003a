/**
 * Benchmark: the call-graph engine on big real Go profiles — after decoding,
 * the time to prepare the report (prune, filter, aggregate, intern), build
 * and trim the graph, and write the DOT text; the whole generateDot and
 * generateTop; and combineProfiles of a profile with itself (a diff).
 *
 * Each profile runs in a fresh Node process so the reported peak RSS
 * (getrusage maxRSS) is that of decode + report as a whole process. Prints
 * medians over the runs of wall time and CPU time (steadier on a busy
 * machine).
 *
 * Profiles: ../shared/profiles/{big-heap,big-allocs}.pb.gz and the cpu
 * fixture; absent ones are skipped with a note.
 * Environment: GOPPROF_BENCH_RUNS (default 5).
 * Run with `node test/bench/graph.bench.ts`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { combineProfiles, decodeProfile } from '../../src/pprof/index.ts';
import {
  composeDot,
  generateDot,
  generateTop,
  prepareReport,
  reportGraph,
  resolveReportOptions,
} from '../../src/report/index.ts';
import { PROFILES_DIR, SHARED_PROFILES_DIR } from '../support/fixtures.ts';

const PROFILES = ['big-heap.pb.gz', 'big-allocs.pb.gz', 'cpu.pb.gz'];
const RUNS = Number(process.env.GOPPROF_BENCH_RUNS ?? 5);

interface Row {
  readonly stage: string;
  readonly wallMs: number;
  readonly cpuMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(stage: string, fn: () => unknown): Row {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  return { stage, wallMs: median(wall), cpuMs: median(cpu) };
}

/** Child: measures one profile and prints JSON. */
function child(path: string): void {
  const t = performance.now();
  const profile = decodeProfile(readFileSync(path));
  const decodeMs = performance.now() - t;
  const o = resolveReportOptions({ timeZone: 'UTC' });
  const rows: Row[] = [];
  // The first full run, in a fresh process: what one `gopprof pprof -dot` pays.
  const first = performance.now();
  generateDot(profile, o);
  const firstMs = performance.now() - first;
  const dotRssKiB = process.resourceUsage().maxRSS;
  const prepared = prepareReport(profile, o);
  const graph = reportGraph(prepared, true);
  rows.push(measure('prepare (prune, filter, aggregate, intern)', () => prepareReport(profile, o)));
  rows.push(measure('build + trim graph (dot)', () => reportGraph(prepared, true)));
  rows.push(measure('compose DOT text', () => composeDot(graph)));
  rows.push(measure('generateDot', () => generateDot(profile, o)));
  rows.push(measure('generateTop', () => generateTop(profile, o)));
  rows.push(measure('combineProfiles(p, p, diff_base)', () => combineProfiles(profile, profile, 'diff_base')));
  const diff = combineProfiles(profile, profile, 'diff_base');
  rows.push(measure('generateDot of that diff', () => generateDot(diff, o)));
  const maxRssKiB = process.resourceUsage().maxRSS;
  console.log(JSON.stringify({ samples: profile.samples.count, decodeMs, firstMs, rows, dotRssKiB, maxRssKiB }));
}

function main(): void {
  console.log(`graph engine benchmark: median of ${RUNS} runs per stage, after decoding; each profile in its own process`);
  for (const name of PROFILES) {
    const path = [SHARED_PROFILES_DIR + name, PROFILES_DIR + name].find((p) => existsSync(p));
    if (path === undefined) {
      console.log(`\n${name}: skipped (not in ../shared/profiles or test/fixtures/profiles)`);
      continue;
    }
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), path], { encoding: 'utf8' });
    const r = JSON.parse(out) as {
      samples: number;
      decodeMs: number;
      firstMs: number;
      rows: Row[];
      dotRssKiB: number;
      maxRssKiB: number;
    };
    console.log(
      `\n${name}: ${r.samples} samples; decode ${r.decodeMs.toFixed(0)} ms; first generateDot ${r.firstMs.toFixed(0)} ms;` +
        ` peak RSS after decode + first generateDot ${(r.dotRssKiB / 1024).toFixed(0)} MiB`,
    );
    for (const row of r.rows) {
      console.log(`  ${row.stage.padEnd(44)} ${row.wallMs.toFixed(1).padStart(8)} ms wall ${row.cpuMs.toFixed(1).padStart(8)} ms cpu`);
    }
    console.log(`  peak RSS at the end (all of the above, diffs included): ${(r.maxRssKiB / 1024).toFixed(0)} MiB`);
  }
}

if (process.argv[2] !== undefined) child(process.argv[2]);
else main();
