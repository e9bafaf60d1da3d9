import { createHash } from 'node:crypto';

/** What identifies a child's registration: one per child per season, whatever the session or device. */
export type RegistrationIdentity = {
  season: string;
  childFirstName: string;
  childLastName: string;
  /** YYYY-MM-DD */
  childDateOfBirth: string;
};

const APOSTROPHES = /['’‘`´ʼ]/g;

/**
 * A name as the registration key reads it: case, accents, apostrophes and the spacing of hyphens do
 * not matter (Ní Bhriain = ni bhriain, O'Brien = O’Brien = OBrien, Smith-Jones = smith jones).
 */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(/[\s-]+/g, ' ')
    .trim();
}

/** The registration key: season + the child's normalised full name + date of birth. */
export function registrationKey(identity: RegistrationIdentity): string {
  const name = normaliseName(`${identity.childFirstName} ${identity.childLastName}`);
  return [identity.season, name, identity.childDateOfBirth].join('|');
}

/**
 * The registration's id everywhere (records, payment, photo, idempotency keys, job ids): a digest
 * of the key, so that it carries no personal data into logs, links or storage keys.
 */
export function registrationIdOf(identity: RegistrationIdentity): string {
  const digest = createHash('sha256').update(registrationKey(identity)).digest('hex');
  return `reg-${digest.slice(0, 24)}`;
}

/** The identity in a draft, once the child's name and date of birth are known. */
export function identityOf(
  season: string,
  draft: { childFirstName?: string; childLastName?: string; childDateOfBirth?: string },
): RegistrationIdentity | null {
  const { childFirstName, childLastName, childDateOfBirth } = draft;
  if (!childFirstName || !childLastName || !childDateOfBirth) return null;
  return { season, childFirstName, childLastName, childDateOfBirth };
}

/**
 * An idempotency key for one effect of a registration: the same registration, effect and inputs
 * always give the same key, and a change in an input that matters gives a new one. Letters,
 * digits, '-' and '.' only, so it is also a valid job id.
 */
export function effectKey(registrationId: string, effect: string, inputs: readonly unknown[] = []) {
  const suffix =
    inputs.length === 0
      ? ''
      : `.${createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16)}`;
  return `${registrationId}.${effect}${suffix}`;
}
