import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { bodyExcerpt } from './body-excerpt.ts';
import { looksLikeProfile } from './looks-like-profile.ts';
import { redactUrl } from './redact-url.ts';

const FIXTURES = new URL('../../test/fixtures/profiles/', import.meta.url);
const PROFILES = ['cpu', 'heap', 'allocs', 'goroutine', 'mutex', 'block', 'threadcreate', 'heap-delta'];
const OCTET = 'application/octet-stream';
const bytes = (s: string) => new TextEncoder().encode(s);

describe('looksLikeProfile', () => {
  it('accepts every real Go profile, gzip and raw', () => {
    for (const name of PROFILES) {
      const gz = readFileSync(new URL(`${name}.pb.gz`, FIXTURES));
      assert.ok(looksLikeProfile(gz, OCTET), `${name}.pb.gz`);
      assert.ok(looksLikeProfile(gunzipSync(gz), OCTET), `${name}.pb`);
      assert.ok(looksLikeProfile(gunzipSync(gz), ''), `${name}.pb without a content type`);
    }
  });

  it('accepts gzip whatever the content type says', () => {
    const gz = readFileSync(new URL('heap.pb.gz', FIXTURES));
    assert.ok(looksLikeProfile(gz, 'text/plain'));
  });

  it('rejects text, HTML and JSON, even mislabelled as binary', () => {
    const texts = [
      readFileSync(new URL('goroutine-debug2.txt', FIXTURES), 'utf8'),
      'goroutine profile: total 4\n',
      'heap profile: 1: 2 [3: 4] @ heap/1048576\n',
      '--- contention:\ncycles/second=1000000000\n',
      '<!DOCTYPE html><html></html>',
      '<html><body>Unauthorized</body></html>',
      '{"error":"forbidden"}',
      '404 page not found\n',
      'Unknown profile\n',
      'HTTP/1.1 200 OK\r\n',
      'Hello, world',
      'pprof',
      '',
    ];
    for (const text of texts) {
      assert.equal(looksLikeProfile(bytes(text), OCTET), false, JSON.stringify(text.slice(0, 40)));
    }
  });

  it('rejects raw protobuf-looking bytes served as text', () => {
    const raw = gunzipSync(readFileSync(new URL('heap.pb.gz', FIXTURES)));
    assert.equal(looksLikeProfile(raw, 'text/html; charset=utf-8'), false);
    assert.equal(looksLikeProfile(raw, 'application/json'), false);
  });

  it('rejects a truncated first field and out-of-range lengths', () => {
    assert.equal(looksLikeProfile(Uint8Array.of(0x0a, 0x05, 1, 2), OCTET), false);
    assert.equal(looksLikeProfile(Uint8Array.of(0x0a), OCTET), false);
    assert.equal(looksLikeProfile(Uint8Array.of(0x78, 0x01), OCTET), false, 'field 15 is not in profile.proto');
    assert.equal(looksLikeProfile(Uint8Array.of(0x48, 0x96, 0x01), OCTET), true, 'time_nanos varint');
  });
});

describe('bodyExcerpt', () => {
  it('collapses whitespace, replaces control characters and cuts with an ellipsis', () => {
    assert.equal(bodyExcerpt(bytes('  a\r\n\tb\x1b[31mc\x00 ')), 'a b?[31mc?');
    assert.equal(bodyExcerpt(bytes('x'.repeat(500))), `${'x'.repeat(100)}…`);
    assert.equal(bodyExcerpt(bytes('héllo wörld'), 7), 'héllo w…');
    assert.equal(bodyExcerpt(new Uint8Array(0)), '');
    assert.equal(bodyExcerpt(Uint8Array.of(0x1f, 0x8b, 0x08, 0xff)), '????');
  });
});

describe('redactUrl', () => {
  it('drops username and password, keeps the rest', () => {
    assert.equal(redactUrl('http://u:p@h:1/a?b=c'), 'http://h:1/a?b=c');
    assert.equal(redactUrl(new URL('https://token@h/x')), 'https://h/x');
    assert.equal(redactUrl('http://h/x'), 'http://h/x');
    assert.equal(redactUrl('/relative'), '(invalid URL)');
  });
});
