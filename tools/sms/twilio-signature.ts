import { createHmac, timingSafeEqual } from 'node:crypto';
import { parse, stringify } from 'node:querystring';

/** Form values as a body parser gives them: repeated names become arrays. */
export type WebhookParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The URL's parts without normalising it, so the path and query keep the characters Twilio signed. */
function splitUrl(url: string) {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return null;
  const [prefix, scheme = '', authority = ''] = match;
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // A colon starts the port only after the closing bracket of an IPv6 literal.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

function withPort(url: string) {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

function withoutPort(url: string) {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

/** The query re-encoded as Node's legacy `querystring` does (`'` as `%27`). */
function withLegacyQuerystring(url: string) {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return `${url.slice(0, queryStart)}?${stringify(parse(url.slice(queryStart + 1)))}`;
}

/** Twilio's signature: HMAC-SHA1 keyed by the auth token over the URL then each sorted name+value. */
function expectedSignature(authToken: string, url: string, params: WebhookParams) {
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => {
      const value = params[name];
      if (value === undefined) return signed;
      if (typeof value === 'string') return signed + name + value;
      return [...new Set(value)].sort().reduce((all, one) => all + name + one, signed);
    }, url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

function signedWith(authToken: string, signature: string, url: string, params: WebhookParams) {
  const expected = Buffer.from(expectedSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checks `X-Twilio-Signature` (HMAC-SHA1 keyed by the auth token over the URL and the sorted
 * form fields) as the SDK's `validateRequest` does, without loading the SDK: the URL as given with
 * and without its default port, then normalised (and its query re-encoded the legacy way). `url`
 * must be the public URL Twilio called, query string included: behind a proxy, PUBLIC_BASE_URL
 * plus the path, not the host the server sees.
 */
export function verifyTwilioSignature(request: {
  authToken: string;
  url: string;
  params: WebhookParams;
  signature: string | null | undefined;
}): boolean {
  const { authToken, url, params, signature } = request;
  if (!signature) return false;
  const matches = (candidate: string) => signedWith(authToken, signature, candidate, params);
  if ([withoutPort(url), withPort(url)].some(matches)) return true;
  let normalised: string;
  try {
    normalised = new URL(url).toString();
  } catch {
    // an unparseable URL is not one Twilio signed
    return false;
  }
  const bare = withoutPort(normalised);
  const ported = withPort(normalised);
  return [bare, ported, withLegacyQuerystring(bare), withLegacyQuerystring(ported)].some(matches);
}
