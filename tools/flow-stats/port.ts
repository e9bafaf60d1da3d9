import { z } from 'zod';

/**
 * One session's way through the flow, with no personal data: the state it rests in, since when,
 * when it last moved or spoke, whether it finished, and the time spent in each state it left.
 */
export const Journey = z.object({
  state: z.string(),
  finished: z.boolean(),
  enteredAt: z.number(),
  lastAt: z.number(),
  spentMs: z.record(z.string(), z.number()),
});
export type Journey = z.infer<typeof Journey>;

/** Where a session rests after a turn. */
export type Position = { state: string; finished: boolean; at: Date };

/** How long journeys are kept after their last turn: the flow page looks back at most this far. */
export const JOURNEY_RETENTION_MS = 90 * 24 * 3600_000;

/** Where each session is in the flow (by an opaque tag, never its id), shared by every process. */
export interface FlowStats {
  /** The session `tag` rests at `position` now (after each saved turn); drops journeys 90 days older. */
  moved(tag: string, position: Position): Promise<void>;
  /** Every journey whose last turn came at or after `since`. */
  journeys(since: Date): Promise<Journey[]>;
  close(): Promise<void>;
}

/** The journey after one more turn: time in the state left is added to that state's total. */
export function advance(previous: Journey | null, { state, finished, at }: Position): Journey {
  const ms = at.getTime();
  if (!previous) return { state, finished, enteredAt: ms, lastAt: ms, spentMs: {} };
  if (previous.state === state) return { ...previous, finished, lastAt: ms };
  const spent = Math.max(0, ms - previous.enteredAt);
  return {
    state,
    finished,
    enteredAt: ms,
    lastAt: ms,
    spentMs: {
      ...previous.spentMs,
      [previous.state]: (previous.spentMs[previous.state] ?? 0) + spent,
    },
  };
}

/** A stored journey, or null when it is unreadable (a statistic is never worth a failed turn). */
export function readJourney(json: string | null | undefined): Journey | null {
  if (!json) return null;
  try {
    const parsed = Journey.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
