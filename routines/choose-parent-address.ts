import {
  CHOICE_INSTRUCTIONS,
  checkChoice,
  formatChoices,
  parseAddressChoice,
} from './address-choice.ts';
import { defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';

export const chooseParentAddress = defineRoutine({
  number: 13,
  why: 'The league needs your home address for its records, and the club uses it for anything it has to post.',
  ask: ({ draft }) =>
    [
      `I found ${draft.parentAddressChoices?.length ?? 'several'} addresses at ${draft.parentHouseNumber ?? 'that house'} in ${draft.parentPostcode ?? 'your postcode'}. Which one is yours? Reply with its number, or "none of these" to type it.`,
      formatChoices(draft.parentAddressChoices ?? []),
    ]
      .filter(Boolean)
      .join('\n\n'),
  instructions: CHOICE_INSTRUCTIONS,
  extracts: Draft.pick({ parentAddressChoice: true }),
  parse: (text, { draft }) =>
    mapParsed(
      parseAddressChoice(text, draft.parentAddressChoices ?? []),
      (parentAddressChoice) => ({
        parentAddressChoice,
      }),
    ),
  check: ({ parentAddressChoice }, { draft }) =>
    checkChoice(parentAddressChoice, draft.parentAddressChoices),
  tools: [],
  examples: [
    { says: '2', answer: { parentAddressChoice: 2 } },
    { says: 'the third one', answer: { parentAddressChoice: 3 } },
    { says: 'flat 1', answer: { parentAddressChoice: 1 } },
    { says: 'none of these', answer: { parentAddressChoice: 0 } },
    { says: '7', answer: null },
  ],
});
