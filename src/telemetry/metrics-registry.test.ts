import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MetricsRegistry } from './metrics-registry.ts';

test('renders counters, gauges and histograms in the Prometheus text format', () => {
  const r = new MetricsRegistry();
  const c = r.counter('gopprof_captures_total', 'Captures by result.');
  const g = r.gauge('gopprof_in_flight', 'Captures in flight.');
  const h = r.histogram('gopprof_capture_seconds', 'Capture duration.', [1, 5]);
  c.inc({ type: 'cpu', result: 'ok' });
  c.inc({ result: 'ok', type: 'cpu' }, 2);
  g.inc();
  g.inc();
  g.dec();
  h.observe(0.5, { type: 'cpu' });
  h.observe(3, { type: 'cpu' });
  h.observe(9, { type: 'cpu' });
  assert.equal(c.get({ type: 'cpu', result: 'ok' }), 3);
  assert.equal(
    r.render(),
    [
      '# HELP gopprof_captures_total Captures by result.',
      '# TYPE gopprof_captures_total counter',
      'gopprof_captures_total{result="ok",type="cpu"} 3',
      '# HELP gopprof_in_flight Captures in flight.',
      '# TYPE gopprof_in_flight gauge',
      'gopprof_in_flight 1',
      '# HELP gopprof_capture_seconds Capture duration.',
      '# TYPE gopprof_capture_seconds histogram',
      'gopprof_capture_seconds_bucket{type="cpu",le="1"} 1',
      'gopprof_capture_seconds_bucket{type="cpu",le="5"} 2',
      'gopprof_capture_seconds_bucket{type="cpu",le="+Inf"} 3',
      'gopprof_capture_seconds_sum{type="cpu"} 12.5',
      'gopprof_capture_seconds_count{type="cpu"} 3',
      '',
    ].join('\n'),
  );
});

test('label values are escaped and names are checked', () => {
  const r = new MetricsRegistry();
  r.counter('x_total', 'x').inc({ msg: 'a "quoted"\nline\\' });
  assert.match(r.render(), /x_total\{msg="a \\"quoted\\"\\nline\\\\"\} 1/);
  assert.throws(() => r.counter('x_total', 'again'), /registered twice/);
  assert.throws(() => r.counter('bad-name', 'x'), /bad metric name/);
});
