/**
 * Turns the ways a caller names targets (a TargetRef, a GroupSelector) into
 * the targets the service knows. Callers only ever name targets; the service
 * resolves names against its own list and fetches from addresses it owns.
 */
import { GopprofError } from '../errors.ts';
import type { Target } from '../targets/target.ts';
import { parseLabelSelector } from '../targets/index.ts';

/** One target, named by id, by human name, or (for pods) by namespace and name. */
export type TargetRefInput =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'pod'; readonly namespace: string; readonly name: string };

/** A group of targets; every criterion that is set must hold. */
export interface GroupSelectorInput {
  readonly namespace: string;
  readonly labelSelector: string;
  readonly workload: string;
  readonly targetIds: readonly string[];
}

function describe(ref: TargetRefInput): string {
  if (ref.kind === 'id') return `id ${JSON.stringify(ref.id)}`;
  if (ref.kind === 'name') return `name ${JSON.stringify(ref.name)}`;
  return `pod ${ref.namespace}/${ref.name}`;
}

/**
 * The id of the target `ref` names. An id is passed through as given (the
 * capture service rejects an unknown one with TARGET_UNKNOWN); a name or pod
 * must match exactly one known target.
 */
export function resolveTargetId(ref: TargetRefInput, targets: readonly Target[]): string {
  if (ref.kind === 'id') return ref.id;
  const matches =
    ref.kind === 'name'
      ? targets.filter((t) => t.name === ref.name)
      : targets.filter((t) => t.pod?.namespace === ref.namespace && t.pod.name === ref.name);
  if (matches.length === 0) {
    throw new GopprofError('TARGET_UNKNOWN', `no target with ${describe(ref)}`, { details: { target: describe(ref) } });
  }
  if (matches.length > 1) {
    throw new GopprofError(
      'OPTION_INVALID',
      `${describe(ref)} matches ${matches.length} targets (${matches.map((t) => t.id).join(', ')}); name one by id`,
      { details: { field: 'target' } },
    );
  }
  return matches[0].id;
}

/** True when no criterion is set: such a selector would mean "everything". */
export function isEmptySelector(selector: GroupSelectorInput): boolean {
  return selector.namespace === '' && selector.labelSelector.trim() === '' && selector.workload === '' && selector.targetIds.length === 0;
}

/**
 * The known targets `selector` matches, in the order of `targets`. Every id in
 * `targetIds` must be known (TARGET_UNKNOWN otherwise), so a typo fails the
 * request instead of silently profiling fewer targets. An empty selector
 * matches all targets; callers that must not allow that check isEmptySelector.
 */
export function selectTargets(selector: GroupSelectorInput, targets: readonly Target[]): Target[] {
  const matchesLabels = parseLabelSelector(selector.labelSelector);
  let ids: Set<string> | undefined;
  if (selector.targetIds.length > 0) {
    ids = new Set(selector.targetIds);
    const known = new Set(targets.map((t) => t.id));
    const unknown = [...ids].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new GopprofError('TARGET_UNKNOWN', `unknown target ids: ${unknown.join(', ')}`, {
        details: { targets: unknown.join(',') },
      });
    }
  }
  return targets.filter((t) => (ids === undefined || ids.has(t.id)) && matchesPlace(selector, matchesLabels, t));
}

/** What a selector looks at besides ids: a target's or a problem pod's place and labels. */
interface Selectable {
  readonly labels: Readonly<Record<string, string>>;
  readonly pod?: { readonly namespace: string; readonly workload: string };
}

function matchesPlace(selector: GroupSelectorInput, matchesLabels: (labels: Readonly<Record<string, string>>) => boolean, s: Selectable): boolean {
  return (
    (selector.namespace === '' || s.pod?.namespace === selector.namespace) &&
    (selector.workload === '' || s.pod?.workload === selector.workload) &&
    matchesLabels(s.labels)
  );
}

/**
 * The pods that are not targets (ListTargets' problems) that `selector`
 * picks, as selectTargets would pick them were they targets: by namespace,
 * workload and labels. A selector naming target ids picks none: those name
 * targets, and a pod with a problem is not one.
 */
export function selectProblems<P extends Selectable>(selector: GroupSelectorInput, problems: readonly P[]): P[] {
  if (selector.targetIds.length > 0) return [];
  const matchesLabels = parseLabelSelector(selector.labelSelector);
  return problems.filter((p) => matchesPlace(selector, matchesLabels, p));
}
