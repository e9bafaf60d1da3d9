import twilio from 'twilio';

/** Form values as a body parser gives them: repeated names become arrays. */
export type WebhookParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Checks `X-Twilio-Signature` (HMAC-SHA1 keyed by the auth token over the URL and the sorted
 * form fields) with the SDK's `validateRequest`. `url` must be the public URL Twilio called, query
 * string included: behind a proxy, PUBLIC_BASE_URL plus the path, not the host the server sees.
 */
export function verifyTwilioSignature(request: {
  authToken: string;
  url: string;
  params: WebhookParams;
  signature: string | null | undefined;
}): boolean {
  if (!request.signature) return false;
  const params = Object.fromEntries(
    Object.entries(request.params).filter(([, value]) => value !== undefined),
  );
  try {
    return twilio.validateRequest(request.authToken, request.signature, request.url, params);
  } catch {
    // an unparseable URL is not one Twilio signed
    return false;
  }
}
