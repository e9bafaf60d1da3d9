import { LAST_DAY } from './parsers/payment-day.ts';

export type SubscriptionPlanInput = {
  /** The season's collection months, YYYY-MM, from the club config. */
  season: { firstMonth: string; lastMonth: string };
  /** The day the registration was saved, YYYY-MM-DD. */
  registeredOn: string;
  /** 1–28, or -1 for the last working day of the month. */
  paymentDay: number;
  /** The mandate's `next_possible_charge_date`, YYYY-MM-DD: no collection may come sooner. */
  mandateNextPossibleChargeDate: string;
  monthlyFeePence: number;
  siblingDiscountPercent: number;
  /** Another child of the same parent is registered this season (see `isSibling`). */
  hasSibling: boolean;
};

/** What to ask GoCardless for: `count` monthly payments of `amountPence` from `startDate`. */
export type SubscriptionPlan = {
  amountPence: number;
  dayOfMonth: number;
  startDate: string;
  count: number;
};

const YEAR_MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** Months since year 0 for "YYYY-MM", so months can be counted and stepped. */
function monthIndex(yearMonth: string): number {
  const match = YEAR_MONTH.exec(yearMonth);
  if (!match) throw new RangeError(`Expected YYYY-MM, got ${yearMonth}`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** The collection date in a month: the chosen day, or the last weekday for -1. */
function chargeDate(index: number, paymentDay: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  if (paymentDay !== LAST_DAY) return `${year}-${pad(month)}-${pad(paymentDay)}`;
  const last = new Date(Date.UTC(year, month, 0));
  // GoCardless moves -1 back to the last working day; weekends are the part we can know here.
  while (last.getUTCDay() === 0 || last.getUTCDay() === 6) last.setUTCDate(last.getUTCDate() - 1);
  return last.toISOString().slice(0, 10);
}

function checkInput(input: SubscriptionPlanInput): void {
  const { paymentDay, registeredOn, mandateNextPossibleChargeDate: next } = input;
  if (!(
    paymentDay === LAST_DAY ||
    (Number.isInteger(paymentDay) && paymentDay >= 1 && paymentDay <= 28)
  )) {
    throw new RangeError(`Payment day must be 1–28 or -1, got ${paymentDay}`);
  }
  for (const date of [registeredOn, next]) {
    if (!ISO_DATE.test(date)) throw new RangeError(`Expected YYYY-MM-DD, got ${date}`);
  }
  if (!Number.isInteger(input.monthlyFeePence) || input.monthlyFeePence <= 0) {
    throw new RangeError('The monthly fee must be a whole positive number of pence');
  }
}

/** The monthly amount: the sibling discount comes off the monthly fee only, once. */
export function monthlyAmountPence(
  monthlyFeePence: number,
  siblingDiscountPercent: number,
  hasSibling: boolean,
): number {
  if (!hasSibling) return monthlyFeePence;
  return Math.round((monthlyFeePence * (100 - siblingDiscountPercent)) / 100);
}

/**
 * The monthly subscription for a registration: the first collection on the parent's day, on or
 * after the season's first month, the registration and the mandate's next possible charge date;
 * then one a month to the season's last month, so a late joiner pays only the months left. Null
 * when no month of the season is left to collect.
 */
export function planSubscription(input: SubscriptionPlanInput): SubscriptionPlan | null {
  checkInput(input);
  const first = monthIndex(input.season.firstMonth);
  const last = monthIndex(input.season.lastMonth);
  const earliest = [
    `${input.season.firstMonth}-01`,
    input.registeredOn,
    input.mandateNextPossibleChargeDate,
  ].reduce((a, b) => (a > b ? a : b));
  for (let index = Math.max(first, monthIndex(earliest.slice(0, 7))); index <= last; index++) {
    const startDate = chargeDate(index, input.paymentDay);
    if (startDate >= earliest) {
      return {
        amountPence: monthlyAmountPence(
          input.monthlyFeePence,
          input.siblingDiscountPercent,
          input.hasSibling,
        ),
        dayOfMonth: input.paymentDay,
        startDate,
        count: last - index + 1,
      };
    }
  }
  return null;
}
