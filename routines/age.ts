import type { ClubConfig } from './club.ts';
import { ageOn } from './parsers/dates.ts';

/** 10 for "U10". */
export const ageGroupNumber = (ageGroup: string) => Number(ageGroup.replace(/^U/i, ''));

/** FA rule: age group U(n) for a season means under n on 31 August of the season's first year. */
export const ageGroupCutoff = (club: ClubConfig) => `${club.season.firstMonth.slice(0, 4)}-08-31`;

/** True when the child is already n or older on the cutoff day of an U(n) age group. */
export const isTooOldForAgeGroup = (dateOfBirth: string, ageGroup: string, cutoff: string) =>
  ageOn(dateOfBirth, cutoff) >= ageGroupNumber(ageGroup);

/** Players in the older age groups give their own mobile and e-mail (routine 22). */
export const needsOwnContact = (ageGroup: string, ownContactAgeGroup: number) =>
  ageGroupNumber(ageGroup) >= ownContactAgeGroup;
