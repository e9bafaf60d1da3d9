import { digitNumbers, hasDecimal, numberWords } from './numbers.ts';
import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_LENGTH = 200;

/** Sentence giving the allowed range. */
function rangeText(range: { min: number; max: number }): string {
  return `Please choose a whole number from ${range.min} to ${range.max}.`;
}

/** Reads a shirt number ("number 7", "#7", "twenty-one") and checks it is within the range. */
export function parseShirtNumber(
  text: string,
  range: { min: number; max: number },
): Parsed<number> {
  const message = clean(text);
  if (message.length > MAX_LENGTH) return fail(`That message is too long. ${rangeText(range)}`);
  if (hasDecimal(message)) return fail(`Shirt numbers are whole numbers. ${rangeText(range)}`);
  const numbers = new Set([...digitNumbers(message), ...numberWords(message, false)]);
  if (numbers.size > 1) {
    return fail(
      `I can see more than one number there. Which one would you like? ${rangeText(range)}`,
    );
  }
  const [value] = numbers;
  if (value === undefined) return fail(`Which shirt number would you like? ${rangeText(range)}`);
  if (!(value >= range.min && value <= range.max)) {
    return fail(`Shirt numbers go from ${range.min} to ${range.max}. ${rangeText(range)}`);
  }
  return ok(value);
}
