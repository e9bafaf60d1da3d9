import { describe } from 'vitest';
import { createLogSmsSender } from '../../tools/sms/log-sender.ts';
import { createTwilioSmsSender } from '../../tools/sms/twilio.ts';
import {
  failingSmsSenderContract,
  smsSenderContract,
  type FailingSmsSenderHarness,
} from '../contracts/sms-sender.contract.ts';
import { startTwilioServer, type TwilioFault } from '../fakes/twilio-server.ts';

const TIMEOUT_MS = 400;

const FAULTS = {
  'server error': { type: 'error', status: 500, code: 20500 },
  'too many requests': { type: 'error', status: 429, code: 20429 },
  'dropped connection': { type: 'drop' },
  refusal: { type: 'error', status: 400, code: 21211 },
  slow: { type: 'slow', delayMs: TIMEOUT_MS * 5 },
} satisfies Record<Parameters<FailingSmsSenderHarness['failNext']>[0], TwilioFault>;

async function twilioHarness(): Promise<FailingSmsSenderHarness> {
  const twilio = await startTwilioServer();
  const sender = createTwilioSmsSender({
    accountSid: twilio.accountSid,
    authToken: twilio.authToken,
    from: '+447700900000',
    baseUrl: twilio.baseUrl,
    timeoutMs: TIMEOUT_MS,
  });
  return {
    sender,
    accepted: () => twilio.messages.length,
    timeoutMs: TIMEOUT_MS,
    failNext: (failure) => twilio.script(FAULTS[failure]),
    close: () => twilio.close(),
  };
}

describe('log sender', () => {
  smsSenderContract(async () => {
    const sent: unknown[] = [];
    const sender = createLogSmsSender((event, data) => {
      if (event === 'sms.sent') sent.push(data);
    });
    return { sender, accepted: () => sent.length, close: async () => {} };
  });
});

describe('Twilio sender against the local Twilio server', () => {
  smsSenderContract(twilioHarness);
  failingSmsSenderContract(twilioHarness);
});
