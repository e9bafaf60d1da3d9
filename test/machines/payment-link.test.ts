import { describe, expect, it } from 'vitest';
import { linkTokenFor, madeLinkToken, registrationForToken } from '../../machines/payment-link.ts';
import type { KeyValueStore } from '../../tools/kv/port.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';
import { ToolUnavailableError } from '../../tools/tool.ts';
import { createHarness } from '../support/harness.ts';
import { aParent, breakMethod } from './journeys.ts';

/** The ledger, with every call it is asked noted by name. */
function countedLedger() {
  const ledger = createSqliteKeyValueStore(openDatabase(':memory:'), 'ledger');
  const calls: string[] = [];
  const counted: KeyValueStore = {
    ...ledger,
    get: (key) => (calls.push('get'), ledger.get(key)),
    set: (key, value, ttl) => (calls.push('set'), ledger.set(key, value, ttl)),
    setIfAbsent: (key, value, ttl) => (
      calls.push('setIfAbsent'),
      ledger.setIfAbsent(key, value, ttl)
    ),
  };
  return { ledger: counted, calls };
}

describe('payment-link tokens', () => {
  it('reads the token createPayment made in one call, and it leads back to the registration', async () => {
    const { ledger, calls } = countedLedger();
    const made = await linkTokenFor(ledger, 'reg-1');
    calls.length = 0;
    expect(await madeLinkToken(ledger, 'reg-1')).toBe(made);
    expect(calls).toEqual(['get']);
    expect(await registrationForToken(ledger, made)).toBe('reg-1');
  });

  it('makes the token, as linkTokenFor does, when none was made', async () => {
    const { ledger } = countedLedger();
    const token = await madeLinkToken(ledger, 'reg-2');
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await registrationForToken(ledger, token)).toBe('reg-2');
    expect(await linkTokenFor(ledger, 'reg-2')).toBe(token);
  });
});

describe('the payment step', () => {
  /** The chat's ledger, with the keys it is asked to read noted. */
  async function paying() {
    const ledger = createSqliteKeyValueStore(openDatabase(':memory:'), 'ledger');
    const read: string[] = [];
    const harness = await createHarness({
      ports: { ledger: { ...ledger, get: (key) => (read.push(key), ledger.get(key)) } },
    });
    const parent = aParent(harness);
    await parent.reach(29);
    read.length = 0;
    /** The token the text's link carries, and the registration it leads back to. */
    const texted = async () => {
      const [text] = await harness.ports.sms.list();
      const token = /reg_setup\/([A-Za-z0-9_-]{32})/.exec(text?.body ?? '')?.[1] ?? '';
      return { token, registration: await registrationForToken(ledger, token) };
    };
    return { harness, parent, read, texted };
  }
  const tokenReads = (read: string[]) => read.filter((key) => key.startsWith('paylink.'));

  it('texts the link createPayment made in the same turn without reading the token back', async () => {
    const { parent, read, texted } = await paying();
    expect((await parent.say('15')).routineNumber).toBe(30);
    expect(tokenReads(read)).toEqual([]);
    const { token, registration } = await texted();
    expect(token).not.toBe('');
    expect(registration).toMatch(/^reg-/);
  });

  it('reads the token back when the text is sent in a later turn, and texts that same link', async () => {
    const { harness, parent, read, texted } = await paying();
    const texts = breakMethod(
      harness.ports,
      'sms',
      'enqueue',
      () => new ToolUnavailableError('sms'),
    );
    await parent.say('15');
    texts.broken = false;
    expect((await parent.say('ok')).routineNumber).toBe(30);
    expect(tokenReads(read)).toHaveLength(1);
    const { token, registration } = await texted();
    expect(registration).toMatch(/^reg-/);
    expect(await madeLinkToken(harness.ports.ledger, registration ?? '')).toBe(token);
  });
});
