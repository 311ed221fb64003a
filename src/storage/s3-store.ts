/**
 * An object store on S3 or MinIO through the minio client: the primary store
 * of a cluster install, shared by all replicas so ListCaptures sees every
 * capture after restarts.
 *
 * Deadlines: minio's calls take no AbortSignal, so each operation runs under
 * `withDeadline` and its signal reaches the sockets through an
 * AsyncLocalStorage read by a custom transport: when the deadline or the
 * caller's signal fires, the HTTP request itself is destroyed. Nothing of an
 * abandoned operation keeps running except minio's own promise chain, which
 * settles with the abort error and is dropped.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Client, type ClientOptions } from 'minio';
import { GopprofError, isGopprofError } from '../errors.ts';
import { validateKeyPrefix, validateObjectKey } from './object-key.ts';
import type { ObjectInfo, ObjectStat, ObjectStore, PutOptions, PutResult, UrlOptions } from './object-store.ts';
import { validatePutOptions, validateUrlOptions } from './put-options.ts';
import { s3Error } from './s3-error.ts';
import { withDeadline } from './with-deadline.ts';

export interface S3StoreOptions {
  /** Host name or IP of the S3 API, without scheme or port. */
  readonly endPoint: string;
  readonly port: number;
  readonly useSSL: boolean;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  readonly bucket: string;
  /** Path-style addressing (MinIO, s3rver); false for virtual-host style. */
  readonly pathStyle: boolean;
  /**
   * The address people use to reach the store, e.g. 'https://minio.example.com',
   * when it differs from endPoint (a cluster-internal service name). Presigned
   * links are signed for it, since the host is part of the signature.
   */
  readonly publicEndpoint?: string;
  /** Deadline of each operation, connection to last byte. */
  readonly timeoutMs?: number;
  /** Keys per list request (S3's maximum is 1000). */
  readonly listPageSize?: number;
}

/** Defaults of the optional settings. */
export const S3_STORE_DEFAULTS = { timeoutMs: 30_000, listPageSize: 1000 } as const;

