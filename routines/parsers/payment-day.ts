import { digitNumbers, hasDecimal, numberWords } from './numbers.ts';
import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

/** The value meaning "collect on the last day of the month". */
export const LAST_DAY = -1;

const MAX_LENGTH = 200;
const CHOOSE = "Please choose a day from 1 to 28, or say 'last day' for the last day of the month.";
const LAST_DAY_PHRASE = /\b(?:last|end\s+of\s+(?:the\s+)?month|month\s+end|month's\s+end)\b/;

/** Reads the day of the month for Direct Debit collection: 1-28, or -1 for the last day. */
export function parsePaymentDay(text: string): Parsed<number> {
  const message = clean(text).toLowerCase();
  if (message.length > MAX_LENGTH) return fail(`That message is too long. ${CHOOSE}`);
  if (hasDecimal(message)) return fail(`Please use a whole day of the month. ${CHOOSE}`);
  const days = new Set([...digitNumbers(message), ...numberWords(message, true)]);
  const last = LAST_DAY_PHRASE.test(message);
  if (days.size + (last ? 1 : 0) > 1) {
    return fail(`I can see more than one day there. Which one would you like? ${CHOOSE}`);
  }
  const weekday = /\b(mon|tues?|wed(?:nes)?|thur?s?|fri|satur|sun)(?:day)?s?\b/.exec(message);
  if (weekday) {
    return fail(
      `I can't take it on a ${weekday[0].replace(/s$/, '')}: a Direct Debit is collected on the same date each month. Would you like the last day of the month, or a date from 1 to 28?`,
    );
  }
  const [day] = days;
  if (day === undefined)
    return last ? ok(LAST_DAY) : fail(`Sorry, I didn't catch the day. ${CHOOSE}`);
  if (day >= 29 && day <= 31) {
    return fail(
      `Direct Debits can only be collected on days 1 to 28, or on the last day of the month. ${CHOOSE}`,
    );
  }
  if (!(day >= 1 && day <= 28)) return fail(`That isn't a day we can use. ${CHOOSE}`);
  return ok(day);
}
