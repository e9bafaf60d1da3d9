import { parse } from 'gocardless-nodejs/webhooks';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GoCardlessEvent,
  WebhookBodyError,
  WebhookSignatureError,
  handledEventType,
  signGoCardlessWebhook,
  verifyGoCardlessWebhook,
} from '../../tools/payments/gocardless-webhooks.ts';
import { startGoCardlessServer, type GoCardlessServer } from '../fakes/gocardless-server.ts';

const SECRET = 'ElfJ-3tF9I_zutNVK2lBABQrw8MuTqbJ';

/** Shaped like GoCardless's documented examples of webhook bodies. */
const documentedBody = {
  events: [
    {
      id: 'EV0000001',
      created_at: '2025-08-28T12:00:03.000Z',
      resource_type: 'billing_requests',
      action: 'fulfilled',
      links: {
        billing_request: 'BRQ0000001',
        customer: 'CU0000001',
        mandate_request_mandate: 'MD0000001',
        payment_request_payment: 'PM0000001',
      },
      details: {
        origin: 'api',
        cause: 'billing_request_fulfilled',
        description:
          'This billing request has been fulfilled, and the resources have been created.',
      },
      metadata: {},
      resource_metadata: { registration_id: 'reg_1' },
    },
    {
      id: 'EV0000002',
      created_at: '2025-10-03T08:00:00.000Z',
      resource_type: 'payments',
      action: 'failed',
      links: { payment: 'PM0000002', subscription: 'SB0000001', parent_event: null },
      details: {
        origin: 'bank',
        cause: 'insufficient_funds',
        description: "The customer's account had insufficient funds to make this payment.",
        scheme: 'bacs',
        reason_code: 'ARUDD-0',
        will_attempt_retry: false,
      },
      metadata: {},
    },
  ],
  meta: { webhook_id: 'WB0000001' },
};
const rawBody = Buffer.from(JSON.stringify(documentedBody));
const validSignature = signGoCardlessWebhook(rawBody, SECRET);

const accepts = (check: () => unknown) => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

describe('verifyGoCardlessWebhook', () => {
  it('returns the events of a correctly signed body', () => {
    const events = verifyGoCardlessWebhook(rawBody, validSignature, SECRET);
    expect(events.map((event) => [handledEventType(event), event.links])).toEqual([
      [
        'billing_requests.fulfilled',
        {
          billing_request: 'BRQ0000001',
          customer: 'CU0000001',
          mandate_request_mandate: 'MD0000001',
          payment_request_payment: 'PM0000001',
        },
      ],
      ['payments.failed', { payment: 'PM0000002', subscription: 'SB0000001' }],
    ]);
    expect(events[1]?.details).toMatchObject({ origin: 'bank', cause: 'insufficient_funds' });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['signed with another secret', signGoCardlessWebhook(rawBody, 'another-secret')],
    ['for another body', signGoCardlessWebhook(Buffer.from('{"events":[]}'), SECRET)],
    ['truncated', validSignature.slice(0, 63)],
    ['base64 instead of hex', Buffer.from(validSignature, 'hex').toString('base64')],
  ])('rejects a signature that is %s, before parsing', (_case, signature) => {
    expect(() => verifyGoCardlessWebhook(rawBody, signature, SECRET)).toThrow(
      WebhookSignatureError,
    );
  });

  it('checks the raw bytes: the same JSON re-serialised does not pass', () => {
    const reformatted = Buffer.from(JSON.stringify(documentedBody, null, 2));
    expect(() => verifyGoCardlessWebhook(reformatted, validSignature, SECRET)).toThrow(
      WebhookSignatureError,
    );
  });

  const flip = (hex: string, at: number) =>
    hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
  const headers: [string, string | undefined][] = [
    ['valid', validSignature],
    ['upper case', validSignature.toUpperCase()],
    ['trailing junk after the hex', `${validSignature}zz`],
    ['a trailing odd nibble', `${validSignature}a`],
    ['first digit changed', flip(validSignature, 0)],
    ['last digit changed', flip(validSignature, 63)],
    ['a sha256= prefix', `sha256=${validSignature}`],
    ['surrounding spaces', ` ${validSignature} `],
    ['doubled', validSignature + validSignature],
    ['63 digits', validSignature.slice(1)],
    ['empty', ''],
    ['not hex', 'not-a-signature'],
    ['missing', undefined],
  ];
  const bodies: [string, Buffer][] = [
    ['the signed body', rawBody],
    ['another body', Buffer.from('{"events":[]}')],
  ];
  const secrets = [SECRET, 'another-secret'];
  const cases = headers.flatMap(([name, header]) =>
    bodies.flatMap(([bodyName, body]) =>
      secrets.map(
        (secret) =>
          [`${name}, ${bodyName}, secret ${secret.slice(0, 7)}`, header, body, secret] as const,
      ),
    ),
  );

  it.each(cases)(
    'accepts exactly what gocardless-nodejs parse accepts: %s',
    (_case, header, body, secret) => {
      const ours = accepts(() => verifyGoCardlessWebhook(body, header, secret));
      // parse throws for a missing header too (it cannot decode undefined): both refuse it.
      const theirs = accepts(() => parse(body, secret, header as string));
      expect(ours).toBe(theirs);
    },
  );

  it('accepts, like parse, only the right HMAC of the raw body: hex in either case, a non-hex tail ignored', () => {
    const accepted = cases
      .filter(([, header, body, secret]) =>
        accepts(() => verifyGoCardlessWebhook(body, header, secret)),
      )
      .map(([name]) => name);
    expect(accepted).toEqual([
      `valid, the signed body, secret ${SECRET.slice(0, 7)}`,
      `upper case, the signed body, secret ${SECRET.slice(0, 7)}`,
      `trailing junk after the hex, the signed body, secret ${SECRET.slice(0, 7)}`,
      `a trailing odd nibble, the signed body, secret ${SECRET.slice(0, 7)}`,
    ]);
  });

  it('parse signals a bad signature with a non-Error object, which is why we wrap it', () => {
    let thrown: unknown;
    try {
      parse(rawBody, SECRET, flip(validSignature, 0));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ name: 'InvalidSignatureError' });
    expect(thrown instanceof Error).toBe(false);
  });

  it.each([
    ['not JSON', 'not json'],
    ['no events', '{"hello":1}'],
    [
      'a handled event without details',
      JSON.stringify({ events: [{ ...documentedBody.events[0], details: undefined }] }),
    ],
  ])('rejects a correctly signed body that is %s', (_case, text) => {
    const body = Buffer.from(text);
    expect(() =>
      verifyGoCardlessWebhook(body, signGoCardlessWebhook(body, SECRET), SECRET),
    ).toThrow(WebhookBodyError);
  });

  it('drops an event it does not act on when its shape is unexpected, keeping the rest', () => {
    const odd = { id: 'EV9', resource_type: 'exports', action: 'started', created_at: 'soon' };
    const body = Buffer.from(JSON.stringify({ events: [odd, documentedBody.events[1]] }));
    const events = verifyGoCardlessWebhook(body, signGoCardlessWebhook(body, SECRET), SECRET);
    expect(events.map((event) => event.id)).toEqual(['EV0000002']);
  });

  it('names the events it acts on and no others', () => {
    const event = (resource_type: string, action: string) =>
      GoCardlessEvent.parse({ ...documentedBody.events[1], resource_type, action });
    expect([
      handledEventType(event('payments', 'confirmed')),
      handledEventType(event('payments', 'paid_out')),
      handledEventType(event('mandates', 'active')),
      handledEventType(event('subscriptions', 'cancelled')),
      handledEventType(event('billing_requests', 'flow_visited')),
      handledEventType(event('payouts', 'paid')),
    ]).toEqual([
      'payments.confirmed',
      'payments.paid_out',
      'mandates.active',
      'subscriptions.cancelled',
      null,
      null,
    ]);
  });
});

