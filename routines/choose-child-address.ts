import {
  CHOICE_INSTRUCTIONS,
  checkChoice,
  formatChoices,
  parseAddressChoice,
} from './address-choice.ts';
import { childName, defineRoutine } from './define-routine.ts';
import { Draft } from './draft.ts';
import { mapParsed } from './parsers/result.ts';

export const chooseChildAddress = defineRoutine({
  number: 19,
  why: "The league records each player's home address.",
  ask: (view) =>
    [
      `I found ${view.draft.childAddressChoices?.length ?? 'several'} addresses at ${view.draft.childHouseNumber ?? 'that house'} in ${view.draft.childPostcode ?? 'their postcode'}. Which one is ${childName(view)}'s? Reply with its number, or "none of these" to type it.`,
      formatChoices(view.draft.childAddressChoices ?? []),
    ]
      .filter(Boolean)
      .join('\n\n'),
  instructions: CHOICE_INSTRUCTIONS,
  extracts: Draft.pick({ childAddressChoice: true }),
  parse: (text, { draft }) =>
    mapParsed(parseAddressChoice(text, draft.childAddressChoices ?? []), (childAddressChoice) => ({
      childAddressChoice,
    })),
  check: ({ childAddressChoice }, { draft }) =>
    checkChoice(childAddressChoice, draft.childAddressChoices),
  tools: [],
  examples: [
    { says: '2', answer: { childAddressChoice: 2 } },
    { says: 'the third one', answer: { childAddressChoice: 3 } },
    { says: 'flat 1', answer: { childAddressChoice: 1 } },
    { says: 'none of these', answer: { childAddressChoice: 0 } },
    { says: '7', answer: null },
  ],
});
