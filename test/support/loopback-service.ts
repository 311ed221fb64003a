/**
 * Running the whole service (startService) on loopback in a test and talking
 * to it over gRPC: the environment that puts it on ephemeral loopback ports
 * with a local store, and a ProfilerService client whose unary methods are
 * promises.
 */
import { credentials, Metadata, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { ProfilerService } from '../../src/gen/gopprof/v1/profiler_pb.js';
import { serviceDefinition } from '../../src/server/index.ts';

/** loadConfig environment for gRPC and HTTP on ephemeral 127.0.0.1 ports and the local store at `storeDir`. */
export function loopbackServiceEnv(storeDir: string): Record<string, string> {
  return {
    GOPPROF_GRPC_HOST: '127.0.0.1',
    GOPPROF_GRPC_PORT: '0',
    GOPPROF_HTTP_HOST: '127.0.0.1',
    GOPPROF_HTTP_PORT: '0',
    GOPPROF_STORAGE_LOCAL_DIR: storeDir,
  };
}

/** A ProfilerService client for tests. */
export interface ProfilerTestClient {
  /** Calls unary `method` (grpc-js's name, e.g. 'profilePod'); rejects with the call's ServiceError. */
  call<T>(method: string, request: unknown): Promise<T>;
  close(): void;
}

type Unary = (req: unknown, md: Metadata, cb: (err: ServiceError | null, res?: unknown) => void) => void;

/** Connects to the ProfilerService on 127.0.0.1:`port` (plaintext). Close it when done. */
export function connectProfiler(port: number): ProfilerTestClient {
  const Ctor = makeGenericClientConstructor(serviceDefinition(ProfilerService), 'ProfilerService');
  const client = new Ctor(`127.0.0.1:${port}`, credentials.createInsecure());
  const methods = client as unknown as Record<string, Unary>;
  return {
    call: <T>(method: string, request: unknown) =>
      new Promise<T>((resolve, reject) => {
        methods[method].call(client, request, new Metadata(), (err, res) => (err ? reject(err) : resolve(res as T)));
      }),
    close: () => client.close(),
  };
}
