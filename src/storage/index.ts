/**
 * The object store: one interface, a local-directory store, an S3/MinIO
 * store, and a spooling decorator that keeps captures on local disk while the
 * primary store is down. Everything outside src/storage/ imports from here.
 */
export type {
  ObjectInfo,
  ObjectStat,
  ObjectStore,
  PutOptions,
  PutResult,
  StoredIn,
  UrlOptions,
} from './object-store.ts';
export { MAX_KEY_LENGTH, validateKeyPrefix, validateObjectKey } from './object-key.ts';
export { MAX_EXPIRES_SECONDS, MAX_METADATA_BYTES } from './put-options.ts';
export { createLocalStore, type LocalStoreOptions } from './local-store.ts';
export { type LocalArtifact, readLocalArtifact } from './read-local-artifact.ts';
export { createS3Store, S3_STORE_DEFAULTS, type S3StoreOptions } from './s3-store.ts';
export { createSpoolingStore, type SpoolingStore, type SpoolingStoreOptions } from './spooling-store.ts';
export type { SpoolEvent, SpoolLogger, SpoolStats, SpoolTimers } from './spool-event.ts';