/** Creates a store on `options.bucket`; the bucket is created on first use if missing. */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const { bucket, region } = options;
  const timeoutMs = options.timeoutMs ?? S3_STORE_DEFAULTS.timeoutMs;
  const pageSize = Math.min(options.listPageSize ?? S3_STORE_DEFAULTS.listPageSize, 1000);
  const where = `${options.useSSL ? 'https' : 'http'}://${options.endPoint}:${options.port}/${bucket}`;
  const requestSignal = new AsyncLocalStorage<AbortSignal>();
  const client = newClient(options, requestSignal);
  const publicClient = options.publicEndpoint ? newPublicClient(options, options.publicEndpoint) : client;
  let bucketReady: Promise<void> | undefined;

  /** Runs one minio call with a deadline, its signal visible to the transport. */
  function run<T>(op: string, key: string, signal: AbortSignal | undefined, call: () => Promise<T>): Promise<T> {
    return withDeadline(`s3 ${op} ${key === '' ? '' : `'${key}' `}on ${where}`, timeoutMs, signal, (s) =>
      requestSignal.run(s, call),
    ).catch((err: unknown) => {
      const mapped = s3Error(op, key, where, err);
      if (mapped.details.s3Code === 'NoSuchBucket') bucketReady = undefined; // deleted behind our back: re-create
      throw mapped;
    });
  }

  /**
   * Creates the bucket once; a failure is forgotten so the next operation tries again.
   * The attempt runs under the signal of the caller that started it, so cancelling that
   * caller leaves nothing running; other callers waiting on it then start their own.
   */
  async function ensureBucket(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (bucketReady === undefined) {
        const attempt = run('create bucket', '', signal, async () => {
          if (await client.bucketExists(bucket)) return;
          try {
            await client.makeBucket(bucket, region);
          } catch (err) {
            if (!(await client.bucketExists(bucket))) throw err; // lost a race with another replica: fine
          }
        });
        bucketReady = attempt;
        attempt.catch(() => {
          if (bucketReady === attempt) bucketReady = undefined;
        });
      }
      const current = bucketReady;
      try {
        return await withDeadline(`s3 create bucket on ${where}`, timeoutMs, signal, () => current);
      } catch (err) {
        // Another caller's cancellation ended the shared attempt: ours is still wanted, try again.
        if (isGopprofError(err, 'ABORTED') && !signal?.aborted) {
          if (bucketReady === current) bucketReady = undefined;
          continue;
        }
        throw err;
      }
    }
  }

  async function put(key: string, body: Uint8Array, putOptions: PutOptions, signal?: AbortSignal): Promise<PutResult> {
    validateObjectKey(key);
    validatePutOptions(putOptions);
    await ensureBucket(signal);
    const headers: Record<string, string> = { 'Content-Type': putOptions.contentType };
    for (const [name, value] of Object.entries(putOptions.metadata ?? {})) headers[`X-Amz-Meta-${name}`] = value;
    const buffer = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    await run('put', key, signal, () => client.putObject(bucket, key, buffer, buffer.byteLength, headers));
    return { key, size: body.byteLength, storedIn: 'primary' };
  }

  async function get(key: string, signal?: AbortSignal): Promise<Uint8Array> {
    validateObjectKey(key);
    await ensureBucket(signal);
    return run('get', key, signal, async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of (await client.getObject(bucket, key)) as Readable) chunks.push(chunk as Buffer);
      const whole = Buffer.concat(chunks);
      return new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength);
    });
  }

  async function head(key: string, signal?: AbortSignal): Promise<ObjectStat> {
    validateObjectKey(key);
    await ensureBucket(signal);
    const stat = await run('head', key, signal, () => client.statObject(bucket, key));
    const metadata: Record<string, string> = {};
    let contentType = 'application/octet-stream';
    for (const [name, value] of Object.entries(stat.metaData)) {
      const lower = name.toLowerCase();
      if (lower === 'content-type') contentType = String(value);
      else if (isUserMetadataName(lower)) metadata[lower] = String(value);
    }
    return { key, size: stat.size, lastModified: stat.lastModified, contentType, metadata };
  }

  async function* list(prefix: string, signal?: AbortSignal): AsyncIterable<ObjectInfo> {
    validateKeyPrefix(prefix);
    await ensureBucket(signal);
    // ListObjects v1 with a marker: every S3 speaks it, and s3rver's v2 continuation tokens fail on OpenSSL 3.
    let marker = '';
    for (;;) {
      const page = await run('list', prefix, signal, () =>
        client.listObjectsQuery(bucket, prefix, marker, { Delimiter: '', MaxKeys: pageSize }),
      );
      let last = '';
      for (const item of page.objects) {
        if (typeof item.name !== 'string') continue; // a common prefix; we list without a delimiter
        last = item.name;
        yield { key: item.name, size: Number(item.size), lastModified: item.lastModified ?? new Date(0) };
      }
      if (!isTrue(page.isTruncated)) return;
      const next = page.nextMarker || last;
      if (next === '' || next <= marker) {
        throw new GopprofError('STORAGE_FAILED', `s3 list '${prefix}' on ${where}: truncated page without a next marker`);
      }
      marker = next;
    }
  }

  async function* listPrefixes(prefix: string, signal?: AbortSignal): AsyncIterable<string> {
    validateKeyPrefix(prefix);
    await ensureBucket(signal);
    let marker = '';
    let last = '';
    for (;;) {
      const page = await run('list', prefix, signal, () =>
        client.listObjectsQuery(bucket, prefix, marker, { Delimiter: '/', MaxKeys: pageSize }),
      );
      let highest = marker;
      for (const item of page.objects) {
        const key = item.prefix || item.name || '';
        if (key > highest) highest = key;
        // Prefixes only (not objects at this level), each once even if a server repeats one on the next page.
        if (!item.prefix || item.prefix <= last) continue;
        last = item.prefix;
        yield item.prefix;
      }
      if (!isTrue(page.isTruncated)) return;
      const next = page.nextMarker && page.nextMarker > marker ? page.nextMarker : highest;
      if (next === '' || next <= marker) {
        throw new GopprofError('STORAGE_FAILED', `s3 list '${prefix}' on ${where}: truncated page without a next marker`);
      }
      marker = next;
    }
  }

  async function remove(key: string, signal?: AbortSignal): Promise<void> {
    validateObjectKey(key);
    await ensureBucket(signal);
    await run('delete', key, signal, () => client.removeObject(bucket, key));
  }

  async function url(key: string, urlOptions: UrlOptions, signal?: AbortSignal): Promise<string> {
    validateObjectKey(key);
    validateUrlOptions(urlOptions);
    // Signing is local (the region is configured, so minio does not look it up).
    return run('presign', key, signal, () => publicClient.presignedGetObject(bucket, key, urlOptions.expiresSeconds));
  }

  async function check(signal?: AbortSignal): Promise<void> {
    // A live request every time: readiness must notice a store that went away after start-up.
    const exists = await run('check', '', signal, () => client.bucketExists(bucket));
    if (!exists) {
      bucketReady = undefined;
      await ensureBucket(signal);
    }
  }

  return {
    put,
    get,
    head,
    list,
    listPrefixes,
    delete: remove,
    url,
    check,
    describe: () =>
      `s3 store ${where} (region ${region}${options.publicEndpoint ? `, links via ${options.publicEndpoint}` : ''})`,
  };
}

