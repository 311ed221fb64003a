/**
 * unsourceMappings: pprof blanks the file of every mapping without a build
 * id whose file is an absolute URL (internal/driver's unsourceMappings: such
 * names were the fetch URL standing in for a binary). It does so for every
 * profile it reads, so the report title and `[binary]` node names must too.
 *
 * "Absolute URL" follows Go's net/url.Parse(s) succeeding with a scheme.
 */
import type { Location, Mapping, Profile } from './profile.ts';

/** `p` with the files of URL-named, build-id-less mappings blanked (`p` itself when there are none). */
export function unsourceMappings(p: Profile): Profile {
  if (!p.mappings.some(isSourced)) return p;
  const replaced = new Map<Mapping, Mapping>();
  const mappings = p.mappings.map((m) => {
    if (!isSourced(m)) return m;
    const r = { ...m, file: '' };
    replaced.set(m, r);
    return r;
  });
  const locations: Location[] = p.locations.map((l) => {
    const r = l.mapping === undefined ? undefined : replaced.get(l.mapping);
    return r === undefined ? l : { ...l, mapping: r };
  });
  return { ...p, mappings, locations };
}

function isSourced(m: Mapping): boolean {
  return m.buildId === '' && isAbsoluteUrl(m.file);
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/** Whether Go's url.Parse(s) succeeds and gives a URL with a scheme. */
export function isAbsoluteUrl(s: string): boolean {
  if (/[\u0000-\u001f\u007f]/.test(s)) return false;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(s);
  if (scheme === null) return false;
  const hash = s.indexOf('#');
  if (hash >= 0 && !validEscapes(s.slice(hash + 1))) return false;
  let rest = (hash >= 0 ? s.slice(0, hash) : s).slice(scheme[0].length);
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('/')) return true; // opaque: "mailto:x", "C:foo"
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    if (!validAuthority(authority)) return false;
    rest = slash < 0 ? '' : rest.slice(slash);
  }
  return validEscapes(rest);
}

function validEscapes(s: string): boolean {
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
    if (!HEX.test(s.slice(i + 1, i + 3))) return false;
  }
  return true;
}

function validAuthority(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  let host = authority;
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo) || !validEscapes(userinfo)) return false;
    host = authority.slice(at + 1);
  }
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return false;
    const port = host.slice(close + 1);
    if (!/^(:[0-9]*)?$/.test(port)) return false;
    host = host.slice(1, close);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      if (!/^[0-9]*$/.test(host.slice(colon + 1))) return false;
      host = host.slice(0, colon);
    }
  }
  for (let i = 0; i < host.length; i++) {
    const c = host[i];
    if (c === '%') {
      const hex = host.slice(i + 1, i + 3);
      if (!HEX.test(hex) || (Number.parseInt(hex[0], 16) < 8 && hex !== '25')) return false;
      i += 2;
      continue;
    }
    if (c.charCodeAt(0) < 0x80 && !/[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(c)) return false;
  }
  return true;
}
