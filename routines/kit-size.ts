import { defineRoutine, childName } from './define-routine.ts';
import { Draft } from './draft.ts';
import { parseKitSize } from './parsers/kit.ts';
import { mapParsed } from './parsers/result.ts';

export const kitSize = defineRoutine({
  number: 32,
  why: "New players get the club's kit, so the kit manager needs the size to order.",
  ask: (view) =>
    `${childName(view)} needs a new kit. Which size? Children's sizes are ${view.club.kitSizes.filter((size) => size.includes('/')).join(', ')} (by age); adult sizes are ${view.club.kitSizes.filter((size) => !size.includes('/')).join(', ')}.`,
  instructions: [
    'Read the kit size as exactly one of the sizes listed in the question.',
    'Write age sizes with a slash: "9-10" or "9 to 10" is "9/10"; "small" is "S"; "XXL" is "2XL".',
  ],
  extracts: Draft.pick({ kitSize: true }),
  parse: (text, { club }) =>
    mapParsed(parseKitSize(text, club.kitSizes), (size) => ({ kitSize: size })),
  check: ({ kitSize: size }, { club }) =>
    club.kitSizes.includes(size) ? null : `Please choose one of: ${club.kitSizes.join(', ')}.`,
  mentions: ['kit size', 'size'],
  corrections: { midFlow: true, afterSave: true },
  tools: [],
  examples: [
    { says: '9-10', answer: { kitSize: '9/10' } },
    { says: 'medium', answer: { kitSize: 'M' } },
    { says: 'size 4', answer: null },
  ],
});
