import type { ClubConfig } from '../routines/club.ts';

/** The club's own answer to a question, by the most keywords matched; null when none match. */
export function answerFromFaq(question: string, club: ClubConfig): string | null {
  const text = ` ${question.toLowerCase().normalize('NFKC')} `;
  let best: { answer: string; hits: number } | null = null;
  for (const entry of club.faq) {
    const hits = entry.keywords.filter((keyword) => text.includes(keyword.toLowerCase())).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { answer: entry.answer, hits };
  }
  return best?.answer ?? null;
}

const QUESTION_START =
  /^\s*(what|how|when|where|why|who|which|can|could|do|does|is|are|will|should)\b/i;

/** A side question rather than an answer: it ends with "?", or opens like a question about the club. */
export const looksLikeQuestion = (text: string, club: ClubConfig) =>
  /\?\s*$/.test(text) || (QUESTION_START.test(text) && answerFromFaq(text, club) !== null);
