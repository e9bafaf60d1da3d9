import type { QuestionRoutineId } from '../routines/index.ts';
import { saysHasNone } from '../routines/parsers/own-contact.ts';
import { remembered } from '../tools/remembered.ts';

/** What a parent can ask of the chat itself, at any question. */
export const COMMANDS = ['help', 'stop', 'pause', 'restart'] as const;
export type Command = (typeof COMMANDS)[number];

/**
 * Lower case, no emoji or punctuation but apostrophes, polite padding dropped, one space. A turn
 * asks it of the same message several times (command? why? later? a placeholder?): remembered.
 */
export const normalise = remembered(normaliseOnce, 100);

function normaliseOnce(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(
      /^(?:(?:ok|okay|oh|um|erm|hmm|sorry|please|pls|actually|hi|hello|can you|could you)\s+)+/,
      '',
    )
    .replace(/(?:\s+(?:please|pls|thanks|thank you|ta|then|now|mate|x+))+$/, '')
    .trim();
}

const COMMAND_PATTERNS: Record<Command, RegExp> = {
  help: /^(?:help|help me|i need help|need help|what can i (?:say|do|type)|i'?m stuck|im stuck|stuck|menu|options|commands|what do i do|what do i do now|how does this work)$/,
  stop: /^(?:stop|stop it|stop this|stop now|cancel|cancel it|cancel this|cancel (?:the |my )?registration|quit|exit|end|forget it|forget about it|never ?mind|i want to (?:stop|cancel|quit)|i don'?t want to (?:do this|register|carry on|continue)(?: any ?more)?|i'?ve changed my mind|changed my mind|don'?t want to register|abort)$/,
  pause:
    /^(?:later|pause|pause it|pause this|i'?ll do (?:it|this|the rest) later|i will do (?:it|this|the rest) later|do (?:it|this) later|can i (?:do|finish) (?:it|this|the rest) later|i'?ll (?:finish|come back to|complete) (?:it |this )?later|i'?ll come back(?: later| to it| to this)?|come back later|not now|finish (?:it |this )?later|carry on later|continue later|save (?:it|this|my answers|my progress)(?: for later)?|gotta go|got to go|have to go|i have to go|i need to go|i'?ve got to go|need to go|brb|be right back)$/,
  restart:
    /^(?:start again|start over|restart|start from scratch|begin again|from the (?:start|beginning|top)|go back to the (?:start|beginning)|can i start again|let'?s start again|i want to start again|reset|start afresh)$/,
};

/** "gotta go, will finish later": a pause said in passing, in a short message. */
const PAUSE_ANYWHERE =
  /\b(?:(?:finish|do|complete|continue|carry on with|carry on|fill (?:it|this) in|sort (?:it|this)) (?:it |this |the rest |off )?later|(?:gotta|got to|have to|need to|i must) go|come back (?:to (?:it|this) )?later|do (?:it|this) (?:tonight|tomorrow|another time))\b/;

/** "stop", "I'll do it later", "start again": a command, whatever the question on screen. */
export function readCommand(text: string): Command | null {
  const said = normalise(text);
  if (said.length === 0 || said.length > 60) return null;
  const whole = COMMANDS.find((command) => COMMAND_PATTERNS[command].test(said));
  if (whole) return whole;
  return PAUSE_ANYWHERE.test(said) ? 'pause' : null;
}

/** "why do you need her date of birth?", "what's that for?": the routine's own reason is wanted. */
export function isWhyQuestion(text: string): boolean {
  const said = normalise(text);
  return (
    /^why\b.{0,60}\b(?:need|want|ask|asking|require|matter|important|necessary|relevant|have to|must)\b/.test(
      said,
    ) ||
    /^(?:why|why's that|why is that|how come|what for|whys that)$/.test(said) ||
    /^what (?:is|'s|s|do you need|does the club need|would you need) (?:it|this|that|them|these|all this)(?: info| information)? (?:for|needed for|used for)$/.test(
      said,
    ) ||
    /^what'?s (?:it|this|that) for$/.test(said) ||
    /^what do you (?:need|want) (?:it|this|that|my \w+|her \w+|his \w+) for$/.test(said) ||
    /^(?:do|must) (?:i|you) (?:have to|need to|really need to) (?:give|tell|answer|say)\b/.test(
      said,
    ) ||
    /^is (?:this|that|it) (?:needed|necessary|required|compulsory|mandatory)$/.test(said)
  );
}

/** "ask my husband", "not sure, I'll check": the answer is someone else's or comes later. */
export function isDeferral(text: string): boolean {
  const said = normalise(text);
  return (
    /\b(?:ask|check with|asking) (?:my|his|her|their|the) (?:husband|wife|partner|hubby|other half|dad|mum|mam|mother|father|ex|nan|nana|gran|grandma|grandad|other parent)\b/.test(
      said,
    ) ||
    /\b(?:my|his|her|their) (?:husband|wife|partner|hubby|other half|ex)(?:'ll| will| is going to| can| knows| would know| deals with| does)\b/.test(
      said,
    ) ||
    /^(?:i'?m |im )?not (?:sure|certain)(?: yet| tbh| sorry| to be honest)?$/.test(said) ||
    /^(?:i )?(?:don'?t|do not|dont) know(?: yet| sorry| off ?hand| tbh| to be honest)?$/.test(
      said,
    ) ||
    /^(?:dunno|no idea|not a clue|no clue|idk)$/.test(said) ||
    /\b(?:i'?ll|i will|let me|i need to|need to|i have to|will) (?:have to )?(?:check|find out|look (?:it )?up|get back to you|dig (?:it )?out)\b/.test(
      said,
    ) ||
    /^(?:hang on|hold on|one sec|one second|one min|one minute|just a sec|just a second|just a minute|bear with me|give me a (?:sec|second|minute|min)|wait|2 mins|two mins)$/.test(
      said,
    ) ||
    /^(?:can i|could i) (?:come back to|skip|leave) (?:this|that|it)\b/.test(said) ||
    /^(?:skip|pass|next)$/.test(said) ||
    /^i'?ll (?:tell|let|speak to|talk to|explain to) (?:the )?(?:coach|coaches|manager|team manager)\b/.test(
      said,
    )
  );
}

/** "none", "he hasn't got one" to the player's own mobile or e-mail (23, 24): a real answer. */
export function saysNoOwnContact(text: string, routine: QuestionRoutineId | null): boolean {
  if (routine === 'playerMobile') return saysHasNone(text, 'mobile');
  if (routine === 'playerEmail') return saysHasNone(text, 'email');
  return false;
}

/**
 * "what if he hasn't got a phone?", "does she need an email?" at 23 or 24: answered with the
 * routine's own reason, which says what to do when the player has none.
 */
export function asksAboutNoOwnContact(text: string, routine: QuestionRoutineId | null): boolean {
  if (routine !== 'playerMobile' && routine !== 'playerEmail') return false;
  const said = normalise(text);
  const asked = text.includes('?') || /^(?:what|does|do|is|must|should|can|and if|if)\b/.test(said);
  if (!asked) return false;
  const thing = routine === 'playerMobile' ? 'mobile' : 'email';
  const condition = said.replace(/^(?:(?:and )?what (?:if|happens if|about if)|and if|if)\s+/, '');
  return (
    saysHasNone(condition, thing) ||
    /\b(?:need|needs|have to have|has to have|must have|got to have)\b.{0,30}\b(?:one|phone|mobile|email|e mail)\b/.test(
      said,
    )
  );
}

/** Routines whose answer is a name, a date, an address or a contact: a placeholder is not one. */
const TAKES_PLACEHOLDERS: ReadonlySet<QuestionRoutineId> = new Set([
  'parentName',
  'childName',
  'childDateOfBirth',
  'parentDateOfBirth',
  'parentMobile',
  'parentEmail',
  'playerMobile',
  'playerEmail',
  'parentPostcode',
  'childPostcode',
  'parentHouseNumber',
  'childHouseNumber',
  'parentAddressTyped',
  'childAddressTyped',
]);

const PLACEHOLDER =
  /^(?:n ?a|na|none|nil|null|nothing|test|testing|test test|tbc|tba|tbd|xxx+|x+ x+|asdf\w*|qwerty|abc|abcd|blah|blah blah|dd mm yy(?:yy)?|mm dd yy(?:yy)?|name|full name|first name last name|surname|child|my child|my son|my daughter|son|daughter|kid|email|e mail|email address|mobile|phone|number|postcode|post code|address|07x+ x*|0 ?7x+ ?x*|x+ ?@ ?x+ ?\w*|\?+|\.+|-+)$/;

/** "n/a", "xxx", "dd/mm/yyyy", "email@email.com": a stand-in typed where a real answer goes. */
export function isPlaceholder(text: string, routine: QuestionRoutineId): boolean {
  if (!TAKES_PLACEHOLDERS.has(routine)) return false;
  if (saysNoOwnContact(text, routine)) return false;
  const trimmed = text.trim().toLowerCase();
  if (trimmed.length === 0) return true;
  if (
    /^(?:email|e-mail|name|someone|user|abc)@(?:email|e-mail|domain|mail)\.(?:com|co\.uk)$/.test(
      trimmed,
    )
  )
    return true;
  return PLACEHOLDER.test(normalise(text));
}

/** What is kindly said when an answer is deferred or a placeholder typed; the question follows. */
export const DEFERRAL_REPLY =
  'No rush: you can check and reply here when you know. If you\'d rather finish later, just say "later" and I\'ll keep your answers.';
export const PLACEHOLDER_REPLY =
  "That looks like a placeholder rather than the real thing. I do need the real answer to register your child; if you'd rather not say, just ask why I need it.";
