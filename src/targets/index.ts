export { isProfileType, PROFILE_TYPES, type ProfileType, type Target } from './target.ts';
export {
  combineRegistries,
  createStaticTargetRegistry,
  parseLabelSelector,
  selectTargets,
  type TargetRegistry,
  type TargetSelector,
} from './target-registry.ts';
