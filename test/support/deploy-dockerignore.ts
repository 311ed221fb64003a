/**
 * Decides which files a `.dockerignore` lets into the build context, with
 * Docker's rules: patterns in order, the last match wins, `!` re-includes,
 * `*` and `?` stay within one path segment, `**` spans segments, and a pattern
 * that matches a directory matches everything under it. Lets deploy.test.ts
 * check that sources reach the image and tests do not.
 */

interface Rule {
  readonly include: boolean;
  readonly re: RegExp;
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more directories; a trailing `**` anything.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Parses `.dockerignore` text into a predicate on repository-relative paths (with `/`): true when the file is sent to the build. */
export function dockerignoreFilter(text: string): (path: string) => boolean {
  const rules: Rule[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const include = line.startsWith('!');
    if (include) line = line.slice(1).trim();
    // Docker cleans patterns like filepath.Clean: no leading ./ or /, no trailing /.
    line = line.replace(/^(\.\/|\/)+/, '').replace(/\/+$/, '');
    rules.push({ include, re: globToRegExp(line) });
  }
  return (path: string) => {
    const parts = path.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let sent = true;
    for (const rule of rules) {
      if (prefixes.some((p) => rule.re.test(p))) sent = rule.include;
    }
    return sent;
  };
}
