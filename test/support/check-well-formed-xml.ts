/**
 * A strict well-formedness check for XML documents such as our SVGs, without
 * a dependency: what a browser's XML parser rejects (and so shows as an error
 * page instead of the graph) this rejects too.
 *
 * Checks: one root element; every start tag closed in order; attribute
 * syntax, quoting and uniqueness; no `<` in attribute values; only the five
 * predefined or numeric character references (a browser does not load the SVG
 * DTD, so nothing else is defined); comments without `--`; CDATA sections,
 * processing instructions and the DOCTYPE skipped intact; only whitespace
 * outside the root. Does not check namespaces or validate against a DTD.
 */

const NAME = /[\p{L}_:][\p{L}\p{N}_:.\-\u00B7]*/uy;
const SPACE = /[ \t\r\n]*/y;
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/y;

/** Throws an Error naming the line and column of the first well-formedness violation in `xml`. */
export function checkWellFormedXml(xml: string): void {
  const open: string[] = [];
  let roots = 0;
  let pos = 0;

  // Explicitly typed so that TypeScript narrows after a call.
  const fail: (message: string, at?: number) => never = (message, at = pos) => {
    const before = xml.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    throw new Error(`not well-formed XML at ${line}:${column}: ${message}`);
  };
  const skipTo = (terminator: string, what: string): void => {
    const end = xml.indexOf(terminator, pos);
    if (end === -1) fail(`unterminated ${what}`);
    pos = end + terminator.length;
  };
  const matchAt = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(xml);
    if (m === null) return undefined;
    pos = re.lastIndex;
    return m[0];
  };
  const checkText = (text: string, start: number): void => {
    for (let i = text.indexOf('&'); i !== -1; i = text.indexOf('&', i + 1)) {
      REFERENCE.lastIndex = i;
      const m = REFERENCE.exec(text);
      if (m === null) fail('bare "&" or undefined entity', start + i);
      const code = m[2] !== undefined ? Number.parseInt(m[2], 10) : m[3] !== undefined ? Number.parseInt(m[3], 16) : 0x20;
      const legal = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff));
      if (!legal) fail(`character reference to an illegal character ${m[0]}`, start + i);
    }
  };

  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > pos) {
      const text = xml.slice(pos, textEnd);
      if (open.length === 0 && text.trim() !== '') fail('text outside the root element');
      if (text.includes(']]>')) fail('"]]>" in text', pos + text.indexOf(']]>'));
      checkText(text, pos);
      pos = textEnd;
      continue;
    }
    if (xml.startsWith('<!--', pos)) {
      const end = xml.indexOf('-->', pos + 4);
      if (end === -1) fail('unterminated comment');
      if (xml.slice(pos + 4, end).includes('--')) fail('"--" inside a comment');
      pos = end + 3;
    } else if (xml.startsWith('<![CDATA[', pos)) {
      if (open.length === 0) fail('CDATA section outside the root element');
      skipTo(']]>', 'CDATA section');
    } else if (xml.startsWith('<!DOCTYPE', pos)) {
      if (roots > 0) fail('DOCTYPE after the root element');
      pos = skipDoctype(xml, pos, fail);
    } else if (xml.startsWith('<?', pos)) {
      skipTo('?>', 'processing instruction');
    } else if (xml.startsWith('</', pos)) {
      const tagStart = pos;
      pos += 2;
      const name = matchAt(NAME) ?? fail('bad end tag name');
      matchAt(SPACE);
      if (xml[pos] !== '>') fail(`end tag </${name}> not closed by ">"`);
      pos++;
      const expected = open.pop();
      if (expected !== name) {
        fail(expected === undefined ? `stray </${name}>` : `</${name}> closes <${expected}>`, tagStart);
      }
    } else {
      const tagStart = pos;
      pos++;
      const name = matchAt(NAME) ?? fail('bad tag name');
      if (open.length === 0 && ++roots > 1) fail('second root element', tagStart);
      const seen = new Set<string>();
      for (;;) {
        const space = matchAt(SPACE) ?? '';
        if (xml.startsWith('/>', pos)) {
          pos += 2;
          break;
        }
        if (xml[pos] === '>') {
          pos++;
          open.push(name);
          break;
        }
        if (space === '') fail(`attributes of <${name}> must be separated by whitespace`);
        const attr = matchAt(NAME) ?? fail(`bad attribute name in <${name}>`);
        if (seen.has(attr)) fail(`duplicate attribute ${attr} in <${name}>`);
        seen.add(attr);
        matchAt(SPACE);
        if (xml[pos] !== '=') fail(`attribute ${attr} of <${name}> has no value`);
        pos++;
        matchAt(SPACE);
        const quote = xml[pos];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attr} of <${name}> is not quoted`);
        const end = xml.indexOf(quote, pos + 1);
        if (end === -1) fail(`unterminated value of ${attr}`);
        const value = xml.slice(pos + 1, end);
        if (value.includes('<')) fail(`"<" in the value of ${attr}`, pos + 1 + value.indexOf('<'));
        checkText(value, pos + 1);
        pos = end + 1;
      }
    }
  }
  if (open.length > 0) fail(`unclosed <${open.at(-1)}>`);
  if (roots === 0) fail('no root element');
}

function skipDoctype(xml: string, start: number, fail: (message: string, at?: number) => never): number {
  let inSubset = false;
  for (let i = start + 9; i < xml.length; i++) {
    const c = xml[i];
    if (c === '"' || c === "'") {
      const end = xml.indexOf(c, i + 1);
      if (end === -1) break;
      i = end;
    } else if (c === '[') inSubset = true;
    else if (c === ']') inSubset = false;
    else if (c === '>' && !inSubset) return i + 1;
  }
  return fail('unterminated DOCTYPE', start);
}
