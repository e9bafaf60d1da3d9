import { parsePhoneNumberFromString } from 'libphonenumber-js/mobile';
import { remembered } from '../../tools/remembered.ts';
import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_LENGTH = 500;
const MIN_DIGITS = 5;
const RULE = 'It should start with 07 and have 11 digits, e.g. 07700 900123.';
const CANDIDATE = /\+?\(?\d[\d\s().-]*\d/g;

const REASONS = {
  none: `I couldn't find a phone number there. Please type your UK mobile number. ${RULE}`,
  notMobile: `That doesn't look like a UK mobile number. ${RULE}`,
  landline: `That looks like a landline. We need a mobile number so the club can text you. ${RULE}`,
  foreign: `That looks like a number from outside the UK. Please give a UK mobile number. ${RULE}`,
  short: `That number looks too short. ${RULE}`,
  long: `That number looks too long. ${RULE}`,
  several:
    'I can see more than one mobile number there. Which one should we use? Please send just one.',
  longMessage: `That message is too long. Please just type your mobile number. ${RULE}`,
} as const;

type Reason = keyof typeof REASONS;

/** Outcome of looking at one number-shaped piece of the message. */
type Verdict = { mobile: string } | { reason: Reason };

/** Order in which to report problems when no candidate was a mobile. */
const PRIORITY: readonly Reason[] = ['landline', 'foreign', 'long', 'short', 'notMobile'];

/** Converts what the parent typed to a national number starting with 0, or says it is foreign. */
function toNational(raw: string): string | 'foreign' {
  let digits = raw.replace(/\D/g, '');
  const international = raw.startsWith('+') || digits.startsWith('00');
  if (digits.startsWith('00')) digits = digits.slice(2);
  if (international && !digits.startsWith('44')) return 'foreign';
  if (international || (digits.startsWith('44') && digits.length >= 12)) {
    digits = digits.slice(2).replace(/^0/, '');
    return `0${digits}`;
  }
  if (digits.startsWith('7') && digits.length === 10) return `0${digits}`;
  return digits;
}

/** True for 07 numbers that are not mobiles: 070 personal numbers and 076 pagers (07624 is). */
function isNonMobile07(national: string): boolean {
  return (
    national.startsWith('070') || (national.startsWith('076') && !national.startsWith('07624'))
  );
}

/**
 * libphonenumber's parse is the dearest step of a turn that reads or stores a mobile, and a
 * registration asks about the same number several times (the answer, the record, the text).
 */
const PARSES_KEPT = 500;

/** Verdict on a national number that starts with 07. */
const judge07 = remembered(judge07Once, PARSES_KEPT);
function judge07Once(national: string): Verdict {
  if (national.length < 11) return { reason: 'short' };
  if (national.length > 11) return { reason: 'long' };
  if (isNonMobile07(national)) return { reason: 'notMobile' };
  const parsed = parsePhoneNumberFromString(national, 'GB');
  const type = parsed?.isValid() ? parsed.getType() : undefined;
  if (type !== undefined && type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    return { reason: 'notMobile' };
  }
  return { mobile: national };
}

/** Verdict on a national number that does not start with 07. */
function judgeOther(national: string): Verdict {
  if (!national.startsWith('0')) return { reason: national.length < 10 ? 'short' : 'notMobile' };
  const parsed = parsePhoneNumberFromString(national, 'GB');
  if (parsed?.isValid() && parsed.getType() === 'FIXED_LINE') return { reason: 'landline' };
  if (/^0[123]/.test(national) && national.length >= 10) return { reason: 'landline' };
  return { reason: national.length < 10 ? 'short' : 'notMobile' };
}

/** Decides whether one number-shaped piece of text is a UK mobile. */
function judge(raw: string): Verdict {
  const national = toNational(raw);
  if (national === 'foreign') return { reason: 'foreign' };
  if (national.length < 7) return { reason: 'short' };
  return national.startsWith('07') ? judge07(national) : judgeOther(national);
}

/** Finds a UK mobile number anywhere in a message and returns it as 07XXXXXXXXX. */
export function parseUkMobile(text: string): Parsed<string> {
  const message = clean(text);
  if (message.length > MAX_LENGTH) return fail(REASONS.longMessage);
  const pieces = Array.from(message.matchAll(CANDIDATE), (match) => match[0]);
  const verdicts = pieces
    .filter((piece) => piece.replace(/\D/g, '').length >= MIN_DIGITS)
    .map(judge);
  const mobiles = new Set(
    verdicts.flatMap((verdict) => ('mobile' in verdict ? [verdict.mobile] : [])),
  );
  const [mobile] = mobiles;
  if (mobiles.size > 1) return fail(REASONS.several);
  if (mobile !== undefined) return ok(mobile);
  const reasons = new Set(
    verdicts.flatMap((verdict) => ('reason' in verdict ? [verdict.reason] : [])),
  );
  const reason = PRIORITY.find((candidate) => reasons.has(candidate)) ?? 'none';
  return fail(REASONS[reason]);
}

/** Converts a UK number (07700900123, +44 7700 900123) to E.164 (+447700900123). */
export function toE164(mobile: string): string {
  const number = e164Of(String(mobile));
  if (number === null) throw new RangeError('Not a phone number');
  return number;
}

const e164Of = remembered(
  (mobile) => parsePhoneNumberFromString(mobile, 'GB')?.number ?? null,
  PARSES_KEPT,
);
