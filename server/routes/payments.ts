import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Context } from 'koa';
import { paymentLinkUrl } from '../../machines/payment-link.ts';
import { billingRequestKey } from '../../machines/payment-link.ts';
import { pounds, type ClubConfig } from '../../routines/club.ts';
import type { KeyValueStore } from '../../tools/kv/port.ts';
import {
  signGoCardlessWebhook,
  WebhookBodyError,
  WebhookSignatureError,
} from '../../tools/payments/gocardless-webhooks.ts';
import type { Payments } from '../../tools/payments/port.ts';
import type { SimulatedPayments } from '../../tools/payments/simulator-sqlite.ts';
import type { RegistrationStore } from '../../tools/registrations/registrations.ts';
import { describeError, type Log } from '../log.ts';
import { linkOutcome, type PaymentEvents } from '../payments.ts';

/** The webhook path: its body is read raw (the signature covers the exact bytes). */
export const WEBHOOK_PATH = '/webhooks/gocardless';

/** GoCardless sends batches of at most a few hundred events: far below this. */
const WEBHOOK_LIMIT_BYTES = 1024 * 1024;

const TOKEN = /^[A-Za-z0-9_-]{32}$/;
const FLOW = /^BRFSIM[0-9A-F]{16}$/;

const POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const escape = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? '',
  );

