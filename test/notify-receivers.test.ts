// Every receiver format against a local HTTP receiver that checks what a real
// one would: the generic webhook's HMAC over `${timestamp}.${body}`,
// DingTalk's signed query, Feishu's signed body fields (each recomputed here
// with node:crypto, independently of src/notify/), and the bodies Slack,
// DingTalk, Feishu and WeCom render. Logs must never carry a token or secret.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createNotifier, type Notifier } from '../src/notify/index.ts';
import { createLogger, MetricsRegistry } from '../src/telemetry/index.ts';
import { failedCapture, type RecordedRequest, type RecordingServer, sampleCapture, startRecordingServer } from './support/notify-fixtures.ts';

const SECRETS = { webhook: 'whsec-Zx81', dingtalk: 'SECd1ngSecret+/=', feishu: 'fe1shuSecret' };
const TOKENS = { slack: 'T000/B000/SLACKTOKEN42', dingtalk: 'DINGTOKEN42', feishu: 'FEISHUHOOK42', wecom: 'WECOMKEY42' };

let server: RecordingServer;
let notifier: Notifier;
const logLines: string[] = [];
const metrics = new MetricsRegistry();

before(async () => {
  server = await startRecordingServer((req) => {
    if (req.url.startsWith('/robot/send')) return { headers: { 'content-type': 'application/json' }, body: '{"errcode":0,"errmsg":"ok"}' };
    if (req.url.startsWith('/open-apis/')) return { headers: { 'content-type': 'application/json' }, body: '{"code":0,"msg":"success","data":{}}' };
    if (req.url.startsWith('/cgi-bin/')) return { headers: { 'content-type': 'application/json' }, body: '{"errcode":0,"errmsg":"ok"}' };
    return {};
  });
  const o = server.origin;
  notifier = createNotifier({
    config: {
      receivers: [
        { name: 'hook', kind: 'webhook', url: `${o}/hooks/gopprof`, secret: SECRETS.webhook },
        { name: 'slack', kind: 'slack', url: `${o}/services/${TOKENS.slack}` },
        { name: 'ding', kind: 'dingtalk', url: `${o}/robot/send?access_token=${TOKENS.dingtalk}`, secret: SECRETS.dingtalk },
        { name: 'feishu', kind: 'feishu', url: `${o}/open-apis/bot/v2/hook/${TOKENS.feishu}`, secret: SECRETS.feishu },
        { name: 'wecom', kind: 'wecom', url: `${o}/cgi-bin/webhook/send?key=${TOKENS.wecom}` },
        { name: 'fallback', kind: 'webhook', url: `${o}/fallback` },
      ],
      owners: { 'team-payments': ['hook', 'slack', 'ding', 'feishu', 'wecom'] },
      defaultReceivers: ['fallback'],
      attempts: 1,
    },
    logger: createLogger('debug', { write: (s: string) => void logLines.push(s) }),
    metrics,
  });
  notifier.start();
  const result = notifier.notify(sampleCapture());
  assert.deepEqual(result, { owner: 'team-payments', routed: true, queued: ['hook', 'slack', 'ding', 'feishu', 'wecom'], dropped: [] });
  await server.waitFor(5);
  await notifier.idle();
});

after(async () => {
  await notifier.stop();
  await server.close();
});

function one(prefix: string): RecordedRequest {
  const found = server.requests.filter((r) => r.url.startsWith(prefix));
  assert.equal(found.length, 1, `one request to ${prefix}`);
  return found[0];
}

function nearNow(seconds: number): void {
  assert.ok(Math.abs(Date.now() / 1000 - seconds) < 10, `timestamp ${seconds} is about now`);
}

