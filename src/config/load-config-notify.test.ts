// The `notify` section of the configuration: receivers, owner routes and the
// delivery policy from file and environment, every problem named by key, and
// receiver URLs (credentials) never echoed in errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeTempFile } from '../../test/support/temp-file.ts';
import { isGopprofError } from '../errors.ts';
import { configEnvNames, loadConfig } from './load-config.ts';

/** A config file holding `text`. */
const file = (text: string): Promise<string> => writeTempFile('gopprof-config-notify-', 'config.yaml', text);

const GOOD = `
notify:
  receivers:
    - { name: slack-payments, kind: slack, url: "https://hooks.slack.com/services/T0/B0/SECRETPATH" }
    - { name: am, kind: alertmanager, url: "http://alertmanager:9093" }
    - { name: hook, kind: webhook, url: "https://ci.example.com/gopprof", secret: "s3cr3t" }
  owners:
    team-payments: [slack-payments, am]
    "team.search": [hook]
  defaultReceivers: [am]
  attempts: 3
  initialBackoffSeconds: 0.5
`;

test('notify is empty by default and read from file and environment', async () => {
  const d = await loadConfig({ file: '', env: {} });
  assert.deepEqual(d.notify.receivers, []);
  assert.deepEqual(d.notify.owners, {});
  assert.equal(d.notify.attempts, 5);
  const c = await loadConfig({ file: await file(GOOD), env: { GOPPROF_NOTIFY_TIMEOUT_SECONDS: '3' } });
  assert.equal(c.notify.receivers.length, 3);
  assert.equal(c.notify.receivers[2].secret, 's3cr3t');
  assert.deepEqual(c.notify.owners, { 'team-payments': ['slack-payments', 'am'], 'team.search': ['hook'] });
  assert.deepEqual(c.notify.defaultReceivers, ['am']);
  assert.equal(c.notify.attempts, 3);
  assert.equal(c.notify.initialBackoffSeconds, 0.5);
  assert.equal(c.notify.timeoutSeconds, 3);
  assert.ok(Object.isFrozen(c.notify.owners['team-payments']));
  // Receivers and routes as JSON in the environment (e.g. from a Kubernetes Secret).
  assert.equal(configEnvNames().get('GOPPROF_NOTIFY_OWNERS'), 'notify.owners');
  const e = await loadConfig({
    file: '',
    env: {
      GOPPROF_NOTIFY_RECEIVERS: JSON.stringify([{ name: 'w', kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K' }]),
      GOPPROF_NOTIFY_OWNERS: '{"team-a": ["w"]}',
      GOPPROF_NOTIFY_DEFAULT_RECEIVERS: '["w"]',
    },
  });
  assert.deepEqual(e.notify.owners, { 'team-a': ['w'] });
  assert.equal(e.notify.receivers[0].kind, 'wecom');
});

test('bad notify settings are each reported by key, without echoing URLs', async () => {
  const p = await file(`
notify:
  receivers:
    - { name: a, kind: slack, url: "ftp://hooks.example.com/services/TOKEN123" }
    - { name: a, kind: teams, url: "https://x.example.com" }
    - { name: "bad name", kind: webhook, url: "not a url TOKEN456", secret: "" }
    - { name: c, kind: webhook, url: "https://x.example.com", headers: {} }
    - just-a-string
  owners:
    team-x: [a, missing]
    team-y: nope
  defaultReceivers: [ghost]
  attempts: 0
  queueSize: 2.5
  timeoutSeconds: -1
  initialBackoffSeconds: 10
  maxBackoffSeconds: 5
`);
  await assert.rejects(loadConfig({ file: p, env: {} }), (err: unknown) => {
    assert.ok(isGopprofError(err, 'CONFIG_INVALID'));
    const m = err.message;
    assert.match(m, /notify\.receivers\[0\]\.url: want an http or https URL/);
    assert.match(m, /notify\.receivers\[1\]\.name: "a" is used twice/);
    assert.match(m, /notify\.receivers\[1\]\.kind: want one of webhook, slack, dingtalk, feishu, wecom, alertmanager/);
    assert.match(m, /notify\.receivers\[2\]\.name: want a name/);
    assert.match(m, /notify\.receivers\[2\]\.url: want an http or https URL/);
    assert.match(m, /notify\.receivers\[2\]\.secret: want a non-empty string/);
    assert.match(m, /notify\.receivers\[3\]\.headers: unknown key/);
    assert.match(m, /notify\.receivers\[4\]: want a mapping/);
    assert.match(m, /notify\.owners\.team-x\[1\]: no receiver named "missing"/);
    assert.match(m, /notify\.owners\.team-y: want a list of receiver names/);
    assert.match(m, /notify\.defaultReceivers\[0\]: no receiver named "ghost"/);
    assert.match(m, /notify\.attempts: want a whole number from 1 to 100, got 0/);
    assert.match(m, /notify\.queueSize: want a whole number/);
    assert.match(m, /notify\.timeoutSeconds: must be greater than 0, got -1/);
    assert.match(m, /notify\.initialBackoffSeconds: 10 exceeds notify\.maxBackoffSeconds 5/);
    assert.doesNotMatch(m, /TOKEN123|TOKEN456/);
    return true;
  });
  await assert.rejects(loadConfig({ file: '', env: { GOPPROF_NOTIFY_OWNERS: 'team-a' } }), /notify\.owners \(GOPPROF_NOTIFY_OWNERS\): not valid JSON/);
  await assert.rejects(loadConfig({ file: await file('notify:\n  owners: [a]\n'), env: {} }), /notify\.owners: want a mapping/);
});
