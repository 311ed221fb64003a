// Differential test of compileGoRegexp against Go's own regexp package (the
// engine of go tool pprof's -focus/-ignore/-hide/-show and drop_frames):
// random patterns over the syntax pprof users write (classes, (?i), (?m),
// (?s), \b, \Q…\E, counted repetitions, nesting) and random names with
// ASCII, Latin-1, astral and case-folding characters (K, the Kelvin sign, ſ).
// Go and we must accept and reject the same patterns and agree on every match.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { compileGoRegexp } from '../src/pprof/index.ts';
import { seededRng } from './support/random-names.ts';
import { requireBinary } from './support/require-binary.ts';

/** Reads [pattern, string] JSON lines; prints E (invalid pattern), 1 (match) or 0. */
const GO_MATCHER = `package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var pair [2]string
		if err := json.Unmarshal(in.Bytes(), &pair); err != nil {
			panic(err)
		}
		re, err := regexp.Compile(pair[0])
		switch {
		case err != nil:
			fmt.Fprintln(out, "E")
		case re.MatchString(pair[1]):
			fmt.Fprintln(out, "1")
		default:
			fmt.Fprintln(out, "0")
		}
	}
}
`;

const ATOMS = ['a', 'b', 'k', 'K', '.', '[ab]', '[^a]', '[a-c]', '\\d', '\\w', '\\W', '\\s', '\\.', '[[:alpha:]]', '\\pL', '\\p{Greek}', 'é', '😀', '\\x{212A}', '\\Qa.\\E', '(?i)k', '(?i:s)', '(?s).', '{', '}', ']'];
const ASSERTIONS = ['^', '$', '(?m)^', '(?m)$', '\\b', '\\B', '\\A', '\\z'];
const QUANTIFIERS = ['', '', '', '*', '+', '?', '{2}', '{0,2}', '{1,}', '*?', '+?', '{3,2}', '{1001}'];
const CHARS = ['a', 'b', 'c', 'k', 'K', '\u212a', 'ſ', 's', 'S', 'é', 'λ', '😀', '.', '1', '_', ' ', '-', '\n', '{'];

test('compileGoRegexp accepts, rejects and matches like Go on random patterns', { timeout: 120_000 }, async (t) => {
  if (!requireBinary(t, 'go')) return;
  const dir = await mkdtemp(join(tmpdir(), 'gopprof-regexp-'));
  try {
    await writeFile(join(dir, 'main.go'), GO_MATCHER);
    execFileSync('go', ['build', '-o', 'match', 'main.go'], { cwd: dir, env: { ...process.env, GO111MODULE: 'off' } });

    const rng = seededRng(20_261_125);
    const pattern = (depth: number): string => {
      let s = '';
      for (let k = rng.int(1, 4); k > 0; k--) {
        if (rng.chance(0.15)) {
          s += rng.pick(ASSERTIONS); // JavaScript cannot repeat an assertion (Go can): none here
          continue;
        }
        const atom =
          depth > 0 && rng.chance(0.25)
            ? `(${pattern(depth - 1)}${rng.chance(0.5) ? `|${pattern(depth - 1)}` : ''})`
            : rng.pick(ATOMS);
        s += atom + rng.pick(QUANTIFIERS);
      }
      return s;
    };
    const pairs: [string, string][] = [];
    for (let p = 0; p < 2000; p++) {
      const re = pattern(2);
      for (let k = 0; k < 8; k++) {
        pairs.push([re, Array.from({ length: rng.int(0, 8) }, () => rng.pick(CHARS)).join('')]);
      }
    }
    const input = `${pairs.map((p) => JSON.stringify(p)).join('\n')}\n`;
    const go = execFileSync(join(dir, 'match'), { input, encoding: 'utf8', maxBuffer: 1 << 24 }).trim().split('\n');
    assert.equal(go.length, pairs.length);

    const compiled = new Map<string, RegExp | undefined>();
    const mismatches: string[] = [];
    let matches = 0;
    pairs.forEach(([p, s], i) => {
      if (!compiled.has(p)) {
        try {
          compiled.set(p, compileGoRegexp(p, 'focus'));
        } catch {
          compiled.set(p, undefined);
        }
      }
      const re = compiled.get(p);
      const ours = re === undefined ? 'E' : re.test(s) ? '1' : '0';
      if (ours === '1') matches++;
      if (ours !== go[i] && mismatches.length < 10) mismatches.push(`${JSON.stringify(p)} on ${JSON.stringify(s)}: go ${go[i]}, ours ${ours}`);
    });
    assert.deepEqual(mismatches, []);
    // The sample is not degenerate: many matches, non-matches and rejections.
    assert.ok(matches > pairs.length / 10 && go.filter((r) => r === 'E').length > 100, `${matches} matches`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
