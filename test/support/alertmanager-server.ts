/**
 * A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) for
 * tests: on 127.0.0.1 at a free port, clustering off, state in a temporary
 * directory, the given configuration; ready when /-/ready answers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AlertmanagerServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** What it wrote to stderr so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

async function freeTcpPort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const address = s.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  s.close();
  await once(s, 'close');
  return port;
}

async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  const timer = new Promise<false>((r) => setTimeout(() => r(false), ms).unref());
  return Promise.race([once(child, 'exit').then(() => true), timer]);
}

/** Starts `binary` with `configYaml`; rejects (with its output) if it is not ready within `readyTimeoutMs`. */
export async function startAlertmanager(binary: string, configYaml: string, readyTimeoutMs = 10_000): Promise<AlertmanagerServer> {
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-alertmanager-'));
  const configFile = join(dir, 'alertmanager.yml');
  await writeFile(configFile, configYaml);
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => {
    if (output.length < 64 * 1024) output += s;
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await exited(child, 5000))) {
        child.kill('SIGKILL');
        await exited(child, 5000);
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`alertmanager exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`alertmanager not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url, output: () => output, stop };
}
