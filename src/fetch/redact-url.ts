/**
 * URLs as they may appear in results, logs and error messages: a target's base
 * URL may carry basic-auth credentials (`http://user:pass@host/…`), which must
 * never leave the fetch layer.
 */

/** `url` without its username and password; everything else unchanged. */
export function redactUrl(url: URL | string): string {
  let copy: URL;
  try {
    copy = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  if (copy.username === '' && copy.password === '') return copy.href;
  copy.username = '';
  copy.password = '';
  return copy.href;
}
