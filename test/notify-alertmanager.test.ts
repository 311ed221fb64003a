// The Alertmanager receiver against a REAL Alertmanager (prometheus-alertmanager
// 0.25 from Debian): the alert gopprof posts is accepted with its labels and
// annotations, and Alertmanager's own routing by the `owner` label delivers it
// to that owner's receiver (a local webhook here) — existing routing reaches
// the owner with no new integration.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALERT_NAME, createNotifier } from '../src/notify/index.ts';
import { startAlertmanager } from './support/alertmanager-server.ts';
import { failedCapture, sampleCapture, startRecordingServer } from './support/notify-fixtures.ts';
import { requireBinary } from './support/require-binary.ts';

interface GettableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
  receivers: { name: string }[];
  status: { state: string };
}

test('a capture becomes an Alertmanager alert that its routing delivers to the owner', async (t) => {
  const binary = requireBinary(t, 'prometheus-alertmanager');
  if (!binary) return;
  const sink = await startRecordingServer();
  t.after(() => sink.close());
  const am = await startAlertmanager(
    binary,
    `
route:
  receiver: everyone-else
  group_by: [alertname, owner]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: team-payments
      matchers: ['owner="team-payments"']
receivers:
  - name: team-payments
    webhook_configs: [{ url: "${sink.origin}/team-payments", send_resolved: false }]
  - name: everyone-else
    webhook_configs: [{ url: "${sink.origin}/everyone-else", send_resolved: false }]
`,
  );
  t.after(() => am.stop());
  const notifier = createNotifier({
    config: { receivers: [{ name: 'am', kind: 'alertmanager', url: am.url }], defaultReceivers: ['am'], alertDurationSeconds: 3600 },
  });
  t.after(() => notifier.stop());
  notifier.start();

  const sentAt = Date.now();
  notifier.notify(sampleCapture());
  await notifier.idle();
  assert.equal(notifier.status()[0].delivered, 1, `delivered (last error: ${notifier.status()[0].lastError?.message}); alertmanager said:\n${am.output()}`);

  // (a) Alertmanager holds the alert with gopprof's labels and annotations, routed to the owner's receiver.
  const res = await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`alertname="${ALERT_NAME}"`)}`);
  assert.equal(res.status, 200);
  const alerts = (await res.json()) as GettableAlert[];
  assert.equal(alerts.length, 1);
  const [a] = alerts;
  assert.deepEqual(a.labels, {
    alertname: 'GopprofCapture',
    severity: 'info',
    target: 'shop/checkout-7d9f8-abcde',
    namespace: 'shop',
    pod: 'checkout-7d9f8-abcde',
    workload: 'checkout',
    owner: 'team-payments',
    profile_type: 'cpu',
    rule: 'cpu-high',
    capture_status: 'ok',
    capture_id: 'c-0001',
  });
  const capture = sampleCapture();
  assert.equal(a.annotations.summary, 'gopprof: cpu 30s profile of shop/checkout-7d9f8-abcde');
  assert.equal(a.annotations.svg_url, capture.artifacts.svg?.url);
  assert.equal(a.annotations.profile_url, capture.artifacts.profile?.url);
  assert.match(a.annotations.description, /Why: rule cpu-high: cpu at 93\.4%, 95\.1% of limit \(threshold 90\.0%\)/);
  assert.match(a.annotations.description, /1\. main\.\(\*Cart\)\.total 3\.19s \(30\.38%\)/);
  assert.equal(a.generatorURL, capture.artifacts.svg?.url);
  assert.deepEqual(a.receivers.map((r) => r.name), ['team-payments']);
  assert.equal(a.status.state, 'active');
  assert.equal(a.startsAt, '2026-11-03T10:00:31.000Z');
  const endsIn = Date.parse(a.endsAt) - sentAt;
  assert.ok(endsIn > 3590_000 && endsIn < 3610_000, `ends an hour after it was sent (${endsIn} ms)`);

  // (b) Alertmanager's own notification reaches the owner's route after group_wait.
  const [hook] = await sink.waitFor(1, 10_000);
  assert.equal(hook.url, '/team-payments');
  const payload = JSON.parse(hook.body);
  assert.equal(payload.receiver, 'team-payments');
  assert.equal(payload.status, 'firing');
  assert.equal(payload.alerts.length, 1);
  assert.equal(payload.alerts[0].labels.owner, 'team-payments');
  assert.equal(payload.alerts[0].annotations.svg_url, capture.artifacts.svg?.url);

  // Another owner's failed capture takes the other route: the routing really is by owner.
  notifier.notify(failedCapture());
  const [, other] = await sink.waitFor(2, 10_000);
  assert.equal(other.url, '/everyone-else');
  const otherAlert = JSON.parse(other.body).alerts[0];
  assert.equal(otherAlert.labels.owner, 'team-billing');
  assert.equal(otherAlert.labels.capture_status, 'failed');
  assert.equal(otherAlert.labels.rule, 'manual');
  assert.equal(otherAlert.labels.pod, undefined, 'a static target has no pod label');
  assert.match(otherAlert.annotations.description, /Error: FETCH_REFUSED: the target refused the connection/);
  assert.equal(otherAlert.generatorURL, '', 'no SVG, no generator link');
});

test('a capture finishing "in the future" (clock skew) still makes a valid alert; a wrong Alertmanager path fails without retries', async (t) => {
  const binary = requireBinary(t, 'prometheus-alertmanager');
  if (!binary) return;
  const am = await startAlertmanager(binary, 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  t.after(() => am.stop());
  const notifier = createNotifier({
    config: {
      receivers: [
        { name: 'am', kind: 'alertmanager', url: am.url },
        { name: 'wrong', kind: 'alertmanager', url: `${am.url}/prefix-it-does-not-have` },
      ],
      defaultReceivers: ['am', 'wrong'],
      initialBackoffSeconds: 0.01,
      maxBackoffSeconds: 0.01,
    },
  });
  t.after(() => notifier.stop());
  notifier.start();
  // startsAt after endsAt would be refused; a clock ahead of ours must not cost the notification.
  notifier.notify(sampleCapture({ finishedAt: '2099-01-01T00:00:00.000Z' }));
  await notifier.idle();
  const [ok, wrong] = notifier.status();
  assert.equal(ok.delivered, 1, `delivered: ${ok.lastError?.message}`);
  assert.deepEqual([wrong.delivered, wrong.failed, wrong.retries], [0, 1, 0]);
  assert.equal(wrong.lastError?.status, 404);
  const alerts = (await (await fetch(`${am.url}/api/v2/alerts`)).json()) as GettableAlert[];
  assert.equal(alerts.length, 1);
  assert.ok(Date.parse(alerts[0].startsAt) <= Date.now());
});
