/**
 * One whole registration as a real parent types it, and the routine each message must lead to.
 * Shared by the HTTP, process, browser and bench runs so that they all drive the same journey.
 */
export const REGISTRATION: readonly (readonly [message: string, routineAfter: number])[] = [
  ['hi, my code is 200-Lions-U10-2526', 1],
  ['sarah o’brien', 2],
  ['leo o’brien', 3],
  ['3rd feb 2016', 4],
  ['boy', 5],
  ['nope', 6],
  ['nah', 6],
  ['no', 7],
  ['mum', 8],
  ['07700 900 123', 9],
  ['Sarah@Example.com', 10],
  ['yes', 11],
  ['14/07/1985', 12],
  ['m32 8jl', 13],
  ['12', 15],
  ['yes', 16],
  ['yes', 28],
  ['yes', 29],
  ['15th', 30],
  ['yes', 32],
  ['9-10', 33],
  ['number 7', 34],
];

export const REGISTRATION_MESSAGES = REGISTRATION.map(([message]) => message);

/** The script up to the message whose reply shows `routine` (30: the payment link), included. */
export const registrationUpTo = (routine: number) =>
  REGISTRATION.slice(0, REGISTRATION.findIndex(([, after]) => after === routine) + 1);
