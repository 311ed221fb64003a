/**
 * The real capture service as integration tests build it: the real fetch,
 * analyser and WASM renderer, small limits, fresh metrics and a silent
 * logger; a test gives the targets, a renderer and a store, and replaces any
 * other part it is testing.
 */
import {
  type CaptureDeps,
  type CaptureLimits,
  type CaptureServiceHandle,
  createAnalyzer,
  createCaptureService,
} from '../../src/capture/index.ts';
import { fetchProfile } from '../../src/fetch/index.ts';
import type { Renderer } from '../../src/render/index.ts';
import { createLocalStore, type ObjectStore } from '../../src/storage/index.ts';
import { createLogger, MetricsRegistry } from '../../src/telemetry/index.ts';

/** Where a test store's artifact links point (nothing listens there). */
export const TEST_PUBLIC_BASE_URL = 'http://gopprof.test:8078';

/** Largest profile a test service fetches, and largest it decompresses. */
const MAX_PROFILE_BYTES = 64 * 2 ** 20;

/** Limits that let a test take one-second CPU profiles and reject a 31-second one. */
export const TEST_CAPTURE_LIMITS: CaptureLimits = {
  maxConcurrent: 8,
  maxQueued: 100,
  defaultSeconds: 1,
  maxSeconds: 30,
  fetchMarginSeconds: 10,
  maxProfileBytes: MAX_PROFILE_BYTES,
  linkExpirySeconds: 3600,
};

/** What a test gives: targets, a renderer (its render() is used) and a store; any other dependency overrides the default. */
export interface TestCaptureOptions extends Partial<Omit<CaptureDeps, 'limits'>> {
  readonly targets: CaptureDeps['targets'];
  readonly renderer: Renderer;
  readonly store: ObjectStore;
  /** Overrides of TEST_CAPTURE_LIMITS. */
  readonly limits?: Partial<CaptureLimits>;
}

/** A local store under `root` whose links point at TEST_PUBLIC_BASE_URL. */
export function createTestLocalStore(root: string): ObjectStore {
  return createLocalStore({ root, publicBaseUrl: TEST_PUBLIC_BASE_URL });
}

/** The capture service's dependencies for a test (see the file comment). */
export function testCaptureDeps(options: TestCaptureOptions): CaptureDeps {
  const { renderer, limits, ...parts } = options;
  return {
    fetch: fetchProfile,
    analyze: createAnalyzer(MAX_PROFILE_BYTES),
    render: (dot, signal) => renderer.render(dot, signal),
    metrics: new MetricsRegistry(),
    logger: createLogger('silent'),
    ...parts,
    limits: { ...TEST_CAPTURE_LIMITS, ...limits },
  };
}

/** createCaptureService(testCaptureDeps(options)). */
export function createTestCaptureService(options: TestCaptureOptions): CaptureServiceHandle {
  return createCaptureService(testCaptureDeps(options));
}
