import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { shortenFunctionName } from './shorten-function-name.ts';

// Expected values printed by Go 1.19's pprof ShortenFunctionName (its regexps run by Go's regexp).
const cases: Record<string, string> = JSON.parse(
  readFileSync(new URL('./testdata/shorten-function-name.json', import.meta.url), 'utf8'),
);

test('shortenFunctionName matches Go 1.19 pprof on Go, Java, C++ and odd names', () => {
  assert.ok(Object.keys(cases).length > 20);
  for (const [name, want] of Object.entries(cases)) assert.equal(shortenFunctionName(name), want, JSON.stringify(name));
});
