import { pounds, type ClubConfig } from '../routines/club.ts';
import { monthlyAmountPence } from '../routines/subscription-plan.ts';
import { monthName } from '../routines/parsers/dates.ts';

type FaqEntry = ClubConfig['faq'][number];

/**
 * Answers every club has, worded from its configuration (fees, discount, season, kit, contact), so
 * they can never disagree with what the flow charges. The club's own entries come first.
 */
export function clubFacts(club: ClubConfig): FaqEntry[] {
  const { fees, season, siblingDiscountPercent: percent } = club;
  const discounted = monthlyAmountPence(fees.monthlyPence, percent, true);
  return [
    {
      id: 'siblings',
      keywords: [
        'sibling',
        'brother',
        'sister',
        'discount',
        'second child',
        'two kids',
        '2 kids',
        'two children',
        '2 children',
        'twins',
        'more than one',
        'another child',
        'other child',
        'both of them',
        'both kids',
      ],
      answer:
        percent > 0
          ? `Yes: brothers and sisters get ${percent}% off the monthly fee (${pounds(discounted)} a month instead of ${pounds(fees.monthlyPence)}). It's applied automatically: register each child here with their own code, one after the other.`
          : `There's no sibling discount, but you can register each child here with their own code, one after the other.`,
    },
    {
      id: 'signUp',
      keywords: [
        'sign up',
        'signup',
        'sign him up',
        'sign her up',
        'register',
        'registration',
        'join',
        'get started',
        'how do i start',
        'how does this work',
        'how long',
      ],
      answer: `You're in the right place: with the registration code from your child's team manager (like 200-Lions-U10-${season.code}), I ask a few questions one at a time, which takes about ten minutes. Then I text you a secure link to pay the signing-on fee and set up the monthly Direct Debit, and you upload a photo.`,
    },
    {
      id: 'fees',
      keywords: [
        'cost',
        'how much',
        'price',
        'fee',
        'fees',
        'subs',
        'monthly',
        '£',
        'direct debit',
      ],
      answer: `There's a one-off signing-on fee of ${pounds(fees.signingOnPence)} and then ${pounds(fees.monthlyPence)} a month by Direct Debit from ${monthName(season.firstMonth)} to ${monthName(season.lastMonth)}.${percent > 0 ? ` Brothers and sisters get ${percent}% off the monthly fee.` : ''}`,
    },
    {
      id: 'season',
      keywords: ['season start', 'season end', 'when does the season', 'which season'],
      answer: `This is the ${season.label} season: monthly fees run from ${monthName(season.firstMonth)} to ${monthName(season.lastMonth)}.`,
    },
    {
      id: 'kitSizes',
      keywords: ['kit', 'sizes', 'size', 'shirt', 'shorts', 'socks'],
      answer: `The kit comes in these sizes: ${club.kitSizes.join(', ')}. If in doubt, go a size up.`,
    },
    {
      id: 'contact',
      keywords: [
        'contact',
        'speak to',
        'talk to',
        'a person',
        'human',
        'phone the club',
        'email the club',
        'volunteer',
      ],
      answer: `You can e-mail the club at ${club.adminEmail} and a volunteer will get back to you.`,
    },
  ];
}

/** The club's own answer to a question, by the most keywords matched; null when none match. */
export function answerFromFaq(question: string, club: ClubConfig): string | null {
  const text = ` ${question.toLowerCase().normalize('NFKC').replace(/[’‘]/g, "'")} `;
  let best: { answer: string; hits: number } | null = null;
  for (const entry of [...club.faq, ...clubFacts(club)]) {
    const hits = entry.keywords.filter((keyword) => text.includes(keyword.toLowerCase())).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { answer: entry.answer, hits };
  }
  return best?.answer ?? null;
}

/** The same question again, from a parent who got "I don't know": the club's contact is the way on. */
export const dontKnow = (club: ClubConfig) =>
  `I don't know the answer to that, I'm afraid. Please e-mail the club at ${club.adminEmail} and a volunteer will help.`;

const QUESTION_START =
  /^\s*(what|how|when|where|why|who|which|can|could|do|does|is|are|will|should|would|may|am i|have you|has)\b/i;

/** Opens like a question ("is there…", "how do I…"). */
export const opensLikeQuestion = (text: string) => QUESTION_START.test(text);

/** A side question rather than an answer: it opens like a question and ends with "?" or names a club fact. */
export const looksLikeQuestion = (text: string, club: ClubConfig) =>
  QUESTION_START.test(text) && (/\?\s*$/.test(text) || answerFromFaq(text, club) !== null);
