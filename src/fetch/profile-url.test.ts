import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isGopprofError } from '../errors.ts';
import type { ProfileType } from '../targets/target.ts';
import { MAX_PROFILE_SECONDS, profileUrl } from './profile-url.ts';

const at = (pprofBaseUrl: string) => ({ id: 'static/t', pprofBaseUrl });
const base = at('http://10.1.2.3:6060/debug/pprof');

describe('profileUrl', () => {
  it('cpu is /profile?seconds=N', () => {
    assert.equal(profileUrl(base, 'cpu', 30).href, 'http://10.1.2.3:6060/debug/pprof/profile?seconds=30');
    assert.equal(profileUrl(base, 'cpu', 1).href, 'http://10.1.2.3:6060/debug/pprof/profile?seconds=1');
  });

  it('other types are /<type>, with ?seconds=N only for a delta', () => {
    for (const type of ['heap', 'allocs', 'goroutine', 'mutex', 'block', 'threadcreate'] as const) {
      assert.equal(profileUrl(base, type, 0).href, `http://10.1.2.3:6060/debug/pprof/${type}`);
      assert.equal(profileUrl(base, type, 10).href, `http://10.1.2.3:6060/debug/pprof/${type}?seconds=10`);
    }
  });

  it('never asks for the debug text form', () => {
    assert.doesNotMatch(profileUrl(base, 'goroutine', 0).href, /debug=/);
  });

  it('joins with exactly one slash whatever the base looks like', () => {
    assert.equal(profileUrl(at('http://h:1'), 'heap', 0).href, 'http://h:1/heap');
    assert.equal(profileUrl(at('http://h:1/'), 'heap', 0).href, 'http://h:1/heap');
    assert.equal(profileUrl(at('https://h/debug/pprof//'), 'heap', 0).href, 'https://h/debug/pprof/heap');
  });

  it('keeps credentials in the URL it returns (they are needed to connect)', () => {
    assert.equal(profileUrl(at('http://u:p@h/x'), 'heap', 0).href, 'http://u:p@h/x/heap');
  });

  it('rejects bad seconds with OPTION_INVALID', () => {
    for (const [type, seconds] of [
      ['cpu', 0],
      ['cpu', -1],
      ['heap', -1],
      ['heap', 0.5],
      ['heap', Number.NaN],
      ['cpu', Number.POSITIVE_INFINITY],
      ['cpu', MAX_PROFILE_SECONDS + 1],
    ] as const) {
      assert.throws(
        () => profileUrl(base, type, seconds),
        (e) => isGopprofError(e, 'OPTION_INVALID'),
        `${type} ${seconds}`,
      );
    }
    assert.equal(profileUrl(base, 'cpu', MAX_PROFILE_SECONDS).searchParams.get('seconds'), String(MAX_PROFILE_SECONDS));
  });

  it('rejects unknown types with PROFILE_TYPE_INVALID', () => {
    for (const type of ['trace', 'profile', '../cmdline', 'heap?debug=1']) {
      assert.throws(
        () => profileUrl(base, type as ProfileType, 0),
        (e) => isGopprofError(e, 'PROFILE_TYPE_INVALID'),
      );
    }
  });

  it('rejects unusable base URLs with FETCH_FAILED, without quoting them', () => {
    for (const url of ['not a url', 'file:///etc/passwd', 'ftp://h/x', 'http://u:secret@h/x?debug=1', 'http://h/x#y']) {
      assert.throws(
        () => profileUrl(at(url), 'heap', 0),
        (e) => isGopprofError(e, 'FETCH_FAILED') && !e.message.includes('secret') && !e.message.includes(url),
        url,
      );
    }
  });
});