describe('the local GoCardless sends webhooks as GoCardless does', () => {
  let fake: GoCardlessServer | null = null;
  let receiver: Server | null = null;
  afterEach(async () => {
    await fake?.close();
    await new Promise((resolve) => (receiver ? receiver.close(resolve) : resolve(null)));
  });

  it('posts signed events for a completed billing request, verifiable from the raw body', async () => {
    fake = await startGoCardlessServer({ webhookSecret: SECRET });
    const received: { raw: Buffer; signature: string | undefined }[] = [];
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const signature = request.headers['webhook-signature'];
        received.push({
          raw: Buffer.concat(chunks),
          signature: typeof signature === 'string' ? signature : undefined,
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/gocardless`;
    const created = await fetch(`${fake.baseUrl}/billing_requests`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${fake.accessToken}`,
        'gocardless-version': '2015-07-06',
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        billing_requests: {
          payment_request: { amount: 4500, currency: 'GBP' },
          mandate_request: { scheme: 'bacs' },
        },
      }),
    });
    const { billing_requests: request } = (await created.json()) as {
      billing_requests: { id: string };
    };
    const { events } = fake.completeBillingRequest(request.id);
    expect((await fake.sendWebhook(url, events)).status).toBe(204);
    expect((await fake.sendWebhook(url, events, { signature: null })).status).toBe(204);

    const [signed, unsigned] = received;
    const verified = verifyGoCardlessWebhook(
      signed?.raw ?? Buffer.from(''),
      signed?.signature,
      SECRET,
    );
    expect(
      verified.map((event) => handledEventType(event) ?? `${event.resource_type}.${event.action}`),
    ).toEqual([
      'billing_requests.fulfilled',
      'mandates.created',
      'payments.created',
      'payments.confirmed',
      'mandates.submitted',
      'mandates.active',
    ]);
    expect(() =>
      verifyGoCardlessWebhook(unsigned?.raw ?? Buffer.from(''), unsigned?.signature, SECRET),
    ).toThrow(WebhookSignatureError);
  });
});
