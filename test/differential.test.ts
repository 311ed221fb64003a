/**
 * Differential test: for random valid profiles, `gopprof pprof` must print
 * byte for byte what `go tool pprof` prints (Go 1.19, TZ=UTC,
 * -symbolize=none), with the default flags and a few variants per seed.
 *
 * Seeds: GOPPROF_DIFF_SEEDS (default 40) seeds starting at
 * GOPPROF_DIFF_SEED_START (default 0); GOPPROF_DIFF_SEED=n runs only seed n.
 * On a mismatch the profile and both outputs are kept in a temporary folder
 * whose path the failure prints, with the two command lines to rerun.
 *
 * Go's own nondeterminism: pprof sorts edges of equal |weight| unstably and
 * sums entropy scores in map order, so a few outputs vary from run to run of
 * Go itself. Only when our output differs AND a rerun of Go gives a different
 * output than its first run do we accept ours if it equals one of Go's outputs
 * exactly, or as a multiset of lines (edge order). Otherwise: exact bytes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { seededRng } from './support/random-names.ts';
import { generateRandomProfile, type RandomProfile } from './support/random-profile.ts';
import { requireBinary } from './support/require-binary.ts';
import {
  createLimiter,
  describeDifference,
  GOPPROF_CLI,
  gopprofCommand,
  goPprofCommand,
  type ProcessResult,
  runGoPprof,
  runGopprof,
  shellLine,
} from './support/run-pprof.ts';

/** One comparison: a seed's profile, an output format and extra flags. */
interface DiffCase {
  readonly seed: number;
  readonly format: 'dot' | 'top';
  readonly flags: readonly string[];
}

function seedsToRun(): number[] {
  const only = process.env.GOPPROF_DIFF_SEED;
  if (only !== undefined && only !== '') return [Number(only)];
  const count = Number(process.env.GOPPROF_DIFF_SEEDS ?? 40);
  const start = Number(process.env.GOPPROF_DIFF_SEED_START ?? 0);
  return Array.from({ length: count }, (_, i) => start + i);
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** The default run plus two variants chosen from the seed. */
function casesFor(seed: number, facts: RandomProfile): DiffCase[] {
  const rng = seededRng(seed * 7919 + 104_729);
  const names = facts.functionNames.filter((n) => n !== '');
  const variants: (() => DiffCase)[] = [
    () => ({ seed, format: 'dot', flags: [`-nodecount=${rng.int(1, 120)}`] }),
    () => ({ seed, format: 'dot', flags: ['-nodefraction=0', '-edgefraction=0'] }),
    () => ({ seed, format: 'dot', flags: ['-lines'] }),
    () => {
      const i = rng.int(0, facts.sampleTypes.length - 1);
      return { seed, format: 'dot', flags: [`-sample_index=${rng.chance(0.5) ? facts.sampleTypes[i] : i}`] };
    },
    () => {
      const focus = names.length > 0 && rng.chance(0.7) ? escapeRegExp(rng.pick(names)) : rng.pick(['encode|parse', 'Server', 'main\\.', '::']);
      return { seed, format: 'dot', flags: [`-focus=${focus}`] };
    },
    () => ({ seed, format: 'top', flags: [] }),
  ];
  const picked = rng.shuffle(variants.map((_, i) => i)).slice(0, 2);
  return [{ seed, format: 'dot', flags: [] }, ...picked.map((i) => variants[i]())];
}

function caseName(c: DiffCase): string {
  return [`seed ${c.seed}`, `-${c.format}`, ...c.flags].join(' ');
}

function sortedLines(s: string): string {
  return s.split('\n').sort().join('\n');
}

test('gopprof pprof prints what go tool pprof prints for random profiles', { timeout: 10 * 60_000 }, async (t) => {
  if (!requireBinary(t, 'go')) return;
  assert.ok(existsSync(GOPPROF_CLI), `${GOPPROF_CLI} does not exist yet: the CLI is what this test compares against go tool pprof`);

  const dir = await mkdtemp(join(tmpdir(), 'gopprof-diff-'));
  const kept = join(dir, 'mismatches');
  let failures = 0;
  const limit = createLimiter(2);

  const cases: DiffCase[] = [];
  for (const seed of seedsToRun()) {
    const facts = generateRandomProfile(seed);
    await writeFile(join(dir, `${seed}.pb.gz`), facts.bytes);
    cases.push(...casesFor(seed, facts));
  }

  const runCase = async (c: DiffCase): Promise<string | undefined> => {
    const file = join(dir, `${c.seed}.pb.gz`);
    const args = [`-${c.format}`, ...c.flags, file];
    const runGo = (): Promise<ProcessResult> => limit(() => runGoPprof(args));
    const [go, ours] = await Promise.all([runGo(), limit(() => runGopprof(args))]);
    if (go.code !== 0) return `go tool pprof rejected the profile of seed ${c.seed} (a generator or harness bug): ${go.stderr.trim()}`;
    const expected = go.stdout.toString('utf8');
    const actual = ours.stdout.toString('utf8');
    if (ours.code === 0 && actual === expected) return undefined;

    // Only a Go output that itself varies between runs may be compared loosely.
    const goOutputs = new Set([expected]);
    if (ours.code === 0) {
      // Eight reruns: a two-way edge swap then goes unseen with probability 1/256.
      for (let i = 0; i < 8 && goOutputs.size === 1; i++) goOutputs.add((await runGo()).stdout.toString('utf8'));
    }
    if (goOutputs.size > 1) {
      for (let i = 0; i < 10; i++) goOutputs.add((await runGo()).stdout.toString('utf8'));
      const variants = [...goOutputs];
      if (variants.includes(actual) || variants.some((v) => sortedLines(v) === sortedLines(actual))) {
        t.diagnostic(`${caseName(c)}: go tool pprof's own output varies (${variants.length} variants seen); ours matches one`);
        return undefined;
      }
    }

    failures++;
    const base = join(kept, `${c.seed}.${c.format}.${failures}`);
    await mkdir(kept, { recursive: true });
    await writeFile(`${base}.go.${c.format}`, go.stdout);
    await writeFile(`${base}.gopprof.${c.format}`, ours.stdout);
    await writeFile(`${base}.gopprof.stderr`, ours.stderr);
    const [goCmd, goArgv] = goPprofCommand(args);
    const [ourCmd, ourArgv] = gopprofCommand(args);
    return [
      `seed ${c.seed}, flags: -${c.format} ${c.flags.join(' ')}`,
      ours.code === 0 ? '' : `gopprof exited with ${ours.code ?? ours.signal}: ${ours.stderr.trim().slice(0, 2000)}`,
      goOutputs.size > 1 ? `(go tool pprof's own output varies between runs: ${goOutputs.size} variants, none equal to ours)` : '',
      describeDifference(expected, actual),
      `kept in ${kept}/ (${base.slice(kept.length + 1)}.*); rerun:`,
      `  TZ=UTC ${shellLine(goCmd, goArgv)}`,
      `  TZ=UTC ${shellLine(ourCmd, ourArgv)}`,
    ]
      .filter((l) => l !== '')
      .join('\n');
  };

  // Subtests report each case; they run two at a time.
  await t.test('cases', { concurrency: 2 }, async (tt) => {
    await Promise.all(
      cases.map((c) =>
        tt.test(caseName(c), async () => {
          const problem = await runCase(c);
          if (problem !== undefined) assert.fail(problem);
        }),
      ),
    );
  });

  if (failures === 0) await rm(dir, { recursive: true, force: true });
  else t.diagnostic(`${failures} mismatching case(s) kept in ${kept}`);
});
