/**
 * The base URL and authentication of a metrics backend, resolved once.
 *
 * fetch() refuses URLs that carry credentials, and credentials must never
 * reach logs or error messages, so `http://user:pass@host` becomes a clean URL
 * plus a basic-auth header here. The headers object is the only place secrets
 * live; `shown` is what describe() and errors print.
 */
import { GopprofError } from '../errors.ts';

/** How to authenticate; all optional. A token wins over a username. */
export interface EndpointAuth {
  readonly username?: string;
  readonly password?: string;
  /** Sent as `Authorization: <tokenScheme> <token>`. */
  readonly token?: string;
  /** `Token` for InfluxDB 2.x, `Bearer` for Prometheus and InfluxDB 3.x. */
  readonly tokenScheme?: string;
  /** Extra headers for every request (e.g. a tenant header); values may be secret. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A backend's resolved address. */
export interface MetricsEndpoint {
  /** Base URL without credentials, query or fragment, no trailing slash. */
  readonly base: string;
  /** The base URL as logs and errors may show it. */
  readonly shown: string;
  /** Headers for every request, including Authorization: never log these. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Resolves `url` and `auth`; OPTION_INVALID for a URL that is not http(s) or has CR/LF in a header. */
export function metricsEndpoint(url: string, auth: EndpointAuth, defaultScheme: string): MetricsEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new GopprofError('OPTION_INVALID', 'metrics url is not a valid URL', { cause, details: { option: 'url' } });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GopprofError('OPTION_INVALID', `metrics url must be http or https, got ${parsed.protocol}`, {
      details: { option: 'url' },
    });
  }
  const headers: Record<string, string> = { ...auth.headers };
  const username = auth.username ?? decodeUserinfo(parsed.username);
  const password = auth.password ?? decodeUserinfo(parsed.password);
  if (auth.token !== undefined && auth.token !== '') {
    headers.authorization = `${auth.tokenScheme ?? defaultScheme} ${auth.token}`;
  } else if (username !== '' || password !== '') {
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n\0]/.test(name + value)) {
      throw new GopprofError('OPTION_INVALID', `metrics header ${JSON.stringify(name)} must not contain CR, LF or NUL`, {
        details: { option: 'headers' },
      });
    }
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  const base = parsed.href.replace(/\/+$/, '');
  return { base, shown: base, headers };
}

/** A %-decoded user or password of a URL; a stray '%' is OPTION_INVALID (the value itself is a secret: not quoted). */
function decodeUserinfo(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new GopprofError('OPTION_INVALID', 'metrics url: the user or password has a "%" that is not a %XX escape (write "%" as %25)', {
      cause,
      details: { option: 'url' },
    });
  }
}
