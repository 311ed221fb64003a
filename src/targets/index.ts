export { isProfileType, PROFILE_TYPES, type ProfileType, type Target } from './target.ts';
export {
  combineRegistries,
  createStaticTargetRegistry,
  selectTargets,
  type TargetRegistry,
  type TargetSelector,
} from './target-registry.ts';
export { type LabelMatcher, parseLabelSelector } from './label-selector.ts';
export { type KubernetesApiCall, KUBERNETES_API_CALLS } from './kubernetes-api-calls.ts';
export { type KubeConfigOrigin, type KubeConfigSource, loadKubeConfig } from './kubernetes-kube-config.ts';
export type { KubernetesPod } from './kubernetes-pod.ts';
export { DEFAULT_PPROF_PATH, type KubernetesTargetProblem, PPROF_PORT_NAME, podToTarget } from './kubernetes-pod-target.ts';
export { type DiscoveryClock, SYSTEM_CLOCK, type WatchScopeStatus } from './kubernetes-pod-watcher.ts';
export {
  createKubernetesTargetRegistry,
  KUBERNETES_REGISTRY_DEFAULTS,
  type KubernetesTargetRegistry,
  type KubernetesTargetRegistryOptions,
} from './kubernetes-target-registry.ts';
