import type { Address } from './draft.ts';
import { parseUkPostcode } from './parsers/postcodes.ts';
import { fail, ok, type Parsed } from './parsers/result.ts';

const EXAMPLE = '12 Acacia Avenue, Urmston, Manchester, M41 0AA';

/** As `Address.houseNumber` and the record's house number field allow. */
const MAX_HOUSE_LENGTH = 60;

/** Reads an address typed by hand: comma- or line-separated parts ending with a UK postcode. */
export function parseTypedAddress(text: string): Parsed<Address> {
  const postcode = parseUkPostcode(text);
  if (!postcode.ok) {
    return fail(`Please include the postcode, for example: ${EXAMPLE}`);
  }
  const withoutPostcode = text
    .normalize('NFKC')
    .replace(new RegExp(postcode.value.replace(' ', '\\s*'), 'i'), '');
  const parts = withoutPostcode
    .split(/[,\n]+/)
    .map((part) => part.replace(/\s+/g, ' ').trim())
    .filter((part) => part.length > 0 && !/^(uk|united kingdom|england)$/i.test(part));
  const [line1, ...rest] = parts;
  if (line1 === undefined || rest.length === 0 || parts.some((part) => part.length > 100)) {
    return fail(`Please type the address with commas between the parts, like: ${EXAMPLE}`);
  }
  const houseNumber =
    /^(flat \d+\w?|\d+[a-z]?)\b/i.exec(line1)?.[0] ?? line1.split(' ')[0] ?? line1;
  const city = rest.at(-1) ?? '';
  const town = rest.slice(0, -1).join(', ');
  if (!/\p{L}{2,}/u.test(line1) || city.length > 50 || town.length > 50) {
    return fail(`That doesn't look like a full address. Please type it like: ${EXAMPLE}`);
  }
  return ok({
    houseNumber: houseNumber.slice(0, MAX_HOUSE_LENGTH),
    line1,
    town,
    city,
    postcode: postcode.value,
  });
}

/** One line for showing an address back to the parent. */
export const formatAddress = (address: Address) =>
  [address.line1, address.town, address.city, address.postcode].filter(Boolean).join(', ');

export const POSTCODE_INSTRUCTIONS = [
  'Read a UK postcode from the reply.',
  'Return it in upper case with one space before the last three characters, e.g. "M32 8JL".',
  'If there is no valid UK postcode, return no answer.',
] as const;

export const HOUSE_INSTRUCTIONS = [
  'Read the house number or house name only (e.g. "12a", "Flat 2", "Rose Cottage"), not the street.',
] as const;

export const TYPED_ADDRESS_INSTRUCTIONS = [
  'Split the typed UK address into house number or name, first line (number and street), town, city and postcode.',
  'The town may be empty. The postcode must be a valid UK postcode in the "M41 0AA" form.',
  'If a part is missing, return no answer and say which part.',
] as const;

/** A house number or name: "12a", "Flat 2", "Rose Cottage"; "number 7" becomes "7". */
export function parseHouseNumber(text: string): Parsed<string> {
  const reply = text
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(it'?s|house|number|no\.?|#)\s*/i, '')
    .replace(/[.!]+$/, '');
  if (reply.length === 0) return fail('What is the house number or name?');
  if (reply.length > MAX_HOUSE_LENGTH || !/^[\p{L}\p{N}' ,/-]+$/u.test(reply)) {
    return fail('Please give just the house number or name, like "12a" or "Rose Cottage".');
  }
  return ok(reply);
}