/** A small friendly page: plain HTML, never JSON, never a stack trace. */
function page(ctx: Context, status: number, title: string, body: string) {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.set('Content-Security-Policy', POLICY);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
button,a.button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:1px solid #555;background:#fff;color:#000;text-decoration:none;display:inline-block;margin:.3rem .3rem 0 0;cursor:pointer}
button.primary{background:#1a4d8f;color:#fff;border-color:#1a4d8f}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{font-weight:600}</style>
</head><body><h1>${escape(title)}</h1>
${body}
</body></html>`;
}

/** Reads a request's body as it came, up to a limit: the webhook's signature covers these bytes. */
async function rawBody(ctx: Context, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export type PaymentRoutesDeps = {
  club: Pick<ClubConfig, 'name' | 'fees' | 'adminEmail'>;
  publicBaseUrl: string;
  ledger: KeyValueStore;
  registrations: RegistrationStore;
  payments: Payments;
  /** The offline simulator when no GoCardless is configured; its page is served here. */
  simulator: SimulatedPayments | null;
  /** The simulator signs its webhooks with this (GoCardless's secret when configured). */
  webhookSecret: string;
  events: PaymentEvents;
  log: Log;
  now: () => Date;
};

/**
 * The payment link (`/reg_setup/<token>`), the GoCardless webhook, and in the embedded mode the
 * offline simulator's payment page.
 */
export function paymentsRouter(deps: PaymentRoutesDeps) {
  const { club, ledger, registrations, payments, simulator, log } = deps;
  const router = new Router();
  const base = deps.publicBaseUrl.replace(/\/$/, '');
  const contact = `<p>If you need a hand, e-mail <a href="mailto:${escape(club.adminEmail)}">${escape(club.adminEmail)}</a>.</p>`;
  /** The simulator's pages live on this server: follow them by path, whatever PUBLIC_BASE_URL says. */
  const local = (url: string) => {
    const parsed = new URL(url);
    return simulator ? `${parsed.pathname}${parsed.search}` : parsed.href;
  };

  const unknownLink = (ctx: Context) =>
    page(
      ctx,
      404,
      'This payment link is not valid',
      `<p>We couldn't find a registration for this link. It may have been mistyped, or replaced by a newer one: please use the link in the latest text from ${escape(club.name)}.</p>${contact}`,
    );
  const alreadyPaid = (ctx: Context, child: string) =>
    page(
      ctx,
      200,
      'Already paid',
      `<p>${escape(child)}'s registration with ${escape(club.name)} is already paid and the Direct Debit is set up. There is nothing more to do.</p>${contact}`,
    );
  const unavailable = (ctx: Context) =>
    page(
      ctx,
      503,
      'Payments are unavailable just now',
      `<p>Sorry, we couldn't open the payment page. Please try the link again in a few minutes.</p>${contact}`,
    );

  router.get('/reg_setup/:token', async (ctx) => {
    const token = String(ctx.params.token);
    try {
      if (!TOKEN.test(token)) return unknownLink(ctx);
      const outcome = await linkOutcome(token, ledger, { registrations });
      if (outcome.kind === 'unknown') return unknownLink(ctx);
      const { fields } = outcome.record;
      if (outcome.kind === 'paid') return alreadyPaid(ctx, fields.player_first_name);
      const link = paymentLinkUrl(base, token).href;
      const flow = await payments.createBillingRequestFlow({
        // A fresh page on every click: flows expire, and a reused key would answer a conflict.
        idempotencyKey: `flow.${randomUUID()}`,
        billingRequestId: outcome.billingRequestId,
        redirectUri: `${link}/done`,
        exitUri: `${link}/exit`,
        prefilledCustomer: {
          given_name: fields.parent_first_name,
          family_name: fields.parent_last_name,
          email: fields.parent_email,
          address_line1: fields.parent_address_line_1,
          city: fields.parent_city,
          postal_code: fields.parent_post_code,
        },
      });
      ctx.redirect(local(flow.authorisationUrl));
    } catch (error) {
      log('payments.link_failed', describeError(error));
      return unavailable(ctx);
    }
  });

  router.get('/reg_setup/:token/done', async (ctx) => {
    const token = String(ctx.params.token);
    const outcome = TOKEN.test(token)
      ? await linkOutcome(token, ledger, { registrations }).catch(() => null)
      : null;
    if (!outcome || outcome.kind === 'unknown') return unknownLink(ctx);
    page(
      ctx,
      200,
      'Thank you',
      `<p>Thank you! ${escape(outcome.record.fields.player_first_name)}'s payment is being confirmed. You'll get a text from ${escape(club.name)} as soon as it is.</p>`,
    );
  });

  router.get('/reg_setup/:token/exit', (ctx) => {
    const token = String(ctx.params.token);
    if (!TOKEN.test(token)) return unknownLink(ctx);
    page(
      ctx,
      200,
      'Payment not finished',
      `<p>You left the payment page before paying. Nothing has been taken. You can <a href="/reg_setup/${token}">open the payment page again</a> whenever suits you, or use the link in your text.</p>`,
    );
  });

  router.post(WEBHOOK_PATH, async (ctx) => {
    const body = await rawBody(ctx, WEBHOOK_LIMIT_BYTES);
    if (body === null) {
      ctx.status = 413;
      ctx.body = { error: { code: 'too_large', message: 'The webhook body is too large' } };
      return;
    }
    try {
      const queued = await deps.events.receive(body, ctx.get('Webhook-Signature') || undefined);
      ctx.status = 200;
      ctx.body = { queued };
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        log('payments.webhook_rejected', { reason: 'signature' });
        ctx.status = 498;
        ctx.body = { error: { code: 'invalid_signature', message: 'Invalid webhook signature' } };
        return;
      }
      if (error instanceof WebhookBodyError) {
        ctx.status = 400;
        ctx.body = { error: { code: 'invalid_body', message: 'Not a batch of events' } };
        return;
      }
      throw error;
    }
  });

  if (simulator) {
    router.get('/simulator/pay/:flow', async (ctx) => {
      const flowId = String(ctx.params.flow);
      const flow = FLOW.test(flowId) ? await simulator.flow(flowId) : null;
      if (!flow) {
        return page(
          ctx,
          404,
          'This payment page has expired',
          `<p>Please open the payment link in your text again.</p>${contact}`,
        );
      }
      const owner = await ledger.get(billingRequestKey(flow.billingRequestId));
      const registrationId =
        typeof owner === 'object' && owner !== null && 'registrationId' in owner
          ? String(owner.registrationId)
          : null;
      const record = registrationId ? await registrations.get(registrationId) : null;
      if (flow.status === 'fulfilled')
        return alreadyPaid(ctx, record?.fields.player_first_name ?? 'This');
      const monthly = record?.fields.monthly_subscription_amount ?? club.fees.monthlyPence / 100;
      const name = `${flow.customer.given_name} ${flow.customer.family_name}`;
      page(
        ctx,
        200,
        `Pay ${club.name}`,
        `<p><strong>Payment simulator</strong>: no real money moves. This page plays the bank payment page.</p>
<dl><dt>Payer</dt><dd data-testid="payer">${escape(name)}</dd>
<dt>Signing-on fee</dt><dd data-testid="fee">${escape(pounds(flow.feePence))} today</dd>
<dt>Monthly</dt><dd data-testid="monthly">${escape(pounds(Math.round(monthly * 100)))} a month by Direct Debit</dd></dl>
<form method="post" action="/simulator/pay/${flowId}"><button class="primary" type="submit">Pay and set up the Direct Debit</button></form>
<form method="get" action="${escape(local(flow.exitUri))}"><button type="submit">Cancel</button></form>`,
      );
    });

    router.post('/simulator/pay/:flow', async (ctx) => {
      const flowId = String(ctx.params.flow);
      const flow = FLOW.test(flowId) ? await simulator.flow(flowId) : null;
      if (!flow) return page(ctx, 404, 'This payment page has expired', contact);
      const events = await simulator.fulfil(flow.billingRequestId, { at: deps.now() });
      if (events.length > 0) {
        // Signed as GoCardless signs them, and taken in by the webhook's own code.
        const raw = JSON.stringify({ events, meta: { webhook_id: `WBSIM${randomUUID()}` } });
        await deps.events.receive(Buffer.from(raw), signGoCardlessWebhook(raw, deps.webhookSecret));
      }
      ctx.status = 303;
      ctx.redirect(local(flow.redirectUri));
    });
  }

  return router;
}
