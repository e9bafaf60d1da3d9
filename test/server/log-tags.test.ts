import { describe, expect, it } from 'vitest';
import { createLog, withSessionTags } from '../../server/log.ts';

const ID = 'session-4f9c2b7e-aa01-4d3e-9b1f-0c8d7e6f5a4b';
const OTHER = 'session-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function logTo(level: 'info' | 'debug') {
  const lines: Record<string, unknown>[] = [];
  const log = createLog(level, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, log: withSessionTags(log, 'a-test-key-of-enough-length-0123456789') };
}

describe('the process log', () => {
  it('writes a session id as the same keyed tag every time, never the id itself', () => {
    const { lines, log } = logTo('info');
    log('turn.completed', { sessionId: ID, routine: 3 });
    log('turn.completed', { sessionId: OTHER, routine: 4 });
    log('turn.completed', { sessionId: ID, routine: 5 });
    log('effect.failed', { error: `no answer for ${ID}` });
    const tags = lines.map((line) => line.session);
    expect(tags[0]).toMatch(/^s:[A-Za-z0-9_-]{12}$/);
    expect(tags[2]).toBe(tags[0]);
    expect(tags[1]).not.toBe(tags[0]);
    expect(lines[3]?.error).toBe(`no answer for ${String(tags[0])}`);
    expect(JSON.stringify(lines)).not.toContain(ID);
  });

  it.each([
    ['info', 0],
    ['debug', 1],
  ] as const)(
    'at %s, reads a debug event’s data only if it writes it (%i lines)',
    (level, count) => {
      const { lines, log } = logTo(level);
      let reads = 0;
      const data = {
        get sessionId() {
          reads += 1;
          return ID;
        },
      };
      log('chat.hint_ignored', data);
      expect(lines).toHaveLength(count);
      expect(reads).toBe(count);
    },
  );
});
