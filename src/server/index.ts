/**
 * The gRPC API: ProfilerService over the capture use case, with reflection
 * and health. Generated proto types stop here (and in cli/).
 */
export {
  type AutoProfilerStatusProvider,
  type AutoProfilerStatusView,
  autoProfilerStatusToProto,
} from './auto-profiler-status.ts';
export { type BindOptions, bindService, type CallContext, type ServiceHandlers, type ServiceHandlersOf } from './bind-service.ts';
export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from './create-grpc-server.ts';
export { ERROR_CODE_METADATA_KEY, ERROR_STATUS, errorStatus } from './error-status.ts';
export {
  type NotificationKindName,
  type NotificationReceiverView,
  type NotificationStatusProvider,
  notificationReceiverToProto,
} from './notification-status.ts';
export { parseLabelSelector } from '../targets/index.ts';
export { DEFAULT_SERVER_LIMITS, resolveServerLimits, type ServerLimits } from './server-limits.ts';
export { serviceDefinition } from './service-definition.ts';
export { type TargetProblemsProvider, type TargetProblemView, targetProblemToProto } from './target-problems.ts';
