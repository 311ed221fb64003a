/**
 * Kubernetes label selectors (`app=api,tier in (web,batch),!canary`) matched
 * against a target's labels. The same syntax selects static targets now and
 * pods later, so callers learn one language; the Kubernetes watcher may pass
 * the string to the API server as well, which will agree with this matcher.
 *
 * Supported, as in Kubernetes: `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k` (exists), `!k` (does not exist), ANDed with commas.
 * Not supported: the numeric `k>n` / `k<n` forms (rejected with a clear error).
 */
import { GopprofError } from '../errors.ts';

/** Whether a set of labels satisfies a selector. */
export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;

const KEY = '(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/)?[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?';
const VALUE = '(?:[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)?';
const EXISTS = new RegExp(`^(${KEY})$`);
const NOT_EXISTS = new RegExp(String.raw`^!\s*(${KEY})$`);
const EQUALITY = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*(${VALUE})$`);
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^()]*)\)$`);
const VALUE_ONLY = new RegExp(`^${VALUE}$`);

function invalid(selector: string, why: string): GopprofError {
  return new GopprofError('OPTION_INVALID', `label selector ${JSON.stringify(selector)}: ${why}`, {
    details: { field: 'label_selector' },
  });
}

/** Splits at commas outside parentheses (`a in (x,y),b` → two requirements). */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) throw invalid(selector, 'unbalanced parentheses');
  }
  if (depth !== 0) throw invalid(selector, 'unbalanced parentheses');
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim());
}

function requirement(selector: string, text: string): LabelMatcher {
  if (text === '') throw invalid(selector, 'empty requirement (stray comma?)');
  let m = NOT_EXISTS.exec(text);
  if (m) {
    const key = m[1];
    return (labels) => !Object.hasOwn(labels, key);
  }
  m = EXISTS.exec(text);
  if (m) {
    const key = m[1];
    return (labels) => Object.hasOwn(labels, key);
  }
  m = EQUALITY.exec(text);
  if (m) {
    const [, key, op, value] = m;
    // As in Kubernetes, `k!=v` also matches targets without the label.
    if (op === '!=') return (labels) => !Object.hasOwn(labels, key) || labels[key] !== value;
    return (labels) => Object.hasOwn(labels, key) && labels[key] === value;
  }
  m = SET.exec(text);
  if (m) {
    const [, key, op, list] = m;
    const values = new Set(list.split(',').map((v) => v.trim()));
    for (const v of values) {
      if (!VALUE_ONLY.test(v)) throw invalid(selector, `bad value ${JSON.stringify(v)} in ${JSON.stringify(text)}`);
    }
    if (op === 'in') return (labels) => Object.hasOwn(labels, key) && values.has(labels[key]);
    return (labels) => !Object.hasOwn(labels, key) || !values.has(labels[key]);
  }
  if (/^[^<>]+\s*[<>]/.test(text)) throw invalid(selector, `numeric comparisons are not supported: ${JSON.stringify(text)}`);
  throw invalid(selector, `cannot parse requirement ${JSON.stringify(text)}`);
}

/**
 * Parses `selector` into a matcher; an empty selector matches every target (as
 * in Kubernetes). Throws OPTION_INVALID naming the requirement that is wrong.
 */
export function parseLabelSelector(selector: string): LabelMatcher {
  if (selector.trim() === '') return () => true;
  const matchers = splitRequirements(selector).map((text) => requirement(selector, text));
  return (labels) => matchers.every((match) => match(labels));
}
