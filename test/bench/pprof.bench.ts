/**
 * Benchmark: `gopprof pprof -dot|-svg` against `go tool pprof -dot|-svg` as
 * whole processes, the way a user runs them, on big real Go profiles.
 *
 * Prints, per profile and format, the median wall time and the peak RSS of
 * each process and the ratios go/gopprof (above 1 means gopprof is faster or
 * smaller). Peak RSS comes from GNU time (`/usr/bin/time -f %M`) or, without
 * it, from python3's getrusage(RUSAGE_CHILDREN); both include the children a
 * process waits for (the pprof binary `go tool` runs, Graphviz's `dot`). The
 * python3 fallback never reports less than python's own forked size (~14 MB).
 *
 * Profiles: ../shared/profiles/{big-heap,big-allocs,cpu}.pb.gz; without
 * big-heap an equivalent 825k-sample heap profile is generated once into
 * .bench/; cpu falls back to test/fixtures/profiles/.
 * Environment: GOPPROF_BENCH_RUNS (default 3), GOPPROF_BENCH_PROFILES (e.g.
 * `cpu,big-allocs`), GOPPROF_BENCH_FORMATS (e.g. `dot`).
 * Run with `node test/bench/pprof.bench.ts`, or via test/bench/run.ts (main()).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findBinary } from '../support/require-binary.ts';
import { generateRandomProfile } from '../support/random-profile.ts';
import { GOPPROF_CLI, gopprofCommand, goPprofCommand, REPO_ROOT } from '../support/run-pprof.ts';

/** One profile the benchmark runs. */
interface BenchProfile {
  readonly name: string;
  readonly path: string;
  readonly note: string;
}

/** One measured process run. */
interface Measurement {
  readonly wallMs: number;
  /** Peak resident set in KiB; undefined when it could not be measured. */
  readonly peakRssKiB: number | undefined;
  readonly ok: boolean;
  readonly stdoutBytes: number;
  readonly stderr: string;
}

/** Median wall time and peak RSS over the runs of one command. */
interface Summary {
  readonly medianMs: number;
  readonly peakRssKiB: number | undefined;
  readonly failure: string | undefined;
}

type RssTool = { readonly kind: 'gnu-time'; readonly path: string } | { readonly kind: 'python3'; readonly path: string } | undefined;

const SHARED_PROFILES = join(REPO_ROOT, '..', 'shared', 'profiles');
const GENERATED_HEAP = join(REPO_ROOT, '.bench', 'big-heap.pb.gz');
const PROCESS_TIMEOUT_MS = 15 * 60_000;

const PYTHON_RUSAGE = [
  'import resource, subprocess, sys',
  'r = subprocess.run(sys.argv[2:])',
  'open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))',
  'sys.exit(r.returncode if r.returncode >= 0 else 128 - r.returncode)',
].join('\n');

function csvEnv(name: string): string[] | undefined {
  const v = process.env[name];
  return v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

/** Finds the profiles, generating the big heap one when it is not on this machine. */
async function resolveProfiles(): Promise<BenchProfile[]> {
  const out: BenchProfile[] = [];
  const sharedHeap = join(SHARED_PROFILES, 'big-heap.pb.gz');
  if (existsSync(sharedHeap)) out.push({ name: 'big-heap', path: sharedHeap, note: 'real, 825k samples' });
  else {
    if (!existsSync(GENERATED_HEAP)) {
      process.stdout.write(`generating ${GENERATED_HEAP} (825k-sample heap profile)…\n`);
      const { bytes } = generateRandomProfile(1, { shape: 'heap', samples: 825_000, functions: 1500, maxDepth: 40 });
      await mkdir(join(REPO_ROOT, '.bench'), { recursive: true });
      await writeFile(GENERATED_HEAP, bytes);
    }
    out.push({ name: 'big-heap', path: GENERATED_HEAP, note: 'generated, 825k samples' });
  }
  const sharedAllocs = join(SHARED_PROFILES, 'big-allocs.pb.gz');
  if (existsSync(sharedAllocs)) out.push({ name: 'big-allocs', path: sharedAllocs, note: 'real, 493k samples' });
  const cpu = [join(SHARED_PROFILES, 'cpu.pb.gz'), join(REPO_ROOT, 'test', 'fixtures', 'profiles', 'cpu.pb.gz')].find(existsSync);
  if (cpu) out.push({ name: 'cpu', path: cpu, note: 'real, 10 s CPU' });
  const only = csvEnv('GOPPROF_BENCH_PROFILES');
  return only ? out.filter((p) => only.includes(p.name)) : out;
}

function rssTool(): RssTool {
  if (existsSync('/usr/bin/time')) return { kind: 'gnu-time', path: '/usr/bin/time' };
  const python = findBinary('python3');
  return python ? { kind: 'python3', path: python } : undefined;
}

/** Runs one command to completion, counting its stdout, measuring wall time and peak RSS. */
async function measure(tool: RssTool, command: string, args: readonly string[], scratch: string): Promise<Measurement> {
  const rssFile = join(scratch, `rss-${process.hrtime.bigint()}`);
  let argv: [string, string[]];
  if (tool?.kind === 'gnu-time') argv = [tool.path, ['-f', '%M', '-o', rssFile, command, ...args]];
  else if (tool?.kind === 'python3') argv = [tool.path, ['-c', PYTHON_RUSAGE, rssFile, command, ...args]];
  else argv = [command, [...args]];
  const started = performance.now();
  const { code, stdoutBytes, stderr } = await new Promise<{ code: number | null; stdoutBytes: number; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(argv[0], argv[1], {
        cwd: REPO_ROOT,
        env: { ...process.env, TZ: 'UTC' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: PROCESS_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      });
      let bytes = 0;
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (err.length < 4096) err += chunk.toString();
      });
      child.on('error', reject);
      child.on('close', (c) => resolve({ code: c, stdoutBytes: bytes, stderr: err }));
    },
  );
  const wallMs = performance.now() - started;
  let peakRssKiB: number | undefined;
  if (tool) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    // GNU time writes "Command exited with non-zero status N" before %M on failure: take the last line.
    const last = text.trim().split('\n').pop() ?? '';
    peakRssKiB = /^\d+$/.test(last) ? Number(last) : undefined;
  }
  return { wallMs, peakRssKiB, ok: code === 0 && stdoutBytes > 0, stdoutBytes, stderr };
}

