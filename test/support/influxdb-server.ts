/**
 * Runs a real InfluxDB 1.x (`influxd`, Debian's 1.6.7) for tests and benchmarks.
 *
 * Every port is bound to 127.0.0.1 (the HTTP API and the RPC service used for
 * backup/restore, which listens on all interfaces unless told otherwise), all
 * state lives in a temp dir removed on stop(), and usage reporting is off.
 * Several servers can run side by side: ports are picked free at start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running influxd. */
export interface InfluxDbServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly pid: number;
  /** Runs InfluxQL statements (POST /query), throwing on any error in the answer. */
  query(q: string, db?: string): Promise<unknown>;
  /** Writes line protocol (POST /write), throwing unless the server answers 204. */
  write(lines: string, params: { readonly db: string; readonly rp?: string; readonly precision?: string }): Promise<void>;
  /** Kills the server, waits for it to exit and removes its files. Idempotent. */
  stop(): Promise<void>;
}

/** Knobs for startInfluxDb. */
export interface InfluxDbOptions {
  /** Path of influxd (default: found on PATH). */
  readonly binary: string;
  /** Deadline for the server to answer `/ping`. */
  readonly timeoutMs: number;
  /** When set, auth is enabled and this admin user created; the helpers then use it. */
  readonly admin?: { readonly username: string; readonly password: string };
}

/**
 * Starts influxd and resolves once `/ping` answers. Always call stop(), e.g.
 * with `t.after`. Retries with other ports when one was taken meanwhile.
 */
export function startInfluxDb(options: Partial<InfluxDbOptions> = {}): Promise<InfluxDbServer> {
  return retryOnPortClash(() => startOnce(options));
}

async function startOnce(options: Partial<InfluxDbOptions>): Promise<InfluxDbServer> {
  const { binary = 'influxd', timeoutMs = 20_000, admin } = options;
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-influxdb-'));
  const httpPort = await freePort();
  const rpcPort = await freePort();
  const config = `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"
  logging-enabled = false

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  trace-logging-enabled = false

[coordinator]
  log-queries-after = "0s"

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${admin !== undefined}
  log-enabled = false
  max-body-size = 0

[logging]
  level = "warn"

[continuous_queries]
  enabled = false

[subscriber]
  enabled = false
`;
  const configPath = join(dir, 'influxdb.conf');
  await writeFile(configPath, config);

  const { child, stderr, stop } = spawnServer(binary, ['-config', configPath], dir);
  const url = `http://127.0.0.1:${httpPort}`;
  const headers: Record<string, string> = {};
  try {
    await waitForHttp(`${url}/ping`, timeoutMs, child, stderr);
    if (admin) {
      // With auth on and no user yet, InfluxDB lets anyone create the first admin.
      const q = `CREATE USER "${admin.username}" WITH PASSWORD '${admin.password}' WITH ALL PRIVILEGES`;
      // Retried: right after start-up the meta store may not take it yet.
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
        const answer = await res.text();
        if (res.ok && !answer.includes('"error"')) break;
        if (attempt >= 20) throw new Error(`creating the admin user failed: ${answer}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      headers.authorization = `Basic ${Buffer.from(`${admin.username}:${admin.password}`).toString('base64')}`;
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url,
    pid: child.pid ?? 0,
    async query(q, db) {
      const body = new URLSearchParams({ q });
      if (db) body.set('db', db);
      const res = await fetch(`${url}/query`, { method: 'POST', body, headers });
      const text = await res.text();
      const json = JSON.parse(text) as { error?: string; results?: { error?: string }[] };
      const error = json.error ?? json.results?.find((r) => r.error)?.error;
      if (!res.ok || error) throw new Error(`influxdb query failed (${res.status}): ${error ?? text}`);
      return json;
    },
    async write(lines, params) {
      const search = new URLSearchParams({ db: params.db, precision: params.precision ?? 'ms' });
      if (params.rp) search.set('rp', params.rp);
      const res = await fetch(`${url}/write?${search}`, { method: 'POST', body: lines, headers });
      if (res.status !== 204) throw new Error(`influxdb write failed (${res.status}): ${await res.text()}`);
    },
    stop,
  };
}

/** Heapster's database and retention policy, as its InfluxDB sink creates them. */
export async function createHeapsterDatabase(server: InfluxDbServer, db = 'k8s', rp = 'default'): Promise<void> {
  await server.query(`CREATE DATABASE "${db}"; CREATE RETENTION POLICY "${rp}" ON "${db}" DURATION 1d REPLICATION 1 DEFAULT`);
}

/**
 * A TCP port free on 127.0.0.1 right now, for servers that cannot listen on
 * port 0 and report the port they got (influxd, prometheus). Another process
 * could take it before the server binds: callers retry a failed start.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Polls `url` until it answers 2xx, the child exits, or `timeoutMs` passes;
 * the error then carries the child's last stderr lines.
 */
export async function waitForHttp(url: string, timeoutMs: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.spawnfile} exited (${child.exitCode ?? child.signalCode}) before ${url} answered:\n${stderr()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs `start` up to 3 times while it fails because a picked port was taken. */
export async function retryOnPortClash<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= 3 || !/address already in use/i.test(String(err))) throw err;
    }
  }
}

/** A server process started by spawnServer. */
export interface ServerProcess {
  readonly child: ChildProcess;
  /** The last few KB of its stderr, for error messages. */
  readonly stderr: () => string;
  /** Closes stdin (the shell then SIGTERMs the server; SIGKILL to the group after 5 s), waits, removes `dir`. Idempotent. */
  readonly stop: () => Promise<void>;
}

/**
 * Spawns `binary args` under a small shell that kills it when our end of its
 * stdin closes, so a test process that dies without calling stop() (a crash,
 * a timeout kill) does not leave a database server running.
 */
export function spawnServer(binary: string, args: readonly string[], dir: string): ServerProcess {
  const script = '"$@" & pid=$!; trap \'kill $pid 2>/dev/null\' TERM; cat >/dev/null; kill $pid 2>/dev/null; wait $pid';
  const child = spawn('sh', ['-c', script, 'sh', binary, ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
    // Its own process group, so a server that ignores SIGTERM dies with the shell on SIGKILL.
    detached: true,
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    stderr = (stderr + s).slice(-4000);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.stdin?.end();
        const timer = setTimeout(() => killGroup(child), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return { child, stderr: () => stderr, stop };
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  } catch {}
}
