import Router from '@koa/router';
import type { Context } from 'koa';
import { koaBody } from 'koa-body';
import { verifyTwilioSignature, type WebhookParams } from '../../tools/sms/twilio-signature.ts';
import { TwilioStatusCallback } from '../../tools/sms/twilio-status.ts';
import { HttpError, parseOr400 } from '../http-errors.ts';
import type { Log } from '../log.ts';
import { TWILIO_STATUS_PATH, type Texts } from '../texts.ts';

/** What checks Twilio's signature: its auth token and the public address Twilio calls. */
export type TwilioWebhookConfig = { authToken: string; publicBaseUrl: string };

export type WebhooksRouterDeps = { texts: Texts; twilio: TwilioWebhookConfig | null; log: Log };

/** Twilio's callbacks are small forms: a few hundred bytes. */
const FORM_LIMIT = '16kb';

/** Form bodies for this route only (the app's parser takes JSON alone); the raw text is kept. */
const formBody = koaBody({
  json: false,
  text: false,
  multipart: false,
  urlencoded: true,
  formLimit: FORM_LIMIT,
  includeUnparsed: true,
});

/** The form exactly as Twilio signed it: each name once, or every value of a repeated one. */
function formParams(ctx: Context): WebhookParams {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new HttpError(400, 'invalid_form', 'The body must be application/x-www-form-urlencoded');
  }
  const raw: unknown = ctx.request.rawBody;
  const form = new URLSearchParams(typeof raw === 'string' ? raw : '');
  const params: Record<string, string | string[]> = {};
  for (const name of new Set(form.keys())) {
    const values = form.getAll(name);
    params[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return params;
}

/** Callbacks from outside services; each is checked before anything is recorded. */
export function webhooksRouter(deps: WebhooksRouterDeps) {
  const { texts, twilio, log } = deps;
  const router = new Router();

  router.post(TWILIO_STATUS_PATH, formBody, async (ctx) => {
    if (!twilio) throw new HttpError(404, 'not_found', 'Texts do not go through Twilio here');
    const params = formParams(ctx);
    // The address Twilio called, not the one this server sees behind a proxy.
    const url = `${twilio.publicBaseUrl.replace(/\/$/, '')}${ctx.url}`;
    const signed = verifyTwilioSignature({
      authToken: twilio.authToken,
      url,
      params,
      signature: ctx.get('X-Twilio-Signature'),
    });
    if (!signed) {
      log('webhook.twilio.rejected', { reason: 'signature' });
      throw new HttpError(403, 'invalid_signature', 'The Twilio signature does not match');
    }
    const callback = parseOr400(TwilioStatusCallback, params);
    const outcome = await texts.recordStatus(callback);
    ctx.status = 200;
    ctx.body = { received: true, outcome };
  });

  return router;
}
