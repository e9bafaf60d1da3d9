import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A path for a new SQLite file in a fresh temporary folder. */
export function tempDatabasePath(label: string): string {
  return join(mkdtempSync(join(tmpdir(), `${label}-`)), 'club.sqlite');
}

/** A prefix no other test uses, for keys in the shared test Redis. */
export const uniquePrefix = (label: string) =>
  `test:${label}:${process.pid}:${Date.now().toString(36)}:${Math.random().toString(36).slice(2)}:`;
