import { formatAddress, parseHouseNumber } from './address-text.ts';
import type { Address } from './draft.ts';
import { parseUkPostcode } from './parsers/postcodes.ts';
import { fail, ok, type Parsed } from './parsers/result.ts';
import { clean, words } from './parsers/text.ts';
import { parseYesNo } from './parsers/yes-no.ts';

/** How many addresses the list shows; the rest are found by their flat number or name. */
export const SHOWN_CHOICES = 9;

/** The numbered list of addresses a parent picks from, with a hint when some are not shown. */
export function formatChoices(choices: readonly Address[]): string {
  const shown = choices
    .slice(0, SHOWN_CHOICES)
    .map((address, index) => `${index + 1}. ${formatAddress(address)}`);
  const more = choices.length - SHOWN_CHOICES;
  return [
    ...shown,
    ...(more > 0 ? [`…and ${more} more: tell me your flat number or name.`] : []),
  ].join('\n');
}

/** "number 12" or "Rose Cottage", as a sentence says it. */
export const houseInWords = (house: string) => (/^\d/.test(house) ? `number ${house}` : house);

const ORDINALS = [
  'first',
  'second',
  'third',
  'fourth',
  'fifth',
  'sixth',
  'seventh',
  'eighth',
  'ninth',
];
const NONE =
  /\b(none|neither|nothing|not (?:there|here|listed|on (?:the|this|that) list|any)|isn'?t (?:there|listed|here)|no(?:ne)? of (?:these|them|those)|type|typing|by hand|myself|manually|write it)\b/;
const FILLER = new Set([
  'the',
  'one',
  "it's",
  'its',
  'it',
  'is',
  'mine',
  'ours',
  'that',
  'please',
  'option',
  'no',
  'number',
  'address',
]);

const rangeHint = (count: number) =>
  `Please reply with a number from 1 to ${Math.min(count, SHOWN_CHOICES)}, or "none of these" to type the address.`;

/** The choices whose house names every word the parent typed ("flat 3", "kingsley hall"). */
function namedChoices(said: readonly string[], choices: readonly Address[]) {
  const wanted = said.filter((word) => !FILLER.has(word));
  if (wanted.length === 0) return [];
  return choices.flatMap((address, index) => {
    const house = words(address.houseNumber);
    return wanted.every((word) => house.includes(word)) ? [index + 1] : [];
  });
}

/**
 * Reads which address of the numbered list the parent picked: "2", "the second one", "flat 3",
 * "Kingsley Hall"; 0 for "none of these" (they type the address instead).
 */
export function parseAddressChoice(text: string, choices: readonly Address[]): Parsed<number> {
  const message = clean(text).toLowerCase();
  const said = words(message);
  if (said.length === 0) return fail(rangeHint(choices.length));
  const yesNo = parseYesNo(message);
  if (NONE.test(message) || (yesNo.ok && !yesNo.value && !/\d/.test(message))) return ok(0);
  const bare = /^(?:(?:number|no\.?|option|#)\s*)?(\d{1,2})(?:st|nd|rd|th)?(?:\s*one)?\.?$/.exec(
    message.replace(/^(?:(?:it'?s|it is|the|that'?s)\s+)+/, '').trim(),
  );
  const ordinal = said.find((word) => ORDINALS.includes(word) || word === 'last');
  const listed =
    bare?.[1] !== undefined
      ? Number(bare[1])
      : ordinal === 'last'
        ? Math.min(choices.length, SHOWN_CHOICES)
        : ordinal !== undefined
          ? ORDINALS.indexOf(ordinal) + 1
          : null;
  if (listed !== null && listed >= 1 && listed <= choices.length) return ok(listed);
  const named = namedChoices(said, choices);
  if (named.length === 1 && named[0] !== undefined) return ok(named[0]);
  if (named.length > 1)
    return fail(`More than one address matches that. ${rangeHint(choices.length)}`);
  return fail(rangeHint(choices.length));
}

/** A picked number that is on the list (0: none of them). */
export const checkChoice = (choice: number, choices: readonly Address[] | undefined) =>
  choice <= (choices?.length ?? 0) ? null : rangeHint(choices?.length ?? 0);

const TYPE_IT = /\b(type|typing|by hand|myself|manually|write it|enter it)\b/;
const IT_IS_RIGHT = /\b(right|correct)\b/;
const LEAD = /^(?:(?:no|nope|sorry|oops|actually|wait|ah|oh)\b[\s,.!-]*)+/;

/** "type it", "yes", "that's right": keep what was given and type the whole address. */
const keepsIt = (message: string) => {
  if (TYPE_IT.test(message)) return true;
  const yesNo = parseYesNo(message);
  if (yesNo.ok && yesNo.value) return true;
  return IT_IS_RIGHT.test(message) && !/\b(not|isn'?t|wrong)\b/.test(message);
};

/** The answer to "is the number right?": a corrected house number or name, or null to type it. */
export function parseHouseRetry(text: string): Parsed<string | null> {
  const message = clean(text).toLowerCase();
  if (keepsIt(message)) return ok(null);
  const rest = clean(text).replace(new RegExp(LEAD.source, 'i'), '');
  const house = parseHouseNumber(rest);
  return house.ok
    ? house
    : fail('Please send the right house number or name, or say "type it" to type the address.');
}

/** The answer to "is the postcode right?": a corrected postcode, or null to type the address. */
export function parsePostcodeRetry(text: string): Parsed<string | null> {
  const message = clean(text).toLowerCase();
  const postcode = parseUkPostcode(text);
  if (postcode.ok) return postcode;
  if (keepsIt(message)) return ok(null);
  return fail(
    'Please send the right postcode, like "M32 8JL", or say "type it" to type the address.',
  );
}

export const CHOICE_INSTRUCTIONS = [
  'The parent picks their address from the numbered list on screen (also in the facts as parentAddressChoices or childAddressChoices, in the same order).',
  'Return the number of the address they picked: "2", "the second one", or the address named by its flat or house ("flat 3") all give its number.',
  'Return 0 when they say none of them is right, or that they would rather type the address.',
  'If the reply could mean more than one address, return no answer and ask them for the number.',
] as const;

export const HOUSE_RETRY_INSTRUCTIONS = [
  'The lookup could not find the house number or name in the postcode; the parent was asked whether it is right.',
  'If they give a different house number or name (e.g. "sorry, it\'s 14"), return it alone, as typed ("14", "Flat 2, 12", "Rose Cottage").',
  'Return null when they say it is right, or that they would rather type the address.',
] as const;

export const POSTCODE_RETRY_INSTRUCTIONS = [
  'The lookup did not know the postcode; the parent was asked whether it is right.',
  'If they give a different UK postcode, return it in upper case with one space before the last three characters, e.g. "M32 8JL".',
  'Return null when they say it is right, or that they would rather type the address.',
] as const;
