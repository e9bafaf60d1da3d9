import type { ClubConfig } from '../routines/club.ts';
import type { CodeProblem } from '../routines/registration-code.ts';
import type { QuestionRoutineId } from '../routines/index.ts';
import { dontKnow } from './faq.ts';
import type { Notice } from './notices.ts';
import type { EffectId } from './setup.ts';

/** What the parent is told could not be reached, per effect. */
const UNREACHABLE: Partial<Record<EffectId, string>> = {
  findPrevious: "the club's records",
  loadHeld: "the club's records",
  claimRegistration: "the club's records",
  takeOverRegistration: "the club's records",
  saveRegistration: "the club's records",
  updateRecord: "the club's records",
  createPayment: 'the payment service',
  sendPaymentLink: 'the text-message service',
  reserveShirtNumber: "the club's records",
  savePhoto: 'the photo store',
};

/** What a correction after the save would have changed, in the parent's words. */
const FIELD_NAMES: Partial<Record<QuestionRoutineId, string>> = {
  parentName: 'your name',
  childGender: "your child's gender",
  relationship: 'your relationship to your child',
  parentEmail: 'your e-mail',
  communicationConsent: 'your contact preference',
  parentDateOfBirth: 'your date of birth',
  playerEmail: "the player's e-mail",
  paymentDay: 'the payment day',
  kitSize: 'the kit size',
  childName: "your child's name",
  childDateOfBirth: 'the date of birth',
  medicalIssues: 'the medical details',
  playedLastSeason: 'last season’s club',
  parentMobile: 'your mobile number',
  parentPostcode: 'the address',
  parentAddressTyped: 'the address',
  childLivesWithParent: 'where your child lives',
  childPostcode: "your child's address",
  childAddressTyped: "your child's address",
  playerMobile: "the player's mobile",
};

/** An answer in the parent's words ("your e-mail"), for saying what was changed. */
export const fieldName = (routine: QuestionRoutineId) => FIELD_NAMES[routine] ?? 'that answer';

const nameOr = (child: string | null, fallback: string) => child ?? fallback;

const CODE_PROBLEMS: Record<CodeProblem, (club: ClubConfig) => string> = {
  unknownPrefix: () =>
    'That looks like a registration code, but it should start with 200 (new player) or 100 (returning player). Please check it with your team manager.',
  badAgeGroup: () =>
    "That code's age group doesn't look right: it should be U and a number, like 200-Lions-U10-2526. Please check it with your team manager.",
  wrongSeason: (club) =>
    `That code is for a different season. Codes for this season end in ${club.season.code} (${club.season.label}). Please ask your team manager for this season's code.`,
  nameMissing: () =>
    "Codes for returning players (starting 100) end with the player's first and last name, like 100-Tigers-U13-2526-Jack-Smith. Please check the code with your team manager.",
  nameNotAllowed: () =>
    "Codes for new players (starting 200) don't include a name, like 200-Lions-U10-2526. Please check the code with your team manager.",
};

/** What a notice may need besides the club: how many days a paused registration is kept. */
export type NoticeExtras = { keptDays?: number };

