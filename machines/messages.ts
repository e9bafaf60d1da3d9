import type { ClubConfig } from '../routines/club.ts';
import type { CodeProblem } from '../routines/registration-code.ts';
import type { Notice } from './notices.ts';

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

/** The sentence a parent sees for each notice. Kind, short, and never about anyone else's data. */
export function renderNotice(notice: Notice, club: ClubConfig): string {
  switch (notice.kind) {
    case 'welcome':
      return [
        `Great, that code is valid: you're registering ${notice.sibling ? 'another child' : 'your child'} for the **${notice.team} ${notice.ageGroup}** team at ${club.name}.`,
        "I'll ask one question at a time. Before we start:",
        '1. Have a passport-style photo of your child ready to upload.',
        "2. I'll text you a payment link during the chat; please don't close the chat, you can pay afterwards.",
        `3. Brothers and sisters get ${club.siblingDiscountPercent}% off the monthly fee.`,
      ].join('\n');
    case 'unclear':
      return notice.inARow >= 3
        ? `${notice.reason} If you're stuck, you can also e-mail ${club.adminEmail}.`
        : notice.reason || "Sorry, I didn't quite catch that.";
    case 'answer':
      return (
        notice.text ??
        `I'm not sure about that one. ${club.adminEmail} can help with anything I can't answer.`
      );
    case 'genericHelp':
      return `Hello! I'm ${club.shortName}'s registration assistant. To register a child, send me the registration code from the team manager (it looks like 200-Lions-U10-${club.season.code}). I can also answer questions about fees, kit and how registration works.`;
    case 'badCode':
      return CODE_PROBLEMS[notice.problem](club);
    case 'unknownTeam':
      return `I can't find a ${notice.team} ${notice.ageGroup} team at ${club.shortName} this season. Please check the code with your team manager.`;
    case 'codeCheckFailed':
      return "Sorry, I couldn't check that code just now. Please send it again in a minute.";
    case 'finishFirst':
      return "Let's finish this registration first; you can send the next code once it's done.";
    case 'returningNotYet':
      return `Welcome back! Returning players can't re-register in this chat yet. Please e-mail ${club.adminEmail} and a volunteer will sort it out, or send a new-player code (starting 200) if your team manager gave you one.`;
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
    case 'alreadyDone':
      return `This registration is complete. If you have another child to register, send me their code; anything else, e-mail ${club.adminEmail}.`;
  }
}
