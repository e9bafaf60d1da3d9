import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

/** Whether a child has medical issues, and what they are. */
export type MedicalIssues = { hasIssues: boolean; details: string | null };

const MAX_LENGTH = 2000;
const ASK_DETAILS =
  'What are the medical issues? Please tell me briefly, e.g. asthma or a nut allergy.';
const ASK_AGAIN =
  "Sorry, I didn't catch that. Please tell me about any medical conditions or allergies, or say 'none'.";

const NONE =
  /^(?:no(?:ne)?|nothing|nope|nah|naw|nil|n\/?a|n|not\s+(?:that\s+(?:i|we)\s+know(?:\s+of)?|really|any)|(?:he|she|they)\s+(?:doesn't|does\s+not|don't|do\s+not|hasn't|has\s+not|haven't|have\s+not)|(?:(?:he|she|they)(?:'s|'re|\s+is|\s+are)\s+)?(?:fine|healthy|fit\s+and\s+healthy|all\s+good))(?![\p{L}'])/iu;
const EXCEPT = /\b(?:but|apart\s+from|except(?:\s+for)?|other\s+than|only)\b/i;
const YES = /^(?:yes|yeah|yep|yup|yh|y|aye|(?:he|she)\s+does|they\s+do)(?![\p{L}'])[\s,.:;!-]*/iu;
const UNSURE = /\b(?:not\s+sure|unsure|don't\s+know|dont\s+know|dunno|idk|maybe)\b/i;
const SPLIT = /\s*(?:[,;/&\n]|[.!?](?:\s+|$)|\band\b|\bplus\b)\s*/i;
const LEAD_WORD =
  /^(?:he|she|they|i|we|has|have|'s|'ve|is|are|got|also|yes|(?:suffers?|suffering)\s+(?:from|with)|diagnosed\s+with|conditions?\s*:|issues?\s*:|a\s+bit\s+of)(?:\s+|$|(?='))/i;

/** Removes "he has", "suffers from" and the like from the start of one condition. */
function stripLeadIn(part: string): string {
  let rest = part.replace(/^[\s:,-]+/, '');
  for (let match = LEAD_WORD.exec(rest); match !== null; match = LEAD_WORD.exec(rest)) {
    rest = rest.slice(match[0].length).replace(/^[\s:,-]+/, '');
  }
  return rest.replace(/[\s.!?:,-]+$/, '');
}

/** Upper-cases the first letter, leaving the rest as typed ("hay fever" → "Hay fever", "ADHD"). */
function capitaliseFirst(part: string): string {
  const [first = '', ...rest] = Array.from(part);
  return first.toUpperCase() + rest.join('');
}

/** Splits free text into a tidy, de-duplicated list of conditions: "Asthma, Hay fever". */
function tidyDetails(text: string): string | null {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const raw of text.split(SPLIT)) {
    const part = capitaliseFirst(stripLeadIn(raw.replace(/[ \t]+/g, ' ').trim()));
    const key = part.toLowerCase();
    if (part === '' || seen.has(key)) continue;
    seen.add(key);
    parts.push(part);
  }
  return parts.length === 0 ? null : parts.join(', ');
}

/** Details after a "none, but ..." style exception, or null when there is no exception. */
function exceptionDetails(rest: string): string | null {
  const match = EXCEPT.exec(rest);
  return match === null ? null : tidyDetails(rest.slice(match.index + match[0].length));
}

/** "a few", "some", "one or two": there are issues, but which ones is still to be said. */
const VAGUE =
  /^(?:a\s+few|a\s+couple|some|several|loads|lots|a\s+lot|a\s+bit|one\s+or\s+two|various|a\s+few\s+things|some\s+things|stuff|things|one|two|1|2)[\s.!]*$/i;

/** Result for free text that should describe the conditions. */
function fromDetails(text: string): Parsed<MedicalIssues> {
  if (VAGUE.test(text.trim().replace(/^[\s,:-]+/, ''))) return fail(ASK_DETAILS);
  const details = tidyDetails(text);
  return details === null ? fail(ASK_DETAILS) : ok({ hasIssues: true, details });
}

/** Reads a reply about medical issues: "none", "yes asthma", "asthma and hay fever". */
export function parseMedicalIssues(text: string): Parsed<MedicalIssues> {
  const message = clean(text);
  if (message === '') return fail(ASK_AGAIN);
  if (message.length > MAX_LENGTH) {
    return fail('That message is too long. Please keep the medical details short, e.g. asthma.');
  }
  const none = NONE.exec(message);
  if (none !== null) {
    const details = exceptionDetails(message.slice(none[0].length));
    return ok(
      details === null ? { hasIssues: false, details: null } : { hasIssues: true, details },
    );
  }
  const yes = YES.exec(message);
  if (yes !== null) return fromDetails(message.slice(yes[0].length));
  if (UNSURE.test(message)) return fail(ASK_AGAIN);
  return fromDetails(message);
}

const SERIOUS =
  /asthma|inhaler|anaphyla|epi-?pen|jext|adrenaline|severe\s+allerg|(?:pea)?nut\s+allerg|allerg\w*\s+to\s+(?:pea)?nuts|diabet|insulin|epilep|seizure|\bfits\b|\bheart\b|cardiac/i;

/** True when the details mention a condition coaches must know about (asthma, anaphylaxis...). */
export function isSeriousCondition(details: string): boolean {
  return SERIOUS.test(clean(details));
}
