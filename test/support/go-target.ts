/**
 * Builds and runs test/gotarget, the real Go program integration tests profile.
 *
 * The target listens on 127.0.0.1:0 and prints `listening HOST:PORT` first, so
 * several tests can each run their own target side by side. It is started with
 * `-exit-with-stdin`: if the test process dies without calling stop(), the
 * target sees its stdin close and exits instead of burning CPU forever.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { ProfileType } from '../../src/targets/index.ts';

const execFileAsync = promisify(execFile);

/**
 * The function each profile of the target shows as hot: what its workload
 * does for that profile type (threadcreate has only the runtime's).
 */
export const GO_TARGET_HOT_FUNCTIONS: Readonly<Record<ProfileType, string>> = {
  cpu: 'main.burnCPU',
  heap: 'main.leakMemory',
  allocs: 'main.leakMemory',
  goroutine: 'main.parkGoroutines',
  mutex: 'main.contendMutex',
  block: 'main.blockOnChannel',
  threadcreate: 'runtime.newm',
};

/** Where the Go sources, build script and binary live. */
export const GO_TARGET_DIR = fileURLToPath(new URL('../gotarget/', import.meta.url));
/** The built binary (git-ignored). */
export const GO_TARGET_BINARY = `${GO_TARGET_DIR}gotarget`;

/** A running Go target. */
export interface GoTarget {
  /** Base URL, e.g. `http://127.0.0.1:43123`; pprof lives under `/debug/pprof/`. */
  readonly url: string;
  readonly pid: number;
  /** Kills the target and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
}

/** Knobs for startGoTarget. */
export interface GoTargetOptions {
  /** Extra flags for the target, e.g. `['-cpu-workers', '2']`. */
  readonly args: readonly string[];
  /** How long to wait for the build and for the `listening` line. */
  readonly timeoutMs: number;
}

const DEFAULT_OPTIONS: GoTargetOptions = { args: [], timeoutMs: 120_000 };

/**
 * Builds the target if its binary is missing or older than its sources
 * (test/gotarget/build.sh; a no-op in milliseconds when up to date).
 * Returns the binary's path. Needs `go` only when a build is required.
 */
export async function buildGoTarget(signal?: AbortSignal): Promise<string> {
  try {
    await execFileAsync('sh', [`${GO_TARGET_DIR}build.sh`], { signal, timeout: DEFAULT_OPTIONS.timeoutMs });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`building test/gotarget failed: ${stderr.trim() || String(err)}`, { cause: err });
  }
  return GO_TARGET_BINARY;
}

/**
 * Builds (if needed) and starts the Go target on a free loopback port,
 * resolving once it listens. Always call stop(), e.g. with `t.after`.
 */
export async function startGoTarget(signal?: AbortSignal, options: Partial<GoTargetOptions> = {}): Promise<GoTarget> {
  const opts: GoTargetOptions = { ...DEFAULT_OPTIONS, ...options };
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const abort = signal ? AbortSignal.any([signal, deadline]) : deadline;
  const binary = await buildGoTarget(abort);
  abort.throwIfAborted();

  const child = spawn(binary, ['-addr', '127.0.0.1:0', '-exit-with-stdin', ...opts.args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').catch(() => undefined);
  // Closing stdin of a target that already died must not crash the test process.
  child.stdin.on('error', () => {});
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    if (stderr.length < 8192) stderr += chunk;
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      child.stdin.end();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
    }
    await exited;
  };

  try {
    const address = await readListeningLine(child.stdout, abort, () => stderr);
    return { url: `http://${address}`, pid: child.pid ?? 0, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Reads stdout until the `listening HOST:PORT` line and returns HOST:PORT. */
function readListeningLine(
  stdout: NodeJS.ReadableStream,
  signal: AbortSignal,
  stderr: () => string,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    const cleanup = (): void => {
      stdout.off('data', onData);
      stdout.off('end', onEnd);
      stdout.off('close', onEnd);
      signal.removeEventListener('abort', onAbort);
      // Keep draining so the target never blocks on a full stdout pipe.
      stdout.resume();
    };
    const onData = (chunk: Buffer | string): void => {
      buffered += chunk.toString();
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      cleanup();
      const match = /^listening (\S+)$/.exec(buffered.slice(0, newline).trim());
      if (match) resolve(match[1]);
      else reject(new Error(`test/gotarget printed ${JSON.stringify(buffered.slice(0, newline))}, not "listening HOST:PORT"`));
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`test/gotarget exited before listening: ${stderr().trim()}`));
    };
    const onAbort = (): void => {
      cleanup();
      reject(new Error('test/gotarget did not start in time or the start was cancelled', { cause: signal.reason }));
    };
    if (signal.aborted) return onAbort();
    stdout.on('data', onData);
    stdout.on('end', onEnd);
    stdout.on('close', onEnd);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
