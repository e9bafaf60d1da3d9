import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('GoCardless configuration', () => {
  it.each([
    [{ GOCARDLESS_ACCESS_TOKEN: 'sandbox_token_0123' }, 'GOCARDLESS_WEBHOOK_SECRET'],
    [{ GOCARDLESS_WEBHOOK_SECRET: 'webhook-secret-0123' }, 'GOCARDLESS_ACCESS_TOKEN'],
  ])('refuses to start with %o alone, naming %s', (env, missing) => {
    expect(problemsOf(env)).toEqual([expect.stringMatching(new RegExp(`^${missing}: is needed`))]);
  });

  it('wires GoCardless when the token and the secret are set, and the simulator otherwise', () => {
    const config = loadConfig({
      GOCARDLESS_ACCESS_TOKEN: 'live_token_0123456',
      GOCARDLESS_WEBHOOK_SECRET: 'webhook-secret-0123',
      GOCARDLESS_ENVIRONMENT: 'live',
      GOCARDLESS_BASE_URL: 'http://127.0.0.1:9999',
    });
    expect(config.gocardless).toEqual({
      accessToken: 'live_token_0123456',
      environment: 'live',
      baseUrl: 'http://127.0.0.1:9999',
      webhookSecret: 'webhook-secret-0123',
    });
    expect(loadConfig({}).gocardless).toBeNull();
  });
});
