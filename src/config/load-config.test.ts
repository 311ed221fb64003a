import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeTempFile } from '../../test/support/temp-file.ts';
import { isGopprofError } from '../errors.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { configEnvNames, loadConfig } from './load-config.ts';

/** A config file holding `text`. */
const file = (text: string): Promise<string> => writeTempFile('gopprof-config-', 'config.yaml', text);

test('embedded defaults load with no file and no environment, frozen', async () => {
  const c = await loadConfig({ file: '', env: {} });
  assert.deepEqual(c, DEFAULT_CONFIG);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.capture));
});

test('file then environment override defaults; env names derive from keys', async () => {
  const p = await file(
    'grpc:\n  port: 9000\ntargets:\n  static:\n    - name: api\n      url: http://127.0.0.1:6060/debug/pprof/\n      labels: {app: api}\n',
  );
  const c = await loadConfig({ file: p, env: { GOPPROF_GRPC_PORT: '9100', GOPPROF_STORAGE_S3_SECRET_KEY: 's3cr3t' } });
  assert.equal(c.grpc.port, 9100);
  assert.equal(c.storage.s3.secretKey, 's3cr3t');
  assert.deepEqual(c.targets.static, [
    { name: 'api', url: 'http://127.0.0.1:6060/debug/pprof', labels: { app: 'api' }, owner: '' },
  ]);
  assert.equal(configEnvNames().get('GOPPROF_CAPTURE_MAX_CONCURRENT'), 'capture.maxConcurrent');
});

test('every problem is reported at once, each naming its key', async () => {
  const p = await file(
    'grpc:\n  prot: 1\nhttp:\n  port: "x"\nstorage:\n  kind: s3\ntargets:\n  static:\n    - name: a\n      url: ftp://x\n    - name: a\n      url: http://h/p\n',
  );
  await assert.rejects(loadConfig({ file: p, env: { GOPPROF_CAPTURE_MAX_SECONDS: 'ten' } }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    assert.match(err.message, /grpc\.prot: unknown key/);
    assert.match(err.message, /http\.port: want a number, got string/);
    assert.match(err.message, /capture\.maxSeconds \(GOPPROF_CAPTURE_MAX_SECONDS\): "ten" is not a number/);
    return true;
  });
  const p2 = await file('storage:\n  kind: s3\ntargets:\n  static:\n    - name: a\n      url: ftp://x\n    - name: a\n      url: http://h/p\n');
  await assert.rejects(loadConfig({ file: p2, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    assert.match(err.message, /storage\.s3\.endPoint: required when storage\.kind is s3/);
    assert.match(err.message, /storage\.s3\.secretKey: required/);
    assert.match(err.message, /targets\.static\[0\]\.url: want an http\(s\) URL/);
    assert.match(err.message, /targets\.static\[1\]\.name: "a" is used twice/);
    return true;
  });
});

test('retention: a week by default, limits from the file or the environment, bad limits named', async () => {
  assert.deepEqual(DEFAULT_CONFIG.storage.retention, { maxAgeHours: 168, maxTotalBytes: 0 });
  const p = await file('storage:\n  retention:\n    maxAgeHours: 24\n');
  const c = await loadConfig({ file: p, env: { GOPPROF_STORAGE_RETENTION_MAX_TOTAL_BYTES: '8589934592' } });
  assert.deepEqual(c.storage.retention, { maxAgeHours: 24, maxTotalBytes: 8 * 2 ** 30 });
  assert.equal(configEnvNames().get('GOPPROF_STORAGE_RETENTION_MAX_AGE_HOURS'), 'storage.retention.maxAgeHours');
  assert.equal((await loadConfig({ file: '', env: { GOPPROF_STORAGE_RETENTION_MAX_AGE_HOURS: '0' } })).storage.retention.maxAgeHours, 0);
  const bad = await file('storage:\n  retention:\n    maxAgeHours: -1\n    maxTotalBytes: 1.5\n    maxDays: 3\n');
  await assert.rejects(loadConfig({ file: bad, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    assert.match(err.message, /storage\.retention\.maxDays: unknown key/);
    return true;
  });
  const bad2 = await file('storage:\n  retention:\n    maxAgeHours: -1\n    maxTotalBytes: 1.5\n');
  await assert.rejects(loadConfig({ file: bad2, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    assert.match(err.message, /storage\.retention\.maxAgeHours: want a whole number ≥ 0 \(0 = no limit\), got -1/);
    assert.match(err.message, /storage\.retention\.maxTotalBytes: want a whole number ≥ 0 \(0 = no limit\), got 1\.5/);
    return true;
  });
});

test('an unreadable or unparsable file is a CONFIG_INVALID error', async () => {
  await assert.rejects(loadConfig({ file: '/nonexistent/gopprof.yaml', env: {} }), /cannot read config file/);
  await assert.rejects(loadConfig({ file: await file('a: [1,\n'), env: {} }), /not valid YAML\/JSON/);
});

test('a YAML syntax error names the line but does not echo it: the line may hold a secret', async () => {
  const p = await file('notify:\n  receivers:\n    - name: s\n      kind: slack\n      url: https://hooks.slack.com/services/T0/B0/SECRET: x\n');
  await assert.rejects(loadConfig({ file: p, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    assert.match(err.message, /not valid YAML\/JSON: .*line 5, column \d+/);
    assert.doesNotMatch(err.message, /SECRET/);
    assert.doesNotMatch(String((err.cause as Error | undefined)?.message), /SECRET/);
    return true;
  });
});
