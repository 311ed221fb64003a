import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { buildPromQlQuery, escapeRegex, resolvePrometheusSchema } from './build-promql-query.ts';
import { windowGrid } from './window-grid.ts';

test('PromQL: one expression, windows as steps ending at each window end', () => {
  const grid = windowGrid({ end: 1_800_000, windowSeconds: 60, count: 3, namespaces: [] });
  const q = buildPromQlQuery(resolvePrometheusSchema(), grid, []);
  assert.deepEqual([q.start, q.end, q.step], [1680, 1800, 60]);
  const parts = q.expression.split('\nor ');
  assert.equal(parts.length, 6);
  assert.equal(
    parts[0],
    'label_replace(sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!="",container!="POD"}[60s])) * 1000, "gopprof_series", "cpuUsage", "", "")',
  );
  assert.equal(
    parts[3],
    'label_replace(sum by (namespace, pod) (avg_over_time(kube_pod_container_resource_limits{resource="memory"}[60s])), "gopprof_series", "memoryLimit", "", "")',
  );
});

test('PromQL: namespaces as an escaped regex, extra matchers on every selector', () => {
  const grid = windowGrid({ end: 1_800_000, windowSeconds: 5, count: 2, namespaces: [] });
  const schema = resolvePrometheusSchema({ extraMatchers: 'cluster="prod"', labels: { namespace: 'ns' } });
  const q = buildPromQlQuery(schema, grid, ['team.a', 'b"c']);
  for (const part of q.expression.split('\nor ')) {
    assert.ok(part.includes('ns=~"team\\\\.a|b\\"c",cluster="prod"}[5s]'), part);
  }
  assert.equal(escapeRegex('a.b*(c)|[d]{2}^$\\'), 'a\\.b\\*\\(c\\)\\|\\[d\\]\\{2\\}\\^\\$\\\\');
});

test('prometheus schema: names checked', () => {
  assert.throws(
    () => resolvePrometheusSchema({ metrics: { cpuUsage: 'bad name' }, labels: { pod: '__name__', namespace: 'gopprof_series' }, extraMatchers: '}' }),
    (err) => {
      assert.ok(isGopprofError(err, 'OPTION_INVALID'));
      for (const m of ['metrics.cpuUsage', 'labels.pod', 'labels.namespace', 'extraMatchers']) assert.ok(err.message.includes(m), m);
      return true;
    },
  );
});
