export { isProfileType, PROFILE_TYPES, type ProfileType, type Target } from './target.ts';
export {
  combineRegistries,
  createStaticTargetRegistry,
  selectTargets,
  type TargetRegistry,
  type TargetSelector,
} from './target-registry.ts';
export { type LabelMatcher, parseLabelSelector } from './label-selector.ts';
