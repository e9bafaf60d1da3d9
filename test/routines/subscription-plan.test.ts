import { describe, expect, it } from 'vitest';
import { defaultClub } from '../../routines/club.ts';
import {
  monthlyAmountPence,
  planSubscription,
  type SubscriptionPlanInput,
} from '../../routines/subscription-plan.ts';

const aPlanInput = (overrides: Partial<SubscriptionPlanInput> = {}): SubscriptionPlanInput => ({
  season: defaultClub.season,
  registeredOn: '2025-07-15',
  paymentDay: 15,
  mandateNextPossibleChargeDate: '2025-07-21',
  monthlyFeePence: defaultClub.fees.monthlyPence,
  siblingDiscountPercent: defaultClub.siblingDiscountPercent,
  hasSibling: false,
  ...overrides,
});

describe('planSubscription', () => {
  // Season 2025-09 to 2026-05; the mandate's next possible charge date a few days after joining.
  it.each([
    ['July', '2025-07-15', '2025-07-21', 1, '2025-09-01', 9],
    ['July', '2025-07-15', '2025-07-21', 15, '2025-09-15', 9],
    ['July', '2025-07-15', '2025-07-21', 28, '2025-09-28', 9],
    ['July', '2025-07-15', '2025-07-21', -1, '2025-09-30', 9],
    ['August', '2025-08-28', '2025-09-03', 1, '2025-10-01', 8],
    ['August', '2025-08-28', '2025-09-03', 15, '2025-09-15', 9],
    ['August', '2025-08-28', '2025-09-03', 28, '2025-09-28', 9],
    ['August', '2025-08-28', '2025-09-03', -1, '2025-09-30', 9],
    ['October', '2025-10-10', '2025-10-16', 1, '2025-11-01', 7],
    ['October', '2025-10-10', '2025-10-16', 15, '2025-11-15', 7],
    ['October', '2025-10-10', '2025-10-16', 28, '2025-10-28', 8],
    ['October', '2025-10-10', '2025-10-16', -1, '2025-10-31', 8],
    ['March', '2026-03-02', '2026-03-06', 1, '2026-04-01', 2],
    ['March', '2026-03-02', '2026-03-06', 15, '2026-03-15', 3],
    ['March', '2026-03-02', '2026-03-06', 28, '2026-03-28', 3],
    ['March', '2026-03-02', '2026-03-06', -1, '2026-03-31', 3],
  ])(
    'registering in %s (%s, mandate from %s) on day %i starts %s for %i months',
    (_month, registeredOn, next, paymentDay, startDate, count) => {
      const plan = planSubscription(
        aPlanInput({ registeredOn, mandateNextPossibleChargeDate: next, paymentDay }),
      );
      expect(plan).toEqual({ amountPence: 2750, dayOfMonth: paymentDay, startDate, count });
    },
  );

  it.each([
    [1, '2025-10-01', 8],
    [15, '2025-10-15', 8],
    [28, '2025-09-28', 9],
    [-1, '2025-09-30', 9],
  ])(
    'waits for a mandate charge date later than the wanted start (day %i → %s, %i months)',
    (paymentDay, startDate, count) => {
      const plan = planSubscription(
        aPlanInput({ paymentDay, mandateNextPossibleChargeDate: '2025-09-20' }),
      );
      expect(plan).toMatchObject({ startDate, count });
    },
  );

  it.each([
    ['a last day on a Sunday moves to the Friday', '2025-11-26', '2025-11-28', 7],
    ['a mandate ready only after that Friday waits a month', '2025-11-29', '2025-12-31', 6],
  ])('day -1: %s', (_case, next, startDate, count) => {
    const plan = planSubscription(
      aPlanInput({
        registeredOn: '2025-11-20',
        mandateNextPossibleChargeDate: next,
        paymentDay: -1,
      }),
    );
    expect(plan).toMatchObject({ startDate, count });
  });

  it.each([
    ['the last collection day of May has passed', '2026-05-20', '2026-05-27', 15, null],
    ['a registration after the season', '2026-06-02', '2026-06-08', 1, null],
  ])('is null when %s', (_case, registeredOn, next, paymentDay, expected) => {
    const plan = planSubscription(
      aPlanInput({ registeredOn, mandateNextPossibleChargeDate: next, paymentDay }),
    );
    expect(plan).toBe(expected);
  });

  it('collects the season last day in May when it is still ahead', () => {
    const plan = planSubscription(
      aPlanInput({
        registeredOn: '2026-05-20',
        mandateNextPossibleChargeDate: '2026-05-27',
        paymentDay: -1,
      }),
    );
    expect(plan).toMatchObject({ startDate: '2026-05-29', count: 1 });
  });

  it.each([
    [false, 2750],
    [true, 2475],
  ])('with a sibling %s charges %i a month', (hasSibling, amountPence) => {
    expect(planSubscription(aPlanInput({ hasSibling }))?.amountPence).toBe(amountPence);
  });

  it('takes the discount off the configured fee, so planning again never discounts twice', () => {
    const input = aPlanInput({ hasSibling: true });
    const first = planSubscription(input);
    const again = planSubscription(input);
    expect([first?.amountPence, again?.amountPence]).toEqual([2475, 2475]);
    expect(monthlyAmountPence(2475, 10, false)).toBe(2475);
  });

  it.each([0, 29, 31, -2, 1.5])('refuses payment day %d', (paymentDay) => {
    expect(() => planSubscription(aPlanInput({ paymentDay }))).toThrow(RangeError);
  });

  it.each([
    ['registeredOn', '15/07/2025'],
    ['mandateNextPossibleChargeDate', '2025-13-01'],
  ])('refuses a malformed %s', (field, value) => {
    expect(() => planSubscription(aPlanInput({ [field]: value }))).toThrow(RangeError);
  });
});
