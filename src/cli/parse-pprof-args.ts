/**
 * Parses `gopprof pprof` arguments the way `go tool pprof` reads its report
 * flags (Go's `flag` package: `-name=value`, `-name value`, `--name`, booleans
 * as `-name` or `-name=true`, flags stop at the first non-flag or `--`), so a
 * command line written for pprof works unchanged.
 */
import { GopprofError } from '../errors.ts';

export type OutputFormat = 'dot' | 'svg' | 'top';

/** What a `gopprof pprof` command line asks for. */
export interface PprofArgs {
  readonly format: OutputFormat;
  readonly output: string;
  readonly sampleIndex: string;
  readonly nodeCount: number;
  readonly nodeFraction: number;
  readonly edgeFraction: number;
  readonly focus: string;
  readonly ignore: string;
  readonly hide: string;
  readonly show: string;
  readonly lines: boolean;
  readonly diffBase: string;
  readonly base: string;
  readonly maxDecompressedBytes: number | undefined;
  readonly help: boolean;
  readonly sources: readonly string[];
}

type Kind = 'bool' | 'string' | 'int' | 'float' | 'bytes';

interface FlagSpec {
  readonly kind: Kind;
  readonly help: string;
  /** Applies the flag's value to the args being built. */
  readonly set: (a: Mutable<PprofArgs>, v: string | number | boolean) => void;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const format = (f: OutputFormat) => (a: Mutable<PprofArgs>, v: string | number | boolean) => {
  if (v === true) a.format = f;
};
const sampleAlias = (name: string) => (a: Mutable<PprofArgs>, v: string | number | boolean) => {
  if (v === true) a.sampleIndex = name;
};

/** The flags we accept, in pprof's spelling. */
export const PPROF_FLAGS: Readonly<Record<string, FlagSpec>> = {
  dot: { kind: 'bool', help: 'Outputs a graph in DOT format', set: format('dot') },
  svg: { kind: 'bool', help: 'Outputs a graph in SVG format', set: format('svg') },
  top: { kind: 'bool', help: 'Outputs top entries in text form', set: format('top') },
  text: { kind: 'bool', help: 'Same as -top', set: format('top') },
  output: { kind: 'string', help: 'Output filename for file-based outputs', set: (a, v) => (a.output = String(v)) },
  o: { kind: 'string', help: 'Same as -output', set: (a, v) => (a.output = String(v)) },
  sample_index: {
    kind: 'string',
    help: 'Sample value to report (0-based index or name)',
    set: (a, v) => (a.sampleIndex = String(v)),
  },
  nodecount: { kind: 'int', help: 'Max number of nodes to show', set: (a, v) => (a.nodeCount = Number(v)) },
  nodefraction: {
    kind: 'float',
    help: 'Hide nodes below <f>*total',
    set: (a, v) => (a.nodeFraction = Number(v)),
  },
  edgefraction: {
    kind: 'float',
    help: 'Hide edges below <f>*total',
    set: (a, v) => (a.edgeFraction = Number(v)),
  },
  focus: { kind: 'string', help: 'Restricts to samples going through a node matching regexp', set: (a, v) => (a.focus = String(v)) },
  ignore: { kind: 'string', help: 'Skips paths going through any nodes matching regexp', set: (a, v) => (a.ignore = String(v)) },
  hide: { kind: 'string', help: 'Skips nodes matching regexp', set: (a, v) => (a.hide = String(v)) },
  show: { kind: 'string', help: 'Only show nodes matching regexp', set: (a, v) => (a.show = String(v)) },
  lines: { kind: 'bool', help: 'Report at source line level', set: (a, v) => (a.lines = v === true) },
  functions: { kind: 'bool', help: 'Report at function level [default]', set: (a, v) => (a.lines = v !== true) },
  diff_base: { kind: 'string', help: 'Source of base profile for comparison', set: (a, v) => (a.diffBase = String(v)) },
  base: { kind: 'string', help: 'Source of base profile for profile subtraction', set: (a, v) => (a.base = String(v)) },
  inuse_space: { kind: 'bool', help: 'Same as -sample_index=inuse_space', set: sampleAlias('inuse_space') },
  inuse_objects: { kind: 'bool', help: 'Same as -sample_index=inuse_objects', set: sampleAlias('inuse_objects') },
  alloc_space: { kind: 'bool', help: 'Same as -sample_index=alloc_space', set: sampleAlias('alloc_space') },
  alloc_objects: { kind: 'bool', help: 'Same as -sample_index=alloc_objects', set: sampleAlias('alloc_objects') },
  total_delay: { kind: 'bool', help: 'Same as -sample_index=delay', set: sampleAlias('delay') },
  contentions: { kind: 'bool', help: 'Same as -sample_index=contentions', set: sampleAlias('contentions') },
  symbolize: {
    kind: 'string',
    help: 'Accepted for compatibility; gopprof never symbolizes (profiles from Go are symbolized)',
    set: () => {},
  },
  max_decompressed: {
    kind: 'bytes',
    help: 'Cap on the decompressed profile size, e.g. 512MB',
    set: (a, v) => (a.maxDecompressedBytes = Number(v)),
  },
  help: { kind: 'bool', help: 'Prints this help', set: (a, v) => (a.help = v === true) },
  h: { kind: 'bool', help: 'Same as -help', set: (a, v) => (a.help = v === true) },
};

const DEFAULTS: PprofArgs = {
  format: 'dot',
  output: '',
  sampleIndex: '',
  nodeCount: -1,
  nodeFraction: 0.005,
  edgeFraction: 0.001,
  focus: '',
  ignore: '',
  hide: '',
  show: '',
  lines: false,
  diffBase: '',
  base: '',
  maxDecompressedBytes: undefined,
  help: false,
  sources: [],
};

function usage(message: string): GopprofError {
  return new GopprofError('OPTION_INVALID', message);
}

const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 2 ** 10, mb: 2 ** 20, gb: 2 ** 30 };

