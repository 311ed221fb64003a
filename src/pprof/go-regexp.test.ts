import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GopprofError } from '../errors.ts';
import { compileGoRegexp } from './go-regexp.ts';

const m = (re: string, s: string) => compileGoRegexp(re, 'test').test(s);

test('Go syntax the JS engine lacks or reads differently', () => {
  assert.equal(m('^a.b$', 'a\rb'), true, "Go's . matches \\r");
  assert.equal(m('^a.b$', 'a\nb'), false);
  assert.equal(m('(?s)^a.b$', 'a\nb'), true);
  assert.equal(m('^\\s$', '\u00a0'), false, "Go's \\s is ASCII");
  assert.equal(m('^\\s$', '\v'), false);
  assert.equal(m('^[[:alpha:]]+$', 'abcXYZ'), true);
  assert.equal(m('^[[:^digit:]x]+$', 'ab-x'), true);
  assert.equal(m('^[[:^digit:]x]+$', 'a1'), false);
  assert.equal(m('\\Qa.b*\\E', 'xa.b*y'), true);
  assert.equal(m('\\Qa.b*\\E', 'axbb'), false);
  assert.equal(m('^\\x{263a}\\x41\\101$', '☺AA'), true);
  assert.equal(m('a{,2}', 'a{,2}'), true, 'an invalid repeat is a literal brace');
  assert.equal(m('(?P<first>a)b', 'ab'), true);
  assert.equal(m('(?P<n>a)(?P<n>b)', 'ab'), true, 'Go 1.19 accepts repeated group names');
  assert.equal(m('^\\pL\\p{Greek}$', 'xλ'), true);
  assert.equal(m('[]a]', ']'), true, '] first in a class is literal');
});

test('flags apply to the rest of the group, across alternatives', () => {
  assert.equal(m('^(?:a(?i)b|c)$', 'aB'), true);
  assert.equal(m('^(?:a(?i)b|c)$', 'C'), true);
  assert.equal(m('^(?:a(?i)b|c)$', 'AB'), false);
  assert.equal(m('^(?i:a)b$', 'Ab'), true);
  assert.equal(m('^(?i:a)b$', 'AB'), false);
  assert.equal(m('(?m)^b$', 'a\nb\nc'), true);
  assert.equal(m('^b$', 'a\nb\nc'), false);
  // (?U): greediness swapped.
  assert.equal(compileGoRegexp('(?U)a+', 't').exec('aaa')?.[0], 'a');
  assert.equal(compileGoRegexp('(?U)a+?', 't').exec('aaa')?.[0], 'aaa');
});

test('what Go rejects is REGEXP_INVALID naming the option', () => {
  for (const bad of ['(?=a)', '(?!a)', '(?<=a)', 'a\\1', '(', 'a)', '[a', '\\y', 'a{1001}', '[z-a]', '[[:nope:]]', '\\C']) {
    assert.throws(
      () => compileGoRegexp(bad, 'focus'),
      (err: unknown) => err instanceof GopprofError && err.code === 'REGEXP_INVALID' && err.message.startsWith('parsing focus regexp'),
      bad,
    );
  }
});
