import { describe, expect, it } from 'vitest';
import { linkTokenFor, madeLinkToken, registrationForToken } from '../../machines/payment-link.ts';
import type { KeyValueStore } from '../../tools/kv/port.ts';
import { createSqliteKeyValueStore } from '../../tools/kv/sqlite.ts';
import { openDatabase } from '../../tools/sqlite/database.ts';

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
