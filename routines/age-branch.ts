import { defineDecision } from './define-routine.ts';

export const ageBranch = defineDecision({
  number: 22,
  decides:
    "From the code's age group: players in the club's own-contact age group or older (U16 by default) give their own mobile and e-mail (23); younger players go straight to the summary (28).",
});
