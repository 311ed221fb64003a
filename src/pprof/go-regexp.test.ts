import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { GopprofError, isGopprofError } from '../errors.ts';
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

// A name as long as real Go ones get (generics, closures): 120 characters.
const LONG_NAME = `github.com/acme/shop/internal/billing.(*Server[...]).handleRequest.func1.${'x'.repeat(48)}`;

test('matching takes linear time: patterns that make backtracking engines run for ages answer at once', () => {
  // Each of these takes JavaScript's own engine from minutes to forever on LONG_NAME; a
  // linear-time test takes milliseconds. A backtracking test would block this thread (no
  // test timeout could fire), so the patterns run in a child process that is killed after 30 s.
  const patterns = ['(.*.*)*X$', '^(a|a)*$', '(x+x+)+y', '(.*){20}X', '^(([a-z]|[a-z.])*)*Q$', '(?i)(.*.*)*Q$', '(.*.*)*x$'];
  const script = `
    const { compileGoRegexp } = await import(${JSON.stringify(new URL('./go-regexp.ts', import.meta.url).href)});
    const [patterns, name] = JSON.parse(process.argv[1]);
    console.log(JSON.stringify(patterns.map((p) => compileGoRegexp(p, 'focus').test(name))));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify([patterns, LONG_NAME])], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.deepEqual(JSON.parse(out), [false, false, false, false, false, false, true]);
});

test('nested counted repetitions beyond 1000 copies are invalid, as in Go', () => {
  for (const bad of ['(a{100}){100}', '((a{10}){10}){11}', '(a{2,}){501}']) {
    assert.throws(() => compileGoRegexp(bad, 'focus'), (err: unknown) => isGopprofError(err, 'REGEXP_INVALID'), bad);
  }
  assert.equal(m('^(a{10}){100}$', 'a'.repeat(1000)), true);
  assert.equal(m('^(a{10}){100}$', 'a'.repeat(999)), false);
  assert.equal(m('^(a*){1000}$', 'aaa'), true, 'stars do not count');
});

test('a pattern compiling past MAX_PROGRAM_SIZE instructions is refused, not slow', () => {
  assert.throws(
    () => compileGoRegexp('(abcdefgh){1000}', 'focus'),
    (err: unknown) => isGopprofError(err, 'REGEXP_INVALID') && /expression too large/.test(err.message),
  );
});

test('a pattern that uses up its step budget fails with REGEXP_INVALID instead of running on', () => {
  const re = compileGoRegexp('(.?){1000}Q', 'focus', 1_000_000);
  assert.throws(
    () => {
      for (let i = 0; i < 100; i++) re.test(LONG_NAME);
    },
    (err: unknown) => isGopprofError(err, 'REGEXP_INVALID') && /focus regexp .* is too expensive to match/.test(err.message),
  );
  // A cheap pattern tests many names within the same budget.
  const cheap = compileGoRegexp('handleRequest', 'focus', 1_000_000);
  for (let i = 0; i < 1000; i++) assert.equal(cheap.test(LONG_NAME), true);
});

test('assertions follow Go: ASCII \\b also under (?i), (?m) lines, \\A and \\z', () => {
  // The Kelvin sign matches k under (?i) but is no ASCII word character (JavaScript's iu \b says the opposite).
  assert.equal(m('(?i)\\bk\\b', 'a\u212ab'), true);
  assert.equal(m('(?i)\\bk\\b', '-\u212a-'), false);
  assert.equal(m('(?m)^b$', 'a\nb'), true);
  assert.equal(m('\\Ab\\z', 'a\nb'), false);
  assert.equal(m('a$', 'a\n'), false, 'without (?m) $ is the end of the text only');
  assert.equal(m('x*', ''), true);
  assert.equal(m('😀.\\pL', '😀😀é'), true, 'code points, not UTF-16 units');
});
