import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionIdBits, weakSessionIdReason } from '../../server/session-id.ts';

/** The club frontend's own ids: `session-${Date.now()}-${Math.random().toString(36).substr(2, 9)}`. */
const frontendId = () => `session-${Date.now()}-${Math.random().toString(36).substring(2, 11)}`;

describe('session id strength', () => {
  it.each([
    ['aaaaaaaa', 'too short'],
    ['12345678', 'too short'],
    ['session-1', 'too short'],
    ['session-12345678', 'too predictable'],
    ['session-1732190000000', 'too predictable'],
    ['session-1732190000000-aaaaaaaaa', 'too predictable'],
    ['session-1732190000000-abcdefghi', 'too predictable'],
    ['session-1732190000000-abcabcabc', 'too predictable'],
    ['abcdefghijklmnopqrstuvwxyz', 'too predictable'],
    ['0123456789012345678901234', 'too predictable'],
    ['session-test-xxxxxxxxx', 'too predictable'],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'too predictable'],
    ['Aa1Aa1Aa1Aa1Aa1Aa1A', 'too predictable'],
    ['../../etc/passwd', 'not 8-100 letters, digits, "-" or "_"'],
  ])('refuses %s (%s)', (id, reason) => {
    expect(weakSessionIdReason(id)).toBe(reason);
  });

  it.each([
    ['the club frontend', 'session-1732190000000-k3j9x2m1q'],
    ['the club frontend, an 8-character tail', 'session-1732190000000-k3j9x2m1'],
    ['the club frontend, a tail with runs (seen in CI)', 'session-1796011796171-99999jihj'],
    ['the club frontend, a tail of digits', 'session-1796011796171-000123789'],
    ['the club frontend, a short tail (seen in CI)', 'session-1796037722015-llswb'],
    ['our own', `session-${randomUUID()}`],
    ['a bare UUID', randomUUID()],
  ])('accepts %s ids', (_name, id) => {
    expect(weakSessionIdReason(id)).toBeNull();
  });

  it('accepts 20,000 ids made the way the club frontend makes them', () => {
    const refused = Array.from({ length: 20_000 }, frontendId).filter(
      (id) => weakSessionIdReason(id) !== null,
    );
    expect(refused).toEqual([]);
  });

  it('scores the frontend format well above the bar and a UUID far above it', () => {
    expect(sessionIdBits('session-1732190000000-k3j9x2m1q')).toBeGreaterThan(40);
    expect(sessionIdBits(`session-${randomUUID()}`)).toBeGreaterThan(80);
  });
});
