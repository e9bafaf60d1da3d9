import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SmsRejectedError, type SmsSender } from '../../tools/sms/port.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';

export type SmsSenderHarness = {
  sender: SmsSender;
  /** How many texts the provider has accepted so far. */
  accepted(): number;
  close(): Promise<void>;
};

/** A provider that can be made to fail: the local Twilio server behind the real adapter. */
export type FailingSmsSenderHarness = SmsSenderHarness & {
  /** The adapter's own timeout. */
  timeoutMs: number;
  /** The next send meets this failure. */
  failNext(
    failure: 'server error' | 'too many requests' | 'dropped connection' | 'refusal' | 'slow',
  ): void;
};

const text = { to: '+447700900123', body: 'Pay here: https://pay.example/abc' };

const caught = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the send to fail');
};

/** What every SmsSender does. */
export function smsSenderContract(make: () => Promise<SmsSenderHarness>) {
  let harness: SmsSenderHarness;
  beforeEach(async () => {
    harness = await make();
  });
  afterEach(() => harness.close());

  it('returns the provider id and status of a text it sends', async () => {
    const receipt = await harness.sender.send(text);
    expect(receipt.providerId).toMatch(/^[A-Z]{2,3}[0-9a-f]{32}$/);
    expect(receipt.status).not.toBe('');
    expect(harness.accepted()).toBe(1);
  });

  it('gives each text its own id', async () => {
    const first = await harness.sender.send(text);
    const second = await harness.sender.send({ ...text, statusCallbackUrl: 'https://x.test/s' });
    expect(second.providerId).not.toBe(first.providerId);
    expect(harness.accepted()).toBe(2);
  });

  it('refuses a number that is not in E.164 with SmsRejectedError whose reason omits it', async () => {
    const error = await caught(harness.sender.send({ ...text, to: '07700 900123' }));
    expect(error).toBeInstanceOf(SmsRejectedError);
    expect((error as SmsRejectedError).reason).not.toMatch(/0?7700/);
    expect(harness.accepted()).toBe(0);
  });

  it('ends a send whose signal is already aborted with ToolUnavailableError, sending nothing', async () => {
    const error = await caught(harness.sender.send(text, AbortSignal.abort()));
    expect(error).toBeInstanceOf(ToolUnavailableError);
    expect(harness.accepted()).toBe(0);
  });
}

/** What a sender does when its provider fails: the failures the outbox job retries, or not. */
export function failingSmsSenderContract(make: () => Promise<FailingSmsSenderHarness>) {
  let harness: FailingSmsSenderHarness;
  beforeEach(async () => {
    harness = await make();
  });
  afterEach(() => harness.close());

  describe.each(['server error', 'too many requests', 'dropped connection'] as const)(
    'after a %s',
    (failure) => {
      it('throws ToolUnavailableError, and a retry sends the text exactly once', async () => {
        harness.failNext(failure);
        expect(await caught(harness.sender.send(text))).toBeInstanceOf(ToolUnavailableError);
        expect(harness.accepted()).toBe(0);
        await harness.sender.send(text);
        expect(harness.accepted()).toBe(1);
      });
    },
  );

  it('throws SmsRejectedError with the provider code on a refusal, and sends nothing', async () => {
    harness.failNext('refusal');
    const error = await caught(harness.sender.send(text));
    expect(error).toBeInstanceOf(SmsRejectedError);
    expect((error as SmsRejectedError).code).toMatch(/^\d+$/);
    expect(harness.accepted()).toBe(0);
  });

  it('throws ToolUnavailableError within its timeout when the provider is slow', async () => {
    harness.failNext('slow');
    const started = performance.now();
    expect(await caught(harness.sender.send(text))).toBeInstanceOf(ToolUnavailableError);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(harness.timeoutMs - 5);
    expect(elapsed).toBeLessThan(harness.timeoutMs + 1_000);
  });

  it("stops waiting when the caller's signal aborts, with ToolUnavailableError", async () => {
    await harness.sender.send(text);
    harness.failNext('slow');
    const started = performance.now();
    const error = await caught(harness.sender.send(text, AbortSignal.timeout(50)));
    expect(error).toBeInstanceOf(ToolUnavailableError);
    expect(performance.now() - started).toBeLessThan(harness.timeoutMs);
  });
}
