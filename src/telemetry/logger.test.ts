import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from './logger.ts';

test('secrets are redacted from log lines', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = createLogger('info', sink as never);
  log.info({ config: { s3: { secretKey: 'hunter2', accessKey: 'AKIA123' } }, headers: { authorization: 'Bearer x' } }, 'started');
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0], /hunter2|AKIA123|Bearer x/);
  assert.match(lines[0], /\[redacted\]/);
});
