/**
 * NodeInfo: what identifies a call-graph node, and the names pprof prints
 * for it.
 *
 * Two frames become one node exactly when their NodeInfos are equal, so the
 * fields mirror pprof's graph.NodeInfo (Go 1.19: no column numbers).
 */
import { basePath } from './go-path.ts';

/** The identity of a node: function, file, line, address and binary as kept by the granularity. */
export interface NodeInfo {
  readonly name: string;
  /** The system (mangled) name; pprof fills it only with -orig_fn_names, so '' here. */
  readonly origName: string;
  /** The location's address (uint64); 0 unless the granularity keeps addresses. */
  readonly address: bigint;
  readonly file: string;
  readonly startLine: number;
  readonly lineno: number;
  readonly objfile: string;
}

/**
 * A string that is equal for two infos exactly when all fields are equal:
 * the key of the node map (pprof's map[NodeInfo]*Node).
 */
export function nodeInfoKey(i: NodeInfo): string {
  return `${i.name}\u0000${i.origName}\u0000${i.address}\u0000${i.file}\u0000${i.startLine}\u0000${i.lineno}\u0000${i.objfile}`;
}

/**
 * The parts of a node's printable name: the address in hex if set, the
 * function name if set, then file:line, file, nothing (name present),
 * [binary], or <unknown>.
 */
export function nameComponents(i: NodeInfo): string[] {
  const name: string[] = [];
  if (i.address !== 0n) name.push(i.address.toString(16).padStart(16, '0'));
  if (i.name !== '') name.push(i.name);
  if (i.lineno !== 0) name.push(`${i.file}:${i.lineno}`);
  else if (i.file !== '') name.push(i.file);
  else if (i.name !== '') {
    // The function name is already included.
  } else if (i.objfile !== '') name.push(`[${basePath(i.objfile)}]`);
  else name.push('<unknown>');
  return name;
}

/** The single-line name pprof uses in tooltips, edge tooltips, top lists and for sorting. */
export function printableName(i: NodeInfo): string {
  return nameComponents(i).join(' ');
}

/**
 * fmt.Sprint of a Go 1.19 NodeInfo struct (`{Name OrigName Address File
 * StartLine Lineno Objfile}`), pprof's last-resort sort key between nodes.
 */
export function sprintNodeInfo(i: NodeInfo): string {
  return `{${i.name} ${i.origName} ${i.address} ${i.file} ${i.startLine} ${i.lineno} ${i.objfile}}`;
}
