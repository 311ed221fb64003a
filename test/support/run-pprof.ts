/**
 * Running `go tool pprof` and our own `gopprof pprof` side by side.
 *
 * Differential tests and benchmarks compare the two as whole processes, the
 * way a user runs them: same flags, same file, TZ=UTC (the legend's Time line
 * uses the local zone), and `-symbolize=none` for Go so it never tries to
 * find binaries or reach a symbol server.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root (where package.json and bin/ live). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Our CLI's entry point; GOPPROF_CLI in the environment overrides it (e.g. a bundled build). */
export const GOPPROF_CLI = process.env.GOPPROF_CLI || `${REPO_ROOT}bin/gopprof.js`;

/** What a finished child process left behind. */
export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly wallMs: number;
}

/** Options for one run. */
export interface RunOptions {
  readonly signal: AbortSignal | undefined;
  /** Kill the child after this long (it then ends with signal SIGKILL). */
  readonly timeoutMs: number;
  readonly cwd: string;
  /** Added to the environment (TZ=UTC is always set). */
  readonly env: Readonly<Record<string, string>>;
}

const DEFAULT_RUN: RunOptions = { signal: undefined, timeoutMs: 120_000, cwd: REPO_ROOT, env: {} };

/** Runs a program to completion, collecting stdout as bytes and stderr as text. */
export function runProcess(command: string, args: readonly string[], options: Partial<RunOptions> = {}): Promise<ProcessResult> {
  const opts: RunOptions = { ...DEFAULT_RUN, ...options };
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: { ...process.env, TZ: 'UTC', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: opts.signal,
      timeout: opts.timeoutMs,
      killSignal: 'SIGKILL',
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 64 * 1024) stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr, wallMs: performance.now() - started });
    });
  });
}

/** The argv of `go tool pprof -symbolize=none <args>`, for runProcess and for messages. */
export function goPprofCommand(args: readonly string[]): readonly [string, readonly string[]] {
  return ['go', ['tool', 'pprof', '-symbolize=none', ...args]];
}

/** The argv of `gopprof pprof <args>` run with this Node (24). */
export function gopprofCommand(args: readonly string[]): readonly [string, readonly string[]] {
  return [process.execPath, [GOPPROF_CLI, 'pprof', ...args]];
}

/** Runs `TZ=UTC go tool pprof -symbolize=none <args>`. */
export function runGoPprof(args: readonly string[], options: Partial<RunOptions> = {}): Promise<ProcessResult> {
  const [cmd, argv] = goPprofCommand(args);
  return runProcess(cmd, argv, options);
}

/** Runs `TZ=UTC node bin/gopprof.js pprof <args>`. */
export function runGopprof(args: readonly string[], options: Partial<RunOptions> = {}): Promise<ProcessResult> {
  const [cmd, argv] = gopprofCommand(args);
  return runProcess(cmd, argv, options);
}

/** A shell-quoted command line, for messages a developer can paste. */
export function shellLine(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/**
 * Returns a function that runs at most `limit` tasks at once: go tool pprof
 * takes a fraction of a second to start, and the machines have 2 cores.
 */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * A unified-diff-like excerpt around the first line where `actual` differs
 * from `expected`, or '' when they are equal.
 */
export function describeDifference(expected: string, actual: string, context = 3, after = 6): string {
  if (expected === actual) return '';
  const e = expected.split('\n');
  const a = actual.split('\n');
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  const from = Math.max(0, i - context);
  // Long lines (the legend, tooltips) are shown around the first differing column.
  let col = 0;
  const ei = e[i] ?? '';
  const ai = a[i] ?? '';
  while (col < ei.length && col < ai.length && ei[col] === ai[col]) col++;
  const start = col > 300 ? col - 200 : 0;
  const clip = (s: string): string => {
    const cut = s.slice(start, start + 400);
    return `${start > 0 ? '…' : ''}${cut}${s.length > start + 400 ? '…' : ''}`;
  };
  const lines = [`@@ first difference at line ${i + 1}, column ${col + 1} (expected ${e.length} lines, got ${a.length}) @@`];
  for (let k = from; k < i; k++) lines.push(`  ${clip(e[k])}`);
  for (let k = i; k < Math.min(e.length, i + after); k++) lines.push(`- ${clip(e[k])}`);
  for (let k = i; k < Math.min(a.length, i + after); k++) lines.push(`+ ${clip(a[k])}`);
  return lines.join('\n');
}
