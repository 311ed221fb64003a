import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeReceiver, describeUrl, scrubSecrets } from './describe-receiver.ts';

test('receivers are described by scheme and host only: tokens in paths and queries stay out', () => {
  assert.equal(describeUrl('https://hooks.slack.com/services/T0/B0/XXXX'), 'https://hooks.slack.com');
  assert.equal(describeUrl('https://oapi.dingtalk.com/robot/send?access_token=abc'), 'https://oapi.dingtalk.com');
  assert.equal(describeUrl('http://user:pw@alertmanager:9093/'), 'http://alertmanager:9093');
  assert.equal(describeUrl('nonsense'), '(invalid URL)');
  assert.equal(
    describeReceiver({ name: 'wx', kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K123' }),
    'wx (wecom, https://qyapi.weixin.qq.com)',
  );
});

test('scrubSecrets blanks the URL, its path, query values and the secret wherever an answer echoes them', () => {
  const spec = { name: 'd', kind: 'dingtalk' as const, url: 'https://oapi.dingtalk.com/robot/send?access_token=TOKEN1234', secret: 'SECabc' };
  const text = 'bad request to https://oapi.dingtalk.com/robot/send?access_token=TOKEN1234; token TOKEN1234; key SECabc; path /robot/send';
  const out = scrubSecrets(text, spec);
  for (const s of ['TOKEN1234', 'SECabc', '/robot/send']) assert.ok(!out.includes(s), `${s} in ${out}`);
  assert.match(out, /^bad request to \[redacted\]; token \[redacted\]; key \[redacted\]; path \[redacted\]$/);
});
