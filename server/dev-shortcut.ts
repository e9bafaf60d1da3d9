import { randomInt } from 'node:crypto';
import type { ChatService, TurnResult } from '../machines/chat-service.ts';
import { SnapshotIncompatibleError } from '../machines/runner.ts';
import type { Log } from './log.ts';

/**
 * The answers replayed by "lah": an invented family (no real person), a U9 child born after the
 * 31 August cut-off of the 2025-26 season, and the demo address for M41 0AA.
 */
export const LAH_SCRIPT = [
  '200-Leopards-U9-2526',
  'Test Parent',
  'CHILD',
  'BORN',
  'boy',
  'no',
  'no',
  'no',
  'mum',
  '07700900000',
  'test@example.com',
  'yes',
  '01/01/1985',
  'M41 0AA',
  '1',
  'yes',
  'yes',
  'yes',
] as const;

/** The routine the shortcut stops at: the payment day question. */
export const LAH_TARGET_ROUTINE = 29;

async function isNewSession(chat: ChatService, sessionId: Parameters<ChatService['peek']>[0]) {
  try {
    return (await chat.peek(sessionId)) === null;
  } catch (error) {
    if (error instanceof SnapshotIncompatibleError) return false;
    throw error;
  }
}

/**
 * Development only (wired by main.ts when NODE_ENV=development): "lah" on a new session replays
 * LAH_SCRIPT through the real chat service up to routine 29, the original system's test shortcut.
 */
export function withDevShortcut(chat: ChatService, log: Log): ChatService {
  return {
    ...chat,
    async reply(input) {
      const isLah = input.text.trim().toLowerCase() === 'lah';
      if (!isLah || !(await isNewSession(chat, input.sessionId))) return chat.reply(input);
      log('dev.shortcut_started', { sessionId: input.sessionId });
      let turn: TurnResult | undefined;
      // Another invented child each time (one registration per child): a surname of random
      // letters, born on a day in 2017. A day alone repeated within a few runs (1 in 60 for three).
      const surname = Array.from({ length: 6 }, () => String.fromCharCode(97 + randomInt(26)));
      const child = `Test Child-${surname.join('')}`;
      const born = new Date(Date.UTC(2017, 0, 1 + randomInt(180)));
      const bornText = born.toISOString().slice(0, 10).split('-').reverse().join('/');
      for (const scripted of LAH_SCRIPT) {
        const text = scripted === 'BORN' ? bornText : scripted === 'CHILD' ? child : scripted;
        // Sent as the club's frontend would, with the routine it was on.
        turn = await chat.reply({
          ...input,
          text,
          hint: { routineNumber: turn?.routineNumber ?? null },
        });
        if (turn.routineNumber === LAH_TARGET_ROUTINE) return turn;
      }
      log('dev.shortcut_failed', { sessionId: input.sessionId, routine: turn?.routineNumber });
      return turn ?? chat.reply(input);
    },
  };
}
