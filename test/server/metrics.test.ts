import { describe, expect, it } from 'vitest';
import { createMetrics, productLabels } from '../../server/metrics.ts';

type LogLine = [event: string, data: Record<string, unknown>];

/** What the registry shows after the log saw these lines. */
async function after(lines: LogLine[]) {
  const metrics = createMetrics(productLabels());
  const seen: string[] = [];
  const log = metrics.observe((event) => seen.push(event));
  for (const [event, data] of lines) log(event, data);
  return { text: await metrics.registry.metrics(), seen };
}

describe('metrics read off the log', () => {
  it.each<[string, LogLine, string]>([
    [
      'a model call with its tokens',
      ['llm.usage', { routine: 3, calls: 2, inputTokens: 900, outputTokens: 40, outcome: 'ok' }],
      'model_calls_total{outcome="ok"} 2',
    ],
    [
      'input tokens',
      ['llm.usage', { calls: 1, inputTokens: 900, outputTokens: 40, outcome: 'ok' }],
      'model_tokens_total{direction="input"} 900',
    ],
    [
      'a fallback by its problem',
      ['llm.fallback', { routine: 3, problem: 'TimeoutError' }],
      'model_fallbacks_total{problem="TimeoutError"} 1',
    ],
    [
      'an effect whose service was down',
      ['effect.failed', { machine: 'session', effect: 'findTeam', kind: 'unavailable' }],
      'effects_total{machine="session",effect="findTeam",outcome="unavailable"} 1',
    ],
    [
      'a job retried',
      ['jobs.attempt_failed', { queue: 'sms', id: 'x', retrying: true }],
      'jobs_attempts_failed_total{queue="sms",retrying="true"} 1',
    ],
    [
      'a turn by the routine it answered',
      ['turn.completed', { from: 12, routine: 13, ms: 40 }],
      'chat_turn_duration_seconds_count{routine="12"} 1',
    ],
  ])('counts %s', async (_name, line, sample) => {
    const { text, seen } = await after([line]);
    expect(text).toContain(sample);
    expect(seen).toEqual([line[0]]);
  });

  it.each<[string, LogLine, string]>([
    [
      'an unknown effect',
      ['effect.done', { machine: 'Sarah', effect: "O'Brien", outcome: 'M32 8JL' }],
      'effects_total{machine="other",effect="other",outcome="other"} 1',
    ],
    [
      'an unknown model problem',
      ['llm.fallback', { problem: 'sarah@example.com' }],
      'model_fallbacks_total{problem="other"} 1',
    ],
    [
      'an unknown queue',
      ['jobs.attempt_failed', { queue: '07700900123', retrying: false }],
      'jobs_attempts_failed_total{queue="other",retrying="false"} 1',
    ],
    [
      'a routine that is not a number',
      ['turn.completed', { from: 'leo', ms: 5 }],
      'chat_turn_duration_seconds_count{routine="none"} 1',
    ],
  ])('files %s under a fixed label', async (_name, line, sample) => {
    const { text } = await after([line]);
    expect(text).toContain(sample);
    expect(text).not.toMatch(/Sarah|Brien|M32|example\.com|07700|leo/);
  });

  it('keeps each app on its own registry', async () => {
    const one = createMetrics(productLabels());
    const two = createMetrics(productLabels());
    one.observe(() => {})('llm.fallback', { problem: 'refused' });
    expect(await one.registry.metrics()).toContain('model_fallbacks_total{problem="refused"} 1');
    expect(await two.registry.metrics()).not.toContain('problem="refused"');
  });
});