async function summarize(runs: number, run: () => Promise<Measurement>): Promise<Summary> {
  const ms: Measurement[] = [];
  for (let i = 0; i < runs; i++) {
    const m = await run();
    ms.push(m);
    if (!m.ok) {
      const lines = m.stderr.trim().split('\n');
      const why = lines.find((l) => /error/i.test(l)) ?? (lines.join(' | ') || 'no output');
      return { medianMs: m.wallMs, peakRssKiB: m.peakRssKiB, failure: why.slice(0, 300) };
    }
  }
  const walls = ms.map((m) => m.wallMs).sort((a, b) => a - b);
  const rss = ms.map((m) => m.peakRssKiB).filter((v): v is number => v !== undefined);
  return { medianMs: walls[walls.length >> 1], peakRssKiB: rss.length > 0 ? Math.max(...rss) : undefined, failure: undefined };
}

const fmtTime = (s: Summary | undefined): string =>
  s === undefined ? '—' : s.failure ? 'FAILED' : s.medianMs >= 10_000 ? `${(s.medianMs / 1000).toFixed(1)} s` : `${(s.medianMs / 1000).toFixed(2)} s`;
const fmtRss = (s: Summary | undefined): string =>
  s === undefined || s.failure || s.peakRssKiB === undefined ? '—' : `${Math.round(s.peakRssKiB / 1024)} MB`;
const fmtRatio = (go: number | undefined, ours: number | undefined): string =>
  go === undefined || ours === undefined || ours === 0 ? '—' : `${(go / ours).toFixed(2)}×`;

/** Prints rows as an aligned table: text columns left, number columns right. */
function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

/** Runs the benchmark and prints its table. */
export async function main(): Promise<void> {
  const runs = Math.max(1, Number(process.env.GOPPROF_BENCH_RUNS ?? 3));
  const formats = (csvEnv('GOPPROF_BENCH_FORMATS') ?? ['dot', 'svg']).filter((f) => f === 'dot' || f === 'svg');
  const tool = rssTool();
  const haveGo = findBinary('go') !== undefined;
  const haveDot = findBinary('dot') !== undefined;
  const notes: string[] = [];
  if (!tool) notes.push('peak RSS not measured: neither /usr/bin/time nor python3 is installed');
  if (!haveGo) notes.push('go tool pprof skipped: go is not on PATH');
  else if (!haveDot && formats.includes('svg')) notes.push('go tool pprof -svg skipped: Graphviz dot is not on PATH');
  if (!existsSync(GOPPROF_CLI)) notes.push(`gopprof skipped: ${GOPPROF_CLI} does not exist`);

  const profiles = await resolveProfiles();
  process.stdout.write(`pprof benchmark: ${runs} run(s) each, median wall time, peak RSS (whole process); node ${process.version}\n`);
  for (const p of profiles) process.stdout.write(`  ${p.name}: ${p.path} (${p.note})\n`);

  const scratch = await mkdtemp(join(tmpdir(), 'gopprof-bench-'));
  const rows: string[][] = [];
  const failures: string[] = [];
  try {
    for (const p of profiles) {
      for (const format of formats) {
        const args = [`-${format}`, p.path];
        const ours = existsSync(GOPPROF_CLI)
          ? await summarize(runs, () => measure(tool, ...gopprofCommand(args), scratch))
          : undefined;
        const goRuns = haveGo && (format === 'dot' || haveDot);
        const go = goRuns ? await summarize(runs, () => measure(tool, ...goPprofCommand(args), scratch)) : undefined;
        if (ours?.failure) failures.push(`gopprof pprof -${format} ${p.name}: ${ours.failure}`);
        if (go?.failure) failures.push(`go tool pprof -${format} ${p.name}: ${go.failure}`);
        const ok = (s: Summary | undefined): Summary | undefined => (s?.failure ? undefined : s);
        rows.push([
          p.name,
          `-${format}`,
          fmtTime(ours),
          fmtRss(ours),
          fmtTime(go),
          fmtRss(go),
          fmtRatio(ok(go)?.medianMs, ok(ours)?.medianMs),
          fmtRatio(ok(go)?.peakRssKiB, ok(ours)?.peakRssKiB),
        ]);
        process.stdout.write(`  done: ${p.name} -${format}\n`);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  process.stdout.write('\n');
  printTable(['profile', 'format', 'gopprof', 'gopprof RSS', 'go pprof', 'go RSS', 'go/gopprof time', 'go/gopprof RSS'], rows);
  for (const n of [...notes, ...failures]) process.stdout.write(`note: ${n}\n`);
}

if (import.meta.main) await main();
