export type {
  AutoProfilerRuleConfig,
  AutoProfilerSourceConfig,
  Config,
  NotifyReceiverConfig,
  S3Config,
  StaticTargetConfig,
} from './config.ts';
export { DEFAULT_CONFIG } from './config.ts';
export { type ConfigSource, configEnvNames, loadConfig } from './load-config.ts';
