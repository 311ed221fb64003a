/**
 * An in-memory CaptureService for the server's tests (and anyone testing a
 * caller of the API): it knows a fixed list of targets, returns canned
 * captures, records every request with its AbortSignal, and lets a test
 * replace `profile`/`profileMany` to hang, fail or stream slowly. It is a fake
 * of gopprof's own interface, not of a third-party system. Not exported from
 * index.ts: production code never uses it.
 */
import type {
  Capture,
  CaptureFilter,
  CapturePage,
  CaptureRequest,
  CaptureService,
  TargetStatus,
} from '../capture/capture.ts';
import { abortError, GopprofError } from '../errors.ts';
import type { Target } from '../targets/target.ts';

/** A static target named `name` with `labels`. */
export function staticTarget(name: string, labels: Record<string, string> = {}): Target {
  return { id: `static/${name}`, name, pprofBaseUrl: `http://127.0.0.1:1/${name}/debug/pprof`, labels, owner: '' };
}

/** A pod target. */
export function podTarget(namespace: string, name: string, workload: string, labels: Record<string, string> = {}): Target {
  const uid = `uid-${name}`;
  return {
    id: `pod/${namespace}/${name}/${uid}`,
    name: `${namespace}/${name}`,
    pprofBaseUrl: `http://10.0.0.1:6060/debug/pprof`,
    labels,
    owner: 'team-a',
    pod: { namespace, name, uid, workload },
  };
}

let sequence = 0;

/** A successful capture record for `request` against `target`. */
export function okCapture(request: CaptureRequest, target: Target): Capture {
  sequence += 1;
  return {
    id: `cap-${sequence}`,
    targetId: target.id,
    targetName: target.name,
    target: { labels: target.labels, owner: target.owner, pod: target.pod },
    type: request.type,
    seconds: request.seconds,
    trigger: request.trigger ?? 'manual',
    auto: request.auto,
    options: request.options ?? {},
    startedAt: '2026-11-25T10:00:00.000Z',
    finishedAt: '2026-11-25T10:00:30.500Z',
    status: 'ok',
    artifacts: {
      profile: { key: `k/${sequence}.pb.gz`, url: `http://store/k/${sequence}.pb.gz`, contentType: 'application/octet-stream', size: 1234 },
      svg: { key: `k/${sequence}.svg`, url: `http://store/k/${sequence}.svg`, contentType: 'image/svg+xml', size: 56789 },
    },
    summary: {
      sampleType: 'cpu',
      unit: 'nanoseconds',
      total: 17_120_000_000,
      totalLabel: '17.12s',
      top: [
        { name: 'main.busy', flat: 3_190_000_000, cum: 9_000_000_000, flatLabel: '3.19s', flatPercent: '18.64%', cumLabel: '9s', cumPercent: '52.57%' },
      ],
    },
    storedIn: 'primary',
  };
}

/** The in-memory CaptureService; see the file comment. */
export class FakeCaptureService implements CaptureService {
  readonly statuses: TargetStatus[];
  readonly captures = new Map<string, Capture>();
  /** Every call, in order, with the signal it was given. */
  readonly calls: { method: string; args: unknown; signal?: AbortSignal }[] = [];
  /** Replace to change how a single capture behaves (default: succeed at once for a known target). */
  profileImpl: (request: CaptureRequest, signal?: AbortSignal) => Promise<Capture>;
  /** Replace to change how a group behaves (default: profileImpl per request, in order). */
  profileManyImpl: (requests: readonly CaptureRequest[], signal?: AbortSignal) => AsyncIterable<Capture>;

  constructor(targets: readonly (Target | TargetStatus)[]) {
    this.statuses = targets.map((t) => ('target' in t ? t : { target: t }));
    this.profileImpl = this.succeed;
    this.profileManyImpl = (requests, signal) => this.eachInTurn(requests, signal);
  }

  /** Puts back the default behaviour and forgets recorded calls (captures stay). */
  reset(): void {
    this.profileImpl = this.succeed;
    this.profileManyImpl = (requests, signal) => this.eachInTurn(requests, signal);
    this.calls.length = 0;
  }

  /** Default `profileImpl`: a known target gets an ok capture at once, stored for get/list. */
  readonly succeed = async (request: CaptureRequest): Promise<Capture> => {
    const target = this.statuses.find((s) => s.target.id === request.targetId)?.target;
    if (target === undefined) throw new GopprofError('TARGET_UNKNOWN', `no target ${request.targetId}`);
    const capture = okCapture(request, target);
    this.captures.set(capture.id, capture);
    return capture;
  };

  /** Default `profileManyImpl`: profileImpl for each request in turn. */
  async *eachInTurn(requests: readonly CaptureRequest[], signal?: AbortSignal): AsyncIterable<Capture> {
    for (const request of requests) {
      if (signal?.aborted) throw abortError(signal, 'profileMany');
      yield await this.profileImpl(request, signal);
    }
  }

  profile(request: CaptureRequest, signal?: AbortSignal): Promise<Capture> {
    this.calls.push({ method: 'profile', args: request, signal });
    return this.profileImpl(request, signal);
  }

  profileMany(requests: readonly CaptureRequest[], options: { readonly concurrency?: number }, signal?: AbortSignal) {
    this.calls.push({ method: 'profileMany', args: { requests, options }, signal });
    return this.profileManyImpl(requests, signal);
  }

  async get(id: string, signal?: AbortSignal): Promise<Capture> {
    this.calls.push({ method: 'get', args: id, signal });
    const capture = this.captures.get(id);
    if (capture === undefined) throw new GopprofError('CAPTURE_NOT_FOUND', `no capture with id ${id}`);
    return capture;
  }

  /** Newest first by startedAt then id; the page token is the offset. */
  async list(filter: CaptureFilter, signal?: AbortSignal): Promise<CapturePage> {
    this.calls.push({ method: 'list', args: filter, signal });
    const all = [...this.captures.values()]
      .filter(
        (c) =>
          (filter.targetId === undefined || c.targetId === filter.targetId) &&
          (filter.type === undefined || c.type === filter.type) &&
          (filter.trigger === undefined || c.trigger === filter.trigger) &&
          (filter.since === undefined || c.startedAt >= filter.since) &&
          (filter.until === undefined || c.startedAt <= filter.until),
      )
      .sort((a, b) => (a.startedAt === b.startedAt ? b.id.localeCompare(a.id) : b.startedAt.localeCompare(a.startedAt)));
    const offset = filter.pageToken === undefined ? 0 : Number(filter.pageToken);
    const size = filter.pageSize ?? 50;
    const captures = all.slice(offset, offset + size);
    return { captures, nextPageToken: offset + size < all.length ? String(offset + size) : '' };
  }

  targets(): readonly TargetStatus[] {
    return this.statuses;
  }
}
