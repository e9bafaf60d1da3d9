import { createHash } from 'node:crypto';

/**
 * Where prepared player photos are kept (S3 for the club, a local folder when embedded). Objects
 * are private; the link is what goes on the record, in the form the club configures.
 */
export interface PhotoStorage {
  /** Stores `jpeg` under `key`, replacing what was there (a second photo for the same child). */
  put(key: string, jpeg: Uint8Array, signal?: AbortSignal): Promise<{ link: string }>;
  /** The stored bytes, or null when nothing is stored under `key`. */
  get(key: string, signal?: AbortSignal): Promise<Uint8Array | null>;
  /** Removes the photo; removing one that is not there is not an error. */
  delete(key: string, signal?: AbortSignal): Promise<void>;
  /** The link saved on the record for `key` (what put returns). */
  linkFor(key: string): string;
}

/** Thrown for a key that could escape its folder or is not a plain object name. */
export class InvalidPhotoKeyError extends Error {
  constructor() {
    super('A photo key is letters, digits and / - _ . in segments, without ..');
    this.name = 'InvalidPhotoKeyError';
  }
}

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** Checks a key (segments of letters, digits, '-', '_', '.', joined by '/'; no '..'); returns it. */
export function checkPhotoKey(key: string): string {
  const segments = key.split('/');
  const safe =
    key.length > 0 &&
    key.length <= 512 &&
    !key.includes('..') &&
    segments.every((segment) => SEGMENT.test(segment) && segment !== '.');
  if (!safe) throw new InvalidPhotoKeyError();
  return key;
}

/**
 * The key of a registration's photo: one per registration key (season + child + date of birth),
 * so a child's second photo replaces only their own, hashed so that no personal data is in it.
 */
export function photoKeyFor(registrationKey: string, folder = 'players'): string {
  const digest = createHash('sha256').update(registrationKey).digest('hex').slice(0, 32);
  return checkPhotoKey(`${folder}/${digest}.jpg`);
}