/** The sentence a parent sees for each notice. Kind, short, and never about anyone else's data. */
export function renderNotice(notice: Notice, club: ClubConfig, extras: NoticeExtras = {}): string {
  switch (notice.kind) {
    case 'welcome':
      return [
        `Great, that code is valid: you're registering ${notice.sibling ? 'another child' : 'your child'} for the **${notice.team} ${notice.ageGroup}** team at ${club.name}.`,
        "I'll ask one question at a time. Before we start:",
        '1. Have a passport-style photo of your child ready to upload.',
        "2. I'll text you a payment link during the chat; please don't close the chat, you can pay afterwards.",
        `3. Brothers and sisters get ${club.siblingDiscountPercent}% off the monthly fee.`,
      ].join('\n');
    case 'unclear': {
      const reason = notice.reason || "Sorry, I didn't quite catch that.";
      return notice.inARow >= 3
        ? `${reason} If you're stuck, you can also e-mail ${club.adminEmail}.`
        : reason;
    }
    case 'answer':
      return notice.text || dontKnow(club);
    case 'genericHelp':
      return `Hello! I'm ${club.shortName}'s registration assistant. To register a child, send me the registration code from the team manager (it looks like 200-Lions-U10-${club.season.code}). I can also answer questions about fees, kit and how registration works.`;
    case 'badCode':
      return CODE_PROBLEMS[notice.problem](club);
    case 'unknownTeam':
      return notice.suggestion && notice.suggestedCode
        ? `I can't find a ${notice.team} ${notice.ageGroup} team at ${club.shortName} this season. Did you mean **${notice.suggestion}**? If so, send me ${notice.suggestedCode}.`
        : `I can't find a ${notice.team} ${notice.ageGroup} team at ${club.shortName} this season. Please check the code with your team manager.`;
    case 'codeCheckFailed':
      return "Sorry, I couldn't check that code just now. Please send it again in a minute.";
    case 'finishFirst':
      return "Let's finish this registration first; you can send the next code once it's done.";
    case 'returningNotYet':
      return `Welcome back! Returning players can't re-register in this chat yet. Please e-mail ${club.adminEmail} and a volunteer will sort it out, or send a new-player code (starting 200) if your team manager gave you one.`;
    case 'welcomeBack':
      return `Welcome back! That code is valid for the **${notice.team} ${notice.ageGroup}** team at ${club.name}. I'll look up last season's registration so you only need to tell me what's changed.`;
    case 'returningNotFound':
      return "I couldn't find last season's registration for the player named in that code, so I can't re-register them from it. Please check the spelling of the name in the code with your team manager.";
    case 'identityMismatch':
      return "Sorry, that doesn't match what we have. Please try once more.";
    case 'identityRefused':
      return `Sorry, that doesn't match either, so I can't go on with this registration here. Please e-mail ${club.adminEmail} and a volunteer will help you.`;
    case 'addressNotFound':
      return "I couldn't find that address automatically.";
    case 'shirtTaken':
      return `Sorry, number ${notice.number} is already taken in that team.`;
    case 'linkMissing':
      return `No problem: it can take a few minutes. If it hasn't arrived by the end of the chat, e-mail ${club.adminEmail} and they'll send it again.`;
    case 'tryAgain':
      return "Sorry, something went wrong on our side and nothing was lost. Let's try that step again.";
    case 'updated':
      return "Thanks, I've updated that.";
    case 'correctAtSummary':
      return "No problem: I'll show you everything before payment, and you can change it there.";
    case 'whatToChange':
      return 'What would you like to change? For example: "my email is sarah@example.com".';
    case 'photoNotYet':
      return "Thanks! I'll ask for the photo at the end; I haven't kept this one.";
    case 'restarted':
      return "Sorry, the registration assistant has been updated and I couldn't pick up our earlier chat, so we need to start again. Nothing was saved or charged from it.";
    case 'alreadyRegistered':
      return `${nameOr(notice.child, 'Your child')} is already registered with ${club.shortName} for this season, so there's nothing more to do here. If anything needs changing, please e-mail ${club.adminEmail}.`;
    case 'stoppedHere':
      return `No problem: you can finish it in the other chat, or e-mail ${club.adminEmail} if you're stuck. If you'd like to register another child, send me their code.`;
    case 'takenOver':
      return `${nameOr(notice.child, 'This child')}'s registration has been carried on in another chat, so I've stopped here: nothing has been saved or charged twice. If that wasn't you, please e-mail ${club.adminEmail}.`;
    case 'retryLater':
      return `Sorry, I couldn't reach ${UNREACHABLE[notice.effect] ?? 'one of our services'} just now. Nothing you've told me is lost: send me any message (even just "ok") and I'll try again.`;
    case 'handedOff':
      return `I'm sorry: something on our side isn't working, so a volunteer will finish ${nameOr(notice.child, 'the')}${notice.child ? "'s" : ''} registration with you. Everything you've told me is kept, and nothing has been charged. You can also e-mail ${club.adminEmail}.`;
    case 'notChangedAfterSave':
      return `I can't change ${FIELD_NAMES[notice.routine] ?? 'that'} now that the registration is saved, so I've left it as it was. Please e-mail ${club.adminEmail} and a volunteer will update it.`;
    case 'help':
      return [
        notice.inRegistration
          ? 'Just answer the question below, one thing at a time. You can also:'
          : `Send me the registration code from your team manager (like 200-Lions-U10-${club.season.code}) to start. You can also:`,
        '- ask me about fees, the sibling discount, kit or how it works, or "why do you need this?"',
        ...(notice.inRegistration
          ? [
              '- say "later" to pause and come back to it',
              '- say "start again" to start over, or "stop" to cancel',
              '- correct an earlier answer, e.g. "my email is sarah@example.com"',
            ]
          : []),
        `- e-mail ${club.adminEmail} to reach a volunteer`,
      ].join('\n');
    case 'nothingInProgress':
      return `There's no registration in progress here. To register a child, send me the registration code from the team manager (it looks like 200-Lions-U10-${club.season.code}).`;
    case 'stopped':
      return `OK, I've stopped ${notice.child ? `${notice.child}'s` : 'this'} registration: nothing has been saved or charged, and the answers are gone. To start again any time, send me the registration code.`;
    case 'startedAgain':
      return "OK, let's start again from the beginning: none of your earlier answers are kept.";
    case 'savedAlready':
      return notice.command === 'stop'
        ? `${nameOr(notice.child, 'Your child')}'s registration is already saved, so I can't cancel it here. Please e-mail ${club.adminEmail} and a volunteer will sort it out. Nothing more is charged unless you use the payment link.`
        : `${nameOr(notice.child, 'Your child')}'s registration is already saved, so I can't start it again. To change something, tell me (e.g. "my email is sarah@example.com") or e-mail ${club.adminEmail}.`;
    case 'paused': {
      const kept = extras.keptDays ? ` for ${extras.keptDays} days` : '';
      const elsewhere =
        notice.code && notice.secret
          ? ` From another phone or computer, send your code with ${notice.secret === 'mobile' ? 'your mobile number' : "your child's date of birth"}, e.g. "${notice.code} ${notice.secret === 'mobile' ? '07700 900123' : '03/02/2016'}".`
          : '';
      return `No problem: I've kept your answers${kept}. To carry on, just message me here.${elsewhere}`;
    }
    case 'carryingOn':
      return "Welcome back! Let's carry on where we left off.";
    case 'alreadyDone':
      return `This registration is complete. If you have another child to register, send me their code; anything else, e-mail ${club.adminEmail}.`;
  }
}
