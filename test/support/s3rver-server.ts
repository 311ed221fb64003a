/**
 * A real S3-protocol server for tests and benchmarks: s3rver on 127.0.0.1, an
 * ephemeral port and a directory of its own, and S3 store options that reach
 * it. s3rver checks no signatures, so any key pair works.
 *
 * Known differences from S3 and MinIO: it finds common prefixes (listings
 * with delimiter '/') only one directory below the prefix, and lists a
 * directory's files before its subdirectories.
 */
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { S3StoreOptions } from '../../src/storage/index.ts';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

/** A running s3rver. */
export interface S3rverServer {
  readonly port: number;
  /** Options of an S3 store on a new bucket `bucket` of this server. */
  storeOptions(bucket: string, overrides?: Partial<S3StoreOptions>): S3StoreOptions;
  close(): Promise<void>;
}

/** Starts s3rver keeping its objects under `directory`. */
export async function startS3rver(directory: string): Promise<S3rverServer> {
  const instance = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await instance.run();
  return {
    port,
    storeOptions: (bucket, overrides = {}) => ({
      endPoint: '127.0.0.1',
      port,
      useSSL: false,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      region: 'us-east-1',
      bucket,
      pathStyle: true,
      timeoutMs: 5000,
      ...overrides,
    }),
    close: () => instance.close(),
  };
}
