import { afterEach, describe, expect, it } from 'vitest';
import type { FlowStats } from '../../tools/flow-stats/port.ts';

/** Opens a store on a fresh backend per test. */
export type OpenFlowStats = () => Promise<FlowStats>;

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 1, 10, minutes));

/** The behaviour every FlowStats adapter shares. */
export function flowStatsContract(name: string, open: OpenFlowStats) {
  describe(`${name} flow stats`, () => {
    let stats: FlowStats | null = null;
    afterEach(async () => {
      await stats?.close();
      stats = null;
    });

    it('keeps where each session rests and the time spent in each state it left', async () => {
      stats = await open();
      await stats.moved('a', { state: 'generic', finished: false, at: at(0) });
      await stats.moved('a', { state: 'newRegistration.childName', finished: false, at: at(2) });
      await stats.moved('a', { state: 'newRegistration.childName', finished: false, at: at(3) });
      await stats.moved('a', { state: 'newRegistration.childDob', finished: false, at: at(7) });
      await stats.moved('b', { state: 'generic', finished: false, at: at(1) });
      const journeys = await stats.journeys(at(0));
      const a = journeys.find((journey) => journey.state === 'newRegistration.childDob');
      expect(journeys).toHaveLength(2);
      expect(a).toEqual({
        state: 'newRegistration.childDob',
        finished: false,
        enteredAt: at(7).getTime(),
        lastAt: at(7).getTime(),
        spentMs: { generic: 120_000, 'newRegistration.childName': 300_000 },
      });
    });

    it('lists only the journeys that moved since the date asked', async () => {
      stats = await open();
      await stats.moved('old', { state: 'generic', finished: false, at: at(0) });
      await stats.moved('new', { state: 'newRegistration.registered', finished: true, at: at(30) });
      const recent = await stats.journeys(at(10));
      expect(recent.map((journey) => [journey.state, journey.finished])).toEqual([
        ['newRegistration.registered', true],
      ]);
    });
  });
}
