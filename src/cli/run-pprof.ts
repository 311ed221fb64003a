/**
 * `gopprof pprof`: the engine as a command, a drop-in for the report part of
 * `go tool pprof` (-dot, -svg, -top) that needs neither Go nor graphviz.
 */
import { GopprofError } from '../errors.ts';
import { combineProfiles, decodeProfile, type Profile } from '../pprof/index.ts';
import { generateDot, generateTop, type ReportOptions } from '../report/index.ts';
import { renderSvgInProcess } from '../render/index.ts';
import { type PprofArgs, parsePprofArgs, pprofUsage } from './parse-pprof-args.ts';

/** The effects `gopprof pprof` needs; main.ts passes the real ones, tests their own. */
export interface CliIo {
  readonly readFile: (path: string) => Promise<Uint8Array>;
  readonly writeFile: (path: string, data: string) => Promise<void>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

function reportOptions(args: PprofArgs): Partial<ReportOptions> {
  return {
    sampleIndex: args.sampleIndex,
    nodeCount: args.nodeCount,
    nodeFraction: args.nodeFraction,
    edgeFraction: args.edgeFraction,
    focus: args.focus,
    ignore: args.ignore,
    hide: args.hide,
    show: args.show,
    granularity: args.lines ? 'lines' : 'functions',
  };
}

async function load(io: CliIo, path: string, args: PprofArgs): Promise<Profile> {
  let bytes: Uint8Array;
  try {
    bytes = await io.readFile(path);
  } catch (err) {
    throw new GopprofError('OPTION_INVALID', `cannot read profile ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return decodeProfile(bytes, args.maxDecompressedBytes ? { maxDecompressedBytes: args.maxDecompressedBytes } : {});
  } catch (err) {
    if (err instanceof GopprofError) {
      throw new GopprofError(err.code, `${path}: ${err.message}`, { cause: err, details: err.details });
    }
    throw err;
  }
}

/** Builds the requested report text (DOT, SVG or top) for parsed arguments. */
export async function buildReport(io: CliIo, args: PprofArgs): Promise<string> {
  let profile = await load(io, args.sources[0], args);
  if (args.diffBase) profile = combineProfiles(profile, await load(io, args.diffBase, args), 'diff_base');
  else if (args.base) profile = combineProfiles(profile, await load(io, args.base, args), 'base');
  const options = reportOptions(args);
  if (args.format === 'top') return generateTop(profile, options);
  const dot = generateDot(profile, options);
  if (args.format === 'dot') return dot;
  return renderSvgInProcess(dot);
}

/**
 * Runs `gopprof pprof <argv>`; returns the process exit code: 0 on success,
 * 2 for a usage error, 1 for a profile or rendering error.
 */
export async function runPprof(argv: readonly string[], io: CliIo): Promise<number> {
  let args: PprofArgs;
  try {
    args = parsePprofArgs(argv);
  } catch (err) {
    io.stderr(`gopprof pprof: ${(err as Error).message}\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(pprofUsage());
    return 0;
  }
  let text: string;
  try {
    text = await buildReport(io, args);
  } catch (err) {
    if (err instanceof GopprofError) {
      io.stderr(`gopprof pprof: ${err.code}: ${err.message}\n`);
      return err.code === 'OPTION_INVALID' || err.code === 'REGEXP_INVALID' || err.code === 'SAMPLE_INDEX_INVALID'
        ? 2
        : 1;
    }
    throw err;
  }
  if (!args.output) {
    io.stdout(text);
    return 0;
  }
  try {
    await io.writeFile(args.output, text);
  } catch (err) {
    // A missing directory or a full disk: say so, like pprof, instead of a stack trace.
    io.stderr(`gopprof pprof: cannot write ${args.output}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return 0;
}
