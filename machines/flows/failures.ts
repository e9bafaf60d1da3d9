import type { EffectId } from '../setup.ts';
import { effect, RETRIED, type FlowPart } from './states.ts';

/** What every flow part falls back on: an effect retried on the next message, or the club told. */
export const failurePart = {
  /** An effect's service was unavailable: any message from the parent tries it again. */
  waitingToRetry: {
    tags: 'awaitingUser',
    on: {
      'user.*': Object.entries(RETRIED).map(([id, target]) => ({
        guard: { type: 'retries' as const, params: { effect: id as EffectId } },
        target,
      })),
    },
  },
  /** The club finishes this registration with the parent; everything is kept. */
  handingOff: effect('flagForClub', {
    'club.flagged': { target: 'handedOff', actions: 'noteHandedOff' },
    'effect.failed': { target: 'handedOff', actions: 'noteHandedOff' },
  }),
  handedOff: {
    tags: 'finished',
    on: {
      'user.gaveCode': { target: '#session.checkingCode', actions: 'rememberCode' },
      'user.*': { actions: 'noteHandedOff' },
    },
  },
} satisfies FlowPart;