test('generic webhook: versioned JSON body, HMAC-SHA256 over "timestamp.body", delivery id', () => {
  const r = one('/hooks/gopprof');
  assert.equal(r.method, 'POST');
  assert.match(String(r.headers['content-type']), /^application\/json/);
  const ts = String(r.headers['x-gopprof-timestamp']);
  assert.match(ts, /^\d{10}$/);
  nearNow(Number(ts));
  const want = Buffer.from(`sha256=${createHmac('sha256', SECRETS.webhook).update(`${ts}.${r.body}`).digest('hex')}`);
  const got = Buffer.from(String(r.headers['x-gopprof-signature']));
  assert.ok(got.length === want.length && timingSafeEqual(got, want), 'signature verifies');
  // The timestamp is signed: the same body with another timestamp does not verify (no replays).
  const replay = `sha256=${createHmac('sha256', SECRETS.webhook).update(`${Number(ts) - 3600}.${r.body}`).digest('hex')}`;
  assert.notEqual(replay, String(r.headers['x-gopprof-signature']));
  assert.equal(r.headers['x-gopprof-event'], 'capture');

  const p = JSON.parse(r.body);
  assert.deepEqual(Object.keys(p).sort(), ['capture', 'event', 'id', 'version']);
  assert.equal(p.version, 1);
  assert.equal(p.event, 'capture');
  assert.equal(p.id, r.headers['x-gopprof-delivery']);
  const c = p.capture;
  assert.deepEqual(Object.keys(c).sort(), [
    'captureId', 'finishedAt', 'links', 'profileType', 'reason', 'seconds', 'startedAt', 'status', 'target', 'top', 'total',
  ]);
  assert.equal(c.captureId, 'c-0001');
  assert.equal(c.status, 'ok');
  assert.equal(c.profileType, 'cpu');
  assert.deepEqual(c.target.pod, { namespace: 'shop', name: 'checkout-7d9f8-abcde', uid: 'uid-1', workload: 'checkout' });
  assert.equal(c.target.owner, 'team-payments');
  assert.deepEqual(c.reason, {
    kind: 'auto', rule: 'cpu-high', metric: 'cpu', threshold: 0.9, values: [0.934, 0.951], windows: ['2026-11-03T09:58:00Z', '2026-11-03T09:59:00Z'],
  });
  assert.deepEqual(c.top[0], { name: 'main.(*Cart).total', flat: 3.19e9, flatLabel: '3.19s', flatPercent: '30.38%' });
  assert.equal(c.top.length, 4);
  assert.match(c.links.svg, /graph\.svg$/);
  assert.match(c.links.profile, /profile\.pb\.gz\?X-Amz-Signature=abc&X-Amz-Expires=604800$/);
});

test('Slack: text and mrkdwn blocks with &, <, > escaped and links in <url|label> form', () => {
  const r = one('/services/');
  const p = JSON.parse(r.body);
  assert.equal(p.text, 'gopprof: cpu 30s profile of shop/checkout-7d9f8-abcde');
  assert.equal(p.blocks[0].type, 'header');
  const md: string = p.blocks[1].text.text;
  assert.equal(p.blocks[1].text.type, 'mrkdwn');
  assert.match(md, /\*Pod\*: shop\/checkout-7d9f8-abcde \(workload checkout\)/);
  assert.match(md, /\*Owner\*: team-payments/);
  assert.match(md, /\*Why\*: rule cpu-high: cpu at 93\.4%, 95\.1% of limit \(threshold 90\.0%\) in the windows starting 2026-11-03T09:58:00Z/);
  assert.match(md, /1\. `main\.\(\*Cart\)\.total` 3\.19s \(30\.38%\)/);
  assert.match(md, /`main\.fmt&lt;T&gt;&amp;escape_me`/);
  assert.doesNotMatch(md, /<T>/);
  assert.match(md, /<http:\/\/gopprof\.example\.com:8078\/[^|>]*graph\.svg\|call graph \(SVG\)>/);
  assert.match(md, /profile\.pb\.gz\?X-Amz-Signature=abc&amp;X-Amz-Expires=604800\|raw profile>/);
  assert.ok(md.length <= 3000);
});

test('DingTalk: markdown message, URL signed with timestamp (ms) and sign = base64(HMAC(secret, "ts\\nsecret"))', () => {
  const r = one('/robot/send');
  const q = new URL(r.url, server.origin).searchParams;
  assert.equal(q.get('access_token'), TOKENS.dingtalk);
  const ts = q.get('timestamp') ?? '';
  assert.match(ts, /^\d{13}$/);
  nearNow(Number(ts) / 1000);
  const want = createHmac('sha256', SECRETS.dingtalk).update(`${ts}\n${SECRETS.dingtalk}`).digest('base64');
  assert.equal(q.get('sign'), want);
  // URL-encoded on the wire: base64's + / = never appear raw in the query.
  const rawSign = r.url.split('sign=')[1].split('&')[0];
  assert.match(rawSign, /^[A-Za-z0-9%]+$/);
  assert.equal(decodeURIComponent(rawSign), want);

  const p = JSON.parse(r.body);
  assert.equal(p.msgtype, 'markdown');
  assert.equal(p.markdown.title, 'gopprof: cpu 30s profile of shop/checkout-7d9f8-abcde');
  const text: string = p.markdown.text;
  assert.match(text, /^#### gopprof: cpu 30s profile of shop\/checkout-7d9f8-abcde/);
  assert.match(text, /\*\*Pod\*\*: shop\/checkout-7d9f8-abcde \(workload checkout\)/);
  assert.match(text, /1\. main\.\(\\\*Cart\)\.total 3\.19s/, 'Markdown metacharacters in names are escaped');
  assert.match(text, /4\. main\.fmt‹T›&escape\\_me/);
  assert.match(text, /\[call graph \(SVG\)\]\(http:\/\/gopprof\.example\.com:8078\/[^)\s]*graph\.svg\)/);
});

