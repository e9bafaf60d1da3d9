import { clean } from './text.ts';

/** Which of the player's own contact details a reply is about (routines 23 and 24). */
export type OwnContact = 'mobile' | 'email';

/** Lower case, apostrophes dropped ("hasn't" → "hasnt"), anything but letters, digits and @ as spaces. */
const plain = (text: string) =>
  clean(text)
    .toLowerCase()
    .replace(/'/g, '')
    .replace(/[^\p{L}\p{N}@]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The words a parent names the thing with: "a phone", "his own mobile", "an email address". */
const THING: Record<OwnContact, string> = {
  mobile:
    '(?:mobile phone|mobile number|phone number|mobile|mobiles|phone|phones|cell ?phone|cell|smartphone|number)',
  email: '(?:email address|e mail address|email account|email|emails|e mail|gmail|hotmail|address)',
};

/** Words between the "not" and the thing: "hasn't (got a) phone", "has no (mobile of his own)". */
const FILLER =
  '(?:(?:got|have|has|own|use|uses|get|had|even|really|actually|yet|any|a|an|his|her|their|personal|separate|proper)\\s+){0,4}';

/** "hasn't got", "doesn't have", "has no", "not got", "without": the negations a parent uses. */
const NEGATION =
  '(?:hasnt|has not|havent|have not|doesnt|does not|dont|do not|didnt|aint|isnt on|is not on|not on|never had|not|no|without)';

/** A reply that is a question, a doubt or a deferral: never read as "none". */
const NOT_AN_ANSWER =
  /\b(?:ask|asking|check|checking|think|maybe|might|perhaps|probably|possibly|sure|unsure|dunno|know|find out|guess|forgot|forget|remember|later|tomorrow|tonight|rather|prefer|wont|will not|refuse|private|idea|clue|if|whether|need|needs)\b/;

const QUESTION_OPENING =
  /^(?:does|do|did|can|could|what|whats|is|are|should|must|will|would|why|how|when|where|who|which)\b/;

/**
 * Whether a reply clearly says the player has no mobile (or e-mail) of their own: "none", "he
 * hasn't got one", "no phone", "she doesn't have an email". A question, a doubt or a deferral
 * ("ask him", "not sure", "does he need one?"), a reply holding a number or an address, and a bare
 * "no" are not.
 */
export function saysHasNone(text: string, contact: OwnContact): boolean {
  const raw = clean(text);
  if (raw.length === 0 || raw.length > 160 || raw.includes('?')) return false;
  const said = plain(raw);
  if (/\d{4,}|@/.test(said) || QUESTION_OPENING.test(said) || NOT_AN_ANSWER.test(said)) {
    return false;
  }
  if (
    /^(?:(?:no|nope|nah)\s+)?(?:none|nothing)(?:\s+(?:yet|at all|sorry|at the moment|atm))?$/.test(
      said,
    )
  )
    return true;
  if (
    /^(?:no|nope|nah)\s+(?:he|she|they)\s+(?:hasnt|has not|doesnt|does not|dont|do not|havent|have not)(?:\s+(?:got|have))?(?:\s+(?:one|any))?(?:\s+(?:yet|sorry))?$/.test(
      said,
    )
  )
    return true;
  if (
    /\b(?:hasnt|has not|havent|have not|doesnt|does not|dont|do not|not)\s+(?:got|have|own)\s+(?:one|any)(?:\s+(?:of (?:his|her|their) own|yet|sorry|at the moment))*$/.test(
      said,
    ) ||
    /\b(?:hasnt|has not|havent|have not|doesnt|does not|dont|do not|not)\s+got(?:\s+(?:yet|sorry))?$/.test(
      said,
    )
  )
    return true;
  const pattern = new RegExp(`\\b${NEGATION}\\s+${FILLER}(?:own\\s+)?${THING[contact]}\\b`);
  return pattern.test(said);
}
