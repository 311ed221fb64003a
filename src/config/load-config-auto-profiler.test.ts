// The `autoProfiler` section of the configuration: defaults, file and
// environment values, and validation that names each bad key without echoing
// the metrics URL (it may carry credentials).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeTempFile } from '../../test/support/temp-file.ts';
import { isGopprofError } from '../errors.ts';
import { configEnvNames, loadConfig } from './load-config.ts';

/** A config file holding `text`. */
const file = (text: string): Promise<string> => writeTempFile('gopprof-config-ap-', 'config.yaml', text);

test('the auto-profiler is off by default with the documented rule; file and environment configure it', async () => {
  const d = await loadConfig({ file: '', env: {} });
  assert.equal(d.autoProfiler.enabled, false);
  assert.equal(d.autoProfiler.windowSeconds, 60);
  assert.equal(d.autoProfiler.windows, 2);
  assert.equal(d.autoProfiler.cooldownSeconds, 600);
  assert.deepEqual(d.autoProfiler.cpu, { enabled: true, threshold: 0.8, profiles: ['cpu'], cpuSeconds: 30 });
  assert.deepEqual(d.autoProfiler.memory, { enabled: true, threshold: 0.8, profiles: ['heap', 'goroutine'], cpuSeconds: 30 });

  const p = await file(
    [
      'autoProfiler:',
      '  enabled: true',
      '  source: { kind: influxql, url: "http://influxdb.monitoring:8086", database: heapster }',
      '  namespaces: [shop]',
      '  windows: 3',
      '  memory: { threshold: 0.9, profiles: [heap] }',
    ].join('\n'),
  );
  const c = await loadConfig({
    file: p,
    env: {
      GOPPROF_AUTO_PROFILER_SOURCE_PASSWORD: 's3cret',
      GOPPROF_AUTO_PROFILER_CPU_THRESHOLD: '0.75',
      GOPPROF_AUTO_PROFILER_USE_REQUEST_WHEN_NO_LIMIT: 'true',
      GOPPROF_AUTO_PROFILER_MAX_PODS_PER_WORKLOAD: '3',
    },
  });
  const a = c.autoProfiler;
  assert.equal(a.enabled, true);
  assert.deepEqual([a.source.kind, a.source.url, a.source.database, a.source.retentionPolicy, a.source.password], [
    'influxql',
    'http://influxdb.monitoring:8086',
    'heapster',
    'default',
    's3cret',
  ]);
  assert.deepEqual([a.namespaces, a.windows, a.cpu.threshold, a.useRequestWhenNoLimit, a.maxPodsPerWorkload], [['shop'], 3, 0.75, true, 3]);
  assert.deepEqual(a.memory, { enabled: true, threshold: 0.9, profiles: ['heap'], cpuSeconds: 30 });
  assert.ok(Object.isFrozen(a.memory.profiles));
  assert.equal(configEnvNames().get('GOPPROF_AUTO_PROFILER_SOURCE_TOKEN'), 'autoProfiler.source.token');
});

test('bad auto-profiler values are each reported by key, and the URL is never echoed', async () => {
  const p = await file(
    [
      'autoProfiler:',
      '  enabled: true',
      '  source: { kind: graphite, url: "ftp://user:hunter2@metrics", timeoutSeconds: 0 }',
      '  namespaces: [Shop, ok, ok]',
      '  windowSeconds: 1.5',
      '  windows: 0',
      '  maxPodsPerWorkload: 0',
      '  cpu: { threshold: 0, profiles: [cpu, cpu], cpuSeconds: 9999 }',
      '  memory: { enabled: true, profiles: [] }',
    ].join('\n'),
  );
  await assert.rejects(loadConfig({ file: p, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    for (const want of [
      'autoProfiler.source.kind: want one of influxql, flux, prometheus, got "graphite"',
      'autoProfiler.source.url: want an http or https URL',
      'autoProfiler.source.timeoutSeconds: want a whole number from 1 to 600, got 0',
      'autoProfiler.namespaces[0]: "Shop" is not a namespace name',
      'autoProfiler.namespaces[2]: "ok" is listed twice',
      'autoProfiler.windowSeconds: want a whole number from 1 to 86400, got 1.5',
      'autoProfiler.windows: want a whole number from 1 to 60, got 0',
      'autoProfiler.maxPodsPerWorkload: want a whole number from 1 to 10000, got 0',
      'autoProfiler.cpu.threshold: want a ratio greater than 0 (e.g. 0.8), got 0',
      'autoProfiler.cpu.profiles[1]: "cpu" is listed twice',
      'autoProfiler.cpu.cpuSeconds: want a whole number from 1 to 300, got 9999',
      'autoProfiler.memory.profiles: want at least one profile type',
    ]) {
      assert.ok(err.message.includes(want), `missing "${want}" in:\n${err.message}`);
    }
    assert.doesNotMatch(err.message, /hunter2|ftp:/);
    return true;
  });
  await assert.rejects(
    loadConfig({ file: '', env: { GOPPROF_AUTO_PROFILER_ENABLED: 'true', GOPPROF_AUTO_PROFILER_SOURCE_KIND: 'flux' } }),
    (err: unknown) =>
      isGopprofError(err, 'CONFIG_INVALID') &&
      /autoProfiler\.source\.url: required when autoProfiler\.enabled is true/.test(err.message) &&
      /autoProfiler\.source\.org: required for flux/.test(err.message),
  );
  await assert.rejects(
    loadConfig({ file: '', env: { GOPPROF_AUTO_PROFILER_MEMORY_PROFILES: '["heap","flame"]' } }),
    /autoProfiler\.memory\.profiles\[1\]: want one of cpu, heap, allocs, goroutine, mutex, block, threadcreate, got "flame"/,
  );
});
