/**
 * The Node flags a pool's worker threads start with.
 */

/**
 * Workers inherit the parent's Node flags (undefined), except under
 * `node --input-type=module -e …`, where the inherited --input-type kills
 * every worker at start; then they get none. (Passing a filtered list instead
 * fails: Node rejects per-process flags given to a worker explicitly.)
 */
export function workerExecArgv(): string[] | undefined {
  return process.execArgv.some((arg) => arg.startsWith('--input-type')) ? [] : undefined;
}