test('Feishu: interactive card, body signed with timestamp (s) and sign = base64(HMAC(key "ts\\nsecret", ""))', () => {
  const r = one('/open-apis/');
  const p = JSON.parse(r.body);
  assert.match(p.timestamp, /^\d{10}$/);
  nearNow(Number(p.timestamp));
  const want = createHmac('sha256', `${p.timestamp}\n${SECRETS.feishu}`).update('').digest('base64');
  assert.equal(p.sign, want);
  // Not DingTalk's arrangement of key and message.
  assert.notEqual(p.sign, createHmac('sha256', SECRETS.feishu).update(`${p.timestamp}\n${SECRETS.feishu}`).digest('base64'));
  assert.equal(p.msg_type, 'interactive');
  assert.equal(p.card.header.title.content, 'gopprof: cpu 30s profile of shop/checkout-7d9f8-abcde');
  assert.equal(p.card.header.template, 'orange');
  const md: string = p.card.elements[0].text.content;
  assert.equal(p.card.elements[0].text.tag, 'lark_md');
  assert.match(md, /\*\*Owner\*\*: team-payments/);
  assert.match(md, /main\.\(&#42;Cart\)\.total 3\.19s/);
  assert.match(md, /main\.fmt&lt;T&gt;&amp;escape&#95;me/);
  assert.match(md, /\[call graph \(SVG\)\]\(http:\/\/gopprof\.example\.com:8078\/\S*graph\.svg\)/);
});

test('WeCom: markdown content with names as inline code, within 4096 bytes', () => {
  const r = one('/cgi-bin/');
  assert.equal(new URL(r.url, server.origin).searchParams.get('key'), TOKENS.wecom);
  const p = JSON.parse(r.body);
  assert.equal(p.msgtype, 'markdown');
  const content: string = p.markdown.content;
  assert.match(content, /^### gopprof: cpu 30s profile of shop\/checkout-7d9f8-abcde\n/);
  assert.match(content, /1\. `main\.\(\*Cart\)\.total` 3\.19s \(30\.38%\)/);
  assert.ok(Buffer.byteLength(content) <= 4096);
});

test('a failed manual capture of an owner without a route goes to the default receivers, with its error', async () => {
  const before = server.requests.length;
  const result = notifier.notify(failedCapture());
  assert.deepEqual(result, { owner: 'team-billing', routed: false, queued: ['fallback'], dropped: [] });
  await server.waitFor(before + 1);
  const r = server.requests[before];
  assert.equal(r.url, '/fallback');
  assert.equal(r.headers['x-gopprof-signature'], undefined, 'no secret, no signature');
  const c = JSON.parse(r.body).capture;
  assert.equal(c.status, 'failed');
  assert.deepEqual(c.reason, { kind: 'manual' });
  assert.deepEqual(c.error, { code: 'FETCH_REFUSED', message: 'the target refused the connection: 10.0.0.7:6060' });
  assert.deepEqual(c.links, {});
  assert.deepEqual(c.top, []);
  assert.equal(c.target.pod, undefined);
});

test('status, metrics and logs name receivers by scheme and host only; no token or secret is ever logged', async () => {
  await notifier.idle();
  const st = notifier.status();
  const slack = st.find((s) => s.name === 'slack');
  assert.equal(slack?.endpoint, server.origin);
  assert.equal(slack?.delivered, 1);
  assert.ok(slack?.lastSuccessAt);
  const text = metrics.render();
  for (const name of ['hook', 'slack', 'ding', 'feishu', 'wecom', 'fallback']) {
    assert.match(text, new RegExp(`gopprof_notifications_total\\{receiver="${name}",result="delivered"\\} 1`));
  }
  const logs = logLines.join('');
  assert.match(logs, /notification delivered/);
  for (const s of [...Object.values(SECRETS), ...Object.values(TOKENS), 'access_token', 'SLACKTOKEN']) {
    assert.ok(!logs.includes(s), `logs must not contain ${s}`);
    assert.ok(!JSON.stringify(st).includes(s), `status must not contain ${s}`);
  }
});

test('WeCom content stays within 4096 bytes however many long functions there are', async () => {
  const s = await startRecordingServer(() => ({ body: '{"errcode":0,"errmsg":"ok"}' }));
  const n = createNotifier({
    config: { receivers: [{ name: 'w', kind: 'wecom', url: `${s.origin}/cgi-bin/webhook/send?key=K` }], defaultReceivers: ['w'], topFunctions: 50 },
  });
  n.start();
  const base = sampleCapture();
  const top = Array.from({ length: 50 }, (_, i) => ({ ...base.summary!.top[0], name: `pkg.某个很长的函数名字_${i}_${'x'.repeat(300)}` }));
  n.notify(sampleCapture({ summary: { ...base.summary!, top } }));
  const [r] = await s.waitFor(1);
  const content: string = JSON.parse(r.body).markdown.content;
  assert.ok(Buffer.byteLength(content) <= 4096, `${Buffer.byteLength(content)} bytes`);
  assert.ok(content.endsWith('…'));
  await n.stop();
  await s.close();
});
