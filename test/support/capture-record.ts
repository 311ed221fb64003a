/**
 * A finished capture record for tests that store, list or prune captures
 * without running one: a manual heap capture of `static/go` started at the
 * epoch, with no artifacts, stored in the primary; `over` sets the rest.
 */
import type { Capture } from '../../src/capture/index.ts';

export function captureRecord(id: string, over: Partial<Capture> = {}): Capture {
  return {
    id,
    targetId: 'static/go',
    targetName: 'go',
    target: { labels: {}, owner: '' },
    type: 'heap',
    seconds: 0,
    trigger: 'manual',
    options: {},
    startedAt: new Date(0).toISOString(),
    finishedAt: new Date(0).toISOString(),
    status: 'ok',
    artifacts: {},
    storedIn: 'primary',
    ...over,
  };
}