/** minio strips 'x-amz-meta-' but also returns standard headers in the same map: keep ours only. */
function isUserMetadataName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9-]*$/.test(name) &&
    !name.startsWith('content-') &&
    !name.startsWith('x-amz-') &&
    name !== 'cache-control' &&
    name !== 'expires'
  );
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function newClient(options: S3StoreOptions, requestSignal: AsyncLocalStorage<AbortSignal>): Client {
  const base = options.useSSL ? https : http;
  const request = ((opts: http.RequestOptions, callback?: (res: http.IncomingMessage) => void) => {
    const signal = requestSignal.getStore();
    return base.request(signal ? { ...opts, signal } : opts, callback);
  }) as typeof http.request;
  return buildClient(
    {
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      pathStyle: options.pathStyle,
      transport: { request },
      // Retries belong to the spooling store; minio's also log to the console.
      retryOptions: { disableRetry: true },
    },
    `${options.endPoint}:${options.port}`,
  );
}

function newPublicClient(options: S3StoreOptions, publicEndpoint: string): Client {
  let parsed: URL;
  try {
    parsed = new URL(publicEndpoint);
  } catch (err) {
    throw new GopprofError('CONFIG_INVALID', `s3 publicEndpoint '${publicEndpoint}' is not a URL`, { cause: err });
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || (parsed.pathname !== '/' && parsed.pathname !== '')) {
    throw new GopprofError('CONFIG_INVALID', `s3 publicEndpoint '${publicEndpoint}' must be http(s)://host[:port]`);
  }
  const useSSL = parsed.protocol === 'https:';
  return buildClient(
    {
      endPoint: parsed.hostname.replace(/^\[|\]$/g, ''),
      port: parsed.port ? Number(parsed.port) : useSSL ? 443 : 80,
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      pathStyle: options.pathStyle,
    },
    publicEndpoint,
  );
}

/** minio validates its options in the constructor; its messages hold no secrets but we name the field ourselves. */
function buildClient(clientOptions: ClientOptions, where: string): Client {
  try {
    return new Client(clientOptions);
  } catch (err) {
    throw new GopprofError('CONFIG_INVALID', `s3 client for ${where}: ${(err as Error).message}`, { cause: err });
  }
}
