/**
 * The `gopprof` command: `gopprof pprof …` runs the engine on a file,
 * `gopprof serve` runs the service.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { type CliIo, runPprof } from './run-pprof.ts';

const USAGE = `usage: gopprof <command> [arguments]

commands:
  pprof [flags] <profile>   report on a profile as go tool pprof does (-dot, -svg, -top); -help lists flags
  serve                     run the gopprof service (same as npm start)
`;

/** The real effects of the command line. */
export function processIo(): CliIo {
  return {
    readFile: async (path) => new Uint8Array(await readFile(path)),
    writeFile: (path, data) => writeFile(path, data),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}

/** Runs the command line; returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'pprof':
      return runPprof(rest, io);
    case 'serve': {
      const { runService } = await import('../main.ts');
      return runService(rest);
    }
    case undefined:
    case 'help':
    case '-h':
    case '-help':
    case '--help':
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`gopprof: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}
