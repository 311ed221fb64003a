/**
 * The set of targets the service may profile right now. Static targets come
 * from configuration; the Kubernetes source adds discovered pods behind the
 * same interface. Callers address targets by id or by a selector — never by URL.
 */
import { GopprofError } from '../errors.ts';
import { parseLabelSelector } from './label-selector.ts';
import type { Target } from './target.ts';

/** How a caller names a group of targets. */
export interface TargetSelector {
  /** Explicit target ids (or static names / `namespace/pod` names). */
  readonly ids?: readonly string[];
  /** Kubernetes-style equality selector over target labels: `app=api,tier!=db,env`. */
  readonly labelSelector?: string;
  readonly namespace?: string;
  /** Owning workload name (Deployment/StatefulSet/DaemonSet). */
  readonly workload?: string;
}

export interface TargetRegistry {
  /** All targets, sorted by id. */
  list(): readonly Target[];
  /** The target with this id or name; TARGET_UNKNOWN otherwise. */
  get(idOrName: string): Target;
  /** Targets matching a selector, sorted by id. An empty selector matches nothing. */
  select(selector: TargetSelector): readonly Target[];
  /**
   * False once the target is gone (a deleted or replaced pod), so a capture
   * whose fetch then fails can say TARGET_GONE instead of a network error.
   * Optional: a registry without it counts a target as current while listed.
   */
  isCurrent?(targetId: string, signal?: AbortSignal): Promise<boolean>;
}

/** Applies a selector to a list of targets (shared by every registry). */
export function selectTargets(targets: readonly Target[], selector: TargetSelector): Target[] {
  const hasCriteria = Boolean(selector.ids?.length || selector.labelSelector || selector.workload);
  if (!hasCriteria) {
    throw new GopprofError('OPTION_INVALID', 'a group needs target ids, a label selector or a workload');
  }
  const match = selector.labelSelector ? parseLabelSelector(selector.labelSelector) : () => true;
  const ids = selector.ids?.length ? new Set(selector.ids) : undefined;
  return targets.filter(
    (t) =>
      (!ids || ids.has(t.id) || ids.has(t.name)) &&
      (!selector.namespace || t.pod?.namespace === selector.namespace) &&
      (!selector.workload || t.pod?.workload === selector.workload) &&
      match(t.labels),
  );
}

/** A registry over a fixed list (the configured static targets). */
export function createStaticTargetRegistry(
  targets: readonly { name: string; url: string; labels: Readonly<Record<string, string>>; owner: string }[],
): TargetRegistry {
  const list: Target[] = targets
    .map((t) => ({ id: `static/${t.name}`, name: t.name, pprofBaseUrl: t.url, labels: t.labels, owner: t.owner }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    list: () => list,
    get: (idOrName) => {
      const t = list.find((x) => x.id === idOrName || x.name === idOrName);
      if (!t) throw new GopprofError('TARGET_UNKNOWN', `unknown target "${idOrName}"`, { details: { target: idOrName } });
      return t;
    },
    select: (selector) => selectTargets(list, selector),
  };
}

/** Combines registries (static targets and discovered pods) into one; ids never collide by construction. */
export function combineRegistries(registries: readonly TargetRegistry[]): TargetRegistry {
  const list = () => registries.flatMap((r) => r.list()).sort((a, b) => (a.id < b.id ? -1 : 1));
  return {
    list,
    get: (idOrName) => {
      let unknown: GopprofError | undefined;
      for (const r of registries) {
        try {
          return r.get(idOrName);
        } catch (err) {
          if (!(err instanceof GopprofError && err.code === 'TARGET_UNKNOWN')) throw err;
          // Keep the most specific reason (e.g. "pod is not a target: not ready").
          if (!unknown || err.message.length > unknown.message.length) unknown = err;
        }
      }
      throw unknown ?? new GopprofError('TARGET_UNKNOWN', `unknown target "${idOrName}"`, { details: { target: idOrName } });
    },
    select: (selector) => selectTargets(list(), selector),
    isCurrent: async (targetId, signal) => {
      for (const r of registries) {
        if (r.isCurrent ? await r.isCurrent(targetId, signal) : r.list().some((t) => t.id === targetId)) return true;
      }
      return false;
    },
  };
}
