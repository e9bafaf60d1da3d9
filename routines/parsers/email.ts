import { z } from 'zod';
import { clean } from './text.ts';
import { fail, ok, type Parsed } from './result.ts';

const MAX_MESSAGE_LENGTH = 1000;
const MAX_EMAIL_LENGTH = 254;
const EXAMPLE = 'e.g. sarah@example.com';
const EMAIL = z.email();

/** Strips wrapping punctuation and a mailto: prefix from a token containing "@". */
function trimToken(token: string): string {
  return token
    .replace(/^mailto:/i, '')
    .replace(/^[\s'"(<[{.,;:!?]+/, '')
    .replace(/[\s'")>\]}.,;:!?]+$/, '');
}

/** Every distinct, lower-cased token in the message that contains an "@". */
function findAddresses(message: string): string[] {
  const tokens = message.split(/[\s,;<>()[\]{}"]+/).filter((token) => token.includes('@'));
  return [...new Set(tokens.map((token) => trimToken(token).toLowerCase()))];
}

/** True when the parent seems to have typed spaces inside the address ("sarah @ gmail.com"). */
function hasSpacesInside(message: string): boolean {
  return /\S\s+@|@\s+\S|@\S*\s+\.\S/.test(message);
}

/** Why an address is not acceptable, or undefined when it is fine. */
function addressProblem(address: string): string | undefined {
  if (address.length > MAX_EMAIL_LENGTH) {
    return 'That email address is too long. Please check it and send it again.';
  }
  const domain = address.slice(address.lastIndexOf('@') + 1);
  if (!domain.includes('.')) {
    return `The part after the @ needs a dot, like gmail.com or example.co.uk. Please check it, ${EXAMPLE}.`;
  }
  if (!EMAIL.safeParse(address).success) {
    return `That doesn't look like a valid email address. Please check it, ${EXAMPLE}.`;
  }
  return undefined;
}

/** True for a token with nothing before or after the "@" (a sign of stray spaces). */
function isPartial(token: string): boolean {
  return token.startsWith('@') || token.endsWith('@');
}

/** Reason to give when no single usable address was found. */
function missingReason(message: string): string {
  if (hasSpacesInside(message)) {
    return `Email addresses can't contain spaces. Please type it again, ${EXAMPLE}.`;
  }
  return `That doesn't look like an email address. It needs an @ in it, ${EXAMPLE}.`;
}

/** Finds one e-mail address in a message and returns it lower-cased. */
export function parseEmail(text: string): Parsed<string> {
  const message = clean(text)
    // "sarah @ example.com", "sarah at example dot com": the address spelled out or spaced.
    .replace(/\s*@\s*/g, (at: string, offset: number, all: string) =>
      all.indexOf('@') === all.lastIndexOf('@') ? '@' : at,
    )
    .replace(
      /^(\S+)\s+at\s+(\S+(?:\s+dot\s+\S+)+)$/i,
      (_, user: string, domain: string) => `${user}@${domain.replace(/\s+dot\s+/gi, '.')}`,
    );
  if (message.length > MAX_MESSAGE_LENGTH) {
    return fail(`That message is too long. Please just type your email address, ${EXAMPLE}.`);
  }
  const addresses = findAddresses(message).filter((token) => !isPartial(token));
  if (addresses.length > 1) {
    return fail(
      'I can see more than one email address there. Which one should we use? Please send just one.',
    );
  }
  const [address] = addresses;
  if (address === undefined) return fail(missingReason(message));
  const problem = addressProblem(address);
  if (problem === undefined) return ok(address);
  return fail(hasSpacesInside(message) ? missingReason(message) : problem);
}
