import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGopprofError } from '../errors.ts';
import { buildInfluxQlQuery } from './build-influxql-query.ts';
import { resolveInfluxSchema } from './influx-schema.ts';
import { quoteIdentifier, quoteString } from './influxql-quote.ts';
import { windowGrid } from './window-grid.ts';

const grid = windowGrid({ end: 1_800_000, windowSeconds: 60, count: 3, namespaces: [] });

test('InfluxQL quoting: identifiers and strings escape backslash, both quotes and newlines', () => {
  assert.equal(quoteIdentifier('cpu/usage_rate'), '"cpu/usage_rate"');
  assert.equal(quoteIdentifier('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(quoteString("o'brien\nx"), "'o\\'brien\\nx'");
});

test('InfluxQL: client aggregation selects the points, one statement per series', () => {
  const { text, statements, aggregation } = buildInfluxQlQuery(resolveInfluxSchema(), grid, ['a', "b'c", 'a']);
  assert.equal(aggregation, 'client');
  assert.deepEqual(
    statements.map((s) => s.series),
    ['cpuUsage', 'cpuLimit', 'cpuRequest', 'memoryUsage', 'memoryLimit', 'memoryRequest', 'memoryUsageFallback'],
  );
  const lines = text.split('; ');
  assert.equal(lines.length, 7);
  assert.equal(
    lines[0],
    `SELECT "value"::field, "namespace_name"::tag, "pod_name"::tag FROM "default"."cpu/usage_rate" WHERE "type" = 'pod' AND ("namespace_name" = 'a' OR "namespace_name" = 'b\\'c') AND time >= 1620000ms AND time < 1800000ms`,
  );
  assert.match(lines[6], /FROM "default"\."memory\/usage" WHERE/);
});

test('InfluxQL: server aggregation groups by window (with offset) and pod', () => {
  const shifted = windowGrid({ end: 1_815_000, windowSeconds: 60, count: 3, namespaces: [] });
  const schema = resolveInfluxSchema({ retentionPolicy: '', typeTag: '', measurements: { cpuLimit: '', cpuRequest: '' } });
  const { text, statements } = buildInfluxQlQuery(schema, shifted, [], 'server');
  assert.equal(statements.length, 5);
  assert.equal(
    text.split('; ')[0],
    'SELECT mean("value") FROM "cpu/usage_rate" WHERE time >= 1635000ms AND time < 1815000ms GROUP BY time(60000ms, 15000ms), "namespace_name", "pod_name" fill(none)',
  );
});

test('influx schema: every problem named', () => {
  assert.throws(
    () =>
      resolveInfluxSchema({
        database: '',
        podTag: '',
        scales: { cpuUsage: -1 },
        fields: { cpuLimit: '' },
        measurements: { cpuUsage: '', cpuLimit: '', cpuRequest: '', memoryUsage: '', memoryLimit: '', memoryRequest: '', memoryUsageFallback: '' },
      }),
    (err) => {
      assert.ok(isGopprofError(err, 'OPTION_INVALID'));
      for (const m of ['database', 'podTag', 'scales.cpuUsage', 'fields.cpuLimit', 'no measurement']) assert.ok(err.message.includes(m), m);
      return true;
    },
  );
});
