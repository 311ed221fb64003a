import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatAnswerRejection } from './chat-answer.ts';

const ding = { code: ['errcode'], message: ['errmsg'], retryableCodes: [130101] };
const feishu = { code: ['code', 'StatusCode'], message: ['msg', 'StatusMessage'], retryableCodes: [11232] };

test('code 0 is delivered; any other code is a rejection carrying the robot message', () => {
  assert.equal(chatAnswerRejection('{"errcode":0,"errmsg":"ok"}', ding), undefined);
  assert.equal(chatAnswerRejection('{"StatusCode":0,"StatusMessage":"success"}', feishu), undefined);
  assert.equal(chatAnswerRejection('{"code":0,"msg":"success","data":{}}', feishu), undefined);
  assert.deepEqual(chatAnswerRejection('{"errcode":310000,"errmsg":"sign not match"}', ding), {
    message: 'errcode 310000: sign not match',
    retryable: false,
  });
  assert.deepEqual(chatAnswerRejection('{"errcode":130101,"errmsg":"send too fast"}', ding), { message: 'errcode 130101: send too fast', retryable: true });
  assert.deepEqual(chatAnswerRejection('{"code":9499,"msg":"Bad Request","data":{}}', feishu), { message: 'code 9499: Bad Request', retryable: false });
});

test('an answer that is not the robot JSON is a rejection, not a silent success', () => {
  assert.match(chatAnswerRejection('<html>proxy login</html>', ding)?.message ?? '', /^unexpected answer \(not JSON\)/);
  assert.match(chatAnswerRejection('{"ok":true}', ding)?.message ?? '', /^unexpected answer \(no errcode\)/);
  assert.match(chatAnswerRejection('[0]', feishu)?.message ?? '', /^unexpected answer \(no code\/StatusCode\)/);
  assert.equal(chatAnswerRejection('', ding)?.retryable, false);
});