function parseValue(name: string, kind: Kind, raw: string): string | number | boolean {
  switch (kind) {
    case 'bool':
      if (/^(1|t|T|TRUE|true|True)$/.test(raw)) return true;
      if (/^(0|f|F|FALSE|false|False)$/.test(raw)) return false;
      throw usage(`invalid boolean value "${raw}" for flag -${name}`);
    case 'int': {
      if (!/^[+-]?\d+$/.test(raw)) throw usage(`invalid value "${raw}" for flag -${name}: want an integer`);
      const n = Number(raw);
      if (!Number.isSafeInteger(n)) throw usage(`invalid value "${raw}" for flag -${name}: out of range`);
      return n;
    }
    case 'float': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw usage(`invalid value "${raw}" for flag -${name}: want a number`);
      if (n < 0 || n > 1) throw usage(`invalid value "${raw}" for flag -${name}: want a fraction between 0 and 1`);
      return n;
    }
    case 'bytes': {
      const m = /^(\d+)\s*([a-zA-Z]*)$/.exec(raw.trim());
      const factor = m ? BYTE_UNITS[m[2].toLowerCase()] : undefined;
      if (!m || factor === undefined || Number(m[1]) <= 0) {
        throw usage(`invalid value "${raw}" for flag -${name}: want a size such as 512MB`);
      }
      return Number(m[1]) * factor;
    }
    case 'string':
      return raw;
  }
}

/**
 * Parses the arguments after `gopprof pprof`. Throws GopprofError
 * OPTION_INVALID naming the bad flag or value.
 */
export function parsePprofArgs(argv: readonly string[]): PprofArgs {
  const a: Mutable<PprofArgs> = { ...DEFAULTS };
  const formats: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (arg.length < 2 || arg[0] !== '-') break;
    const body = arg.startsWith('--') ? arg.slice(2) : arg.slice(1);
    if (body === '' || body.startsWith('-') || body.startsWith('=')) throw usage(`bad flag syntax: ${arg}`);
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const spec = Object.hasOwn(PPROF_FLAGS, name) ? PPROF_FLAGS[name] : undefined;
    if (!spec) throw usage(`flag provided but not defined: -${name} (see gopprof pprof -help)`);
    let raw: string;
    if (eq >= 0) raw = body.slice(eq + 1);
    else if (spec.kind === 'bool') raw = 'true';
    else {
      if (i + 1 >= argv.length) throw usage(`flag needs an argument: -${name}`);
      raw = argv[++i];
    }
    const value = parseValue(name, spec.kind, raw);
    if (name === 'dot' || name === 'svg' || name === 'top' || name === 'text') {
      if (value === true) formats.push(name);
    }
    spec.set(a, value);
  }
  if (formats.length > 1) throw usage(`only one output format may be given, got -${formats.join(' -')}`);
  a.sources = argv.slice(i);
  if (a.help) return a;
  if (a.sources.length === 0) throw usage('missing profile: gopprof pprof [flags] <profile.pb.gz>');
  if (a.sources.length > 1) throw usage(`expected one profile, got ${a.sources.length}: ${a.sources.join(' ')}`);
  if (a.diffBase && a.base) throw usage('-diff_base and -base cannot be used together');
  if (a.nodeCount < -1) throw usage(`invalid value "${a.nodeCount}" for flag -nodecount: want 0 or more`);
  return a;
}

/** The help text of `gopprof pprof`. */
export function pprofUsage(): string {
  const lines = ['usage: gopprof pprof [flags] <profile.pb.gz>', '', 'Flags (as in go tool pprof):'];
  for (const [name, spec] of Object.entries(PPROF_FLAGS)) {
    const arg = spec.kind === 'bool' ? '' : ` <${spec.kind}>`;
    lines.push(`  -${name}${arg}`.padEnd(28) + spec.help);
  }
  return `${lines.join('\n')}\n`;
}
