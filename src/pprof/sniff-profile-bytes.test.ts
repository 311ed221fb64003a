import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { isGopprofError } from '../errors.ts';
import { mostlyText, notProfileError, sniffProfileBytes } from './sniff-profile-bytes.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const fixture = (name: string): Uint8Array => readFileSync(new URL(`../../test/fixtures/profiles/${name}`, import.meta.url));

describe('sniffProfileBytes', () => {
  it('sees real profiles as gzip, and their inflated bytes as binary', () => {
    const gz = fixture('cpu.pb.gz');
    assert.equal(sniffProfileBytes(gz), 'gzip');
    assert.equal(sniffProfileBytes(Uint8Array.from([0x0a, 0x04, 0x08, 0x01, 0x10, 0x02])), 'binary');
  });

  it('names the kinds of text a pprof endpoint or proxy sends instead', () => {
    assert.equal(sniffProfileBytes(fixture('goroutine-debug2.txt')), 'goroutine-dump');
    assert.equal(sniffProfileBytes(text('goroutine profile: total 12\n3 @ 0x43\n')), 'goroutine-dump');
    assert.equal(sniffProfileBytes(text('\n  <!DOCTYPE html><html><body>502 Bad Gateway</body></html>')), 'html');
    assert.equal(sniffProfileBytes(text('\ufeff{"error":"forbidden"}')), 'json');
    assert.equal(sniffProfileBytes(text('[1,2]')), 'json');
    assert.equal(sniffProfileBytes(text('404 page not found\n')), 'text');
  });

  it('builds PROFILE_NOT_PROFILE with a printable excerpt', () => {
    const body = text('<html>\n\t<body>Access denied "nope"</body>\u0001</html>');
    const err = notProfileError(body, 'html');
    assert.ok(isGopprofError(err, 'PROFILE_NOT_PROFILE'));
    assert.equal(err.message, 'the body is an HTML page, not a pprof profile: "<html> <body>Access denied ?nope?</body>?</html>"');
    const long = notProfileError(text('x'.repeat(1000)), 'text');
    assert.match(long.message, /^the body is text, not a pprof profile: "x{80}…"$/);
  });

  it('tells text with a few stray control bytes from binary', () => {
    assert.equal(mostlyText(text(`${'word '.repeat(100)}\u0000`)), true);
    assert.equal(mostlyText(gzipSync(text('x'.repeat(100)))), false);
    assert.equal(mostlyText(new Uint8Array()), false);
  });
});
