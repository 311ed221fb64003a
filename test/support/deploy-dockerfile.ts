/**
 * Reads a Dockerfile into stages and instructions, with ARG defaults
 * substituted in FROM lines, so deploy.test.ts can check the image's recipe
 * (base image, user, ports, entrypoint, what is copied and run) on a machine
 * where no Docker engine can build it.
 */

/** One instruction: its keyword in upper case, its arguments as written (continuations joined), and its line. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

/** One build stage: the resolved base image, its name (`AS name`), its instructions after FROM. */
export interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** A parsed Dockerfile. */
export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  readonly globalArgs: ReadonlyMap<string, string>;
  readonly stages: readonly Stage[];
}

/** Splits lines, drops comments and parser directives, joins `\` continuations. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line)) continue;
    if (pending === '') {
      if (line.trim() === '') continue;
      start = i + 1;
    }
    if (/\\\s*$/.test(line)) {
      pending += `${line.replace(/\\\s*$/, '')} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(full);
    if (m) out.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start });
  }
  if (pending !== '') throw new Error(`Dockerfile line ${start}: continuation at end of file`);
  return out;
}

function substitute(s: string, vars: ReadonlyMap<string, string>): string {
  return s.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => vars.get(name) ?? whole);
}

/** Parses a Dockerfile's text. */
export function parseDockerfile(text: string): Dockerfile {
  const globalArgs = new Map<string, string>();
  const stages: { from: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const ins of instructions(text)) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`Dockerfile line ${ins.line}: cannot read FROM ${ins.args}`);
      stages.push({ from: substitute(m[1], globalArgs), name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== 'ARG') throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} before FROM`);
      const [name, ...value] = ins.args.split('=');
      globalArgs.set(name.trim(), value.join('=').trim());
    } else stages[stages.length - 1].instructions.push(ins);
  }
  return { globalArgs, stages };
}

/** The JSON (exec) form of ENTRYPOINT, CMD, VOLUME…; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  const v = JSON.parse(args) as unknown;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`not a JSON list of strings: ${args}`);
  return v as string[];
}

/** `--flag=value` options and the remaining words of COPY/ADD; the last word is the destination. */
export function copyArgs(args: string): { flags: Map<string, string>; sources: string[]; dest: string } {
  const words = execForm(args) ?? args.split(/\s+/);
  const flags = new Map<string, string>();
  while (words[0]?.startsWith('--')) {
    const [k, ...v] = words.shift()!.slice(2).split('=');
    flags.set(k, v.join('='));
  }
  return { flags, sources: words.slice(0, -1), dest: words[words.length - 1] };
}

/** The variables of ENV instructions (`K=V K2="V 2"` and the legacy `K V` form). */
export function envVars(ins: readonly Instruction[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const i of ins) {
    if (i.keyword !== 'ENV') continue;
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(i.args)) {
      const [k, ...v] = i.args.split(/\s+/);
      out.set(k, v.join(' '));
      continue;
    }
    for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
      const v = m[2];
      out.set(m[1], /^["']/.test(v) ? v.slice(1, -1) : v);
    }
  }
  return out;
}
