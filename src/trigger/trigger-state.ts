/**
 * What the auto-profiler remembers between evaluations: cooldowns per pod
 * and profile type, and the open episode of each hot workload. Immutable
 * values: evaluateRules returns a new state, so an evaluation can be replayed
 * or tested without timers.
 */
import type { ProfileType } from '../targets/index.ts';

/** An active cooldown: `pod` is not profiled automatically with `type` before `until`. */
export interface Cooldown {
  readonly namespace: string;
  readonly pod: string;
  readonly type: ProfileType;
  /** ms since the epoch. */
  readonly until: number;
}

/**
 * A hot spell of one workload. It opens when the first of its pods is
 * profiled and lasts while any of its pods is hot in the latest window (an
 * evaluation that finds none of them hot closes it), but at most
 * episodeMaxSeconds. While it is open, at most maxPodsPerWorkload distinct
 * pods of the workload are profiled.
 */
export interface Episode {
  readonly namespace: string;
  readonly workload: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  /** Pods profiled in this episode, in the order they were admitted. */
  readonly pods: readonly string[];
  /** Pods that fired but were left out because the cap was reached (latest evaluation). */
  readonly deferred: readonly string[];
}

export interface TriggerState {
  /** Keyed by cooldownKey(). */
  readonly cooldowns: ReadonlyMap<string, Cooldown>;
  /** Keyed by workloadKey(). */
  readonly episodes: ReadonlyMap<string, Episode>;
}

/** The state of an auto-profiler that has not evaluated anything yet. */
export function emptyTriggerState(): TriggerState {
  return { cooldowns: new Map(), episodes: new Map() };
}

/** Pods are keyed by name, not incarnation: a pod restarted under the same name stays in its cooldown. */
export function cooldownKey(namespace: string, pod: string, type: ProfileType): string {
  return `${namespace}/${pod}\u0000${type}`;
}

/** '' when the pod has no workload: such a pod is its own group and no cap applies. */
export function workloadKey(namespace: string, workload: string): string {
  return workload === '' ? '' : `${namespace}/${workload}`;
}

/**
 * Undoes what an evaluation recorded for a capture that never ran (the
 * service was overloaded, the pod vanished, the loop stopped): its cooldown
 * goes, so the next evaluation may try again, and the pod no longer counts
 * against its workload's cap unless `keepEpisode`.
 */
export function releaseCapture(
  state: TriggerState,
  c: { readonly namespace: string; readonly pod: string; readonly workload: string; readonly type: ProfileType; readonly until: number },
  keepEpisode = false,
): TriggerState {
  const key = cooldownKey(c.namespace, c.pod, c.type);
  let cooldowns = state.cooldowns;
  // Only the cooldown this decision set: a later one for the same pod stays.
  if (state.cooldowns.get(key)?.until === c.until) {
    const next = new Map(state.cooldowns);
    next.delete(key);
    cooldowns = next;
  }
  let episodes = state.episodes;
  const wk = workloadKey(c.namespace, c.workload);
  const e = wk === '' ? undefined : state.episodes.get(wk);
  const stillCooling = [...cooldowns.values()].some((x) => x.namespace === c.namespace && x.pod === c.pod && x.until === c.until);
  if (!keepEpisode && e?.pods.includes(c.pod) && !stillCooling) {
    const next = new Map(state.episodes);
    const pods = e.pods.filter((p) => p !== c.pod);
    if (pods.length === 0) next.delete(wk);
    else next.set(wk, { ...e, pods });
    episodes = next;
  }
  return cooldowns === state.cooldowns && episodes === state.episodes ? state : { cooldowns, episodes };
}
