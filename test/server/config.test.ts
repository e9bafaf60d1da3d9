import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultClub } from '../../routines/club.ts';
import { ConfigError, ENV_VARIABLES, loadConfig } from '../../server/config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('The configuration was accepted');
}

describe('loadConfig', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'config-test-'));
  });
  afterAll(() => rm(folder, { recursive: true, force: true }));

  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: '0.0.0.0',
      publicBaseUrl: 'http://localhost:8000',
      redisUrl: null,
      dataDir: resolve('data'),
      adminToken: null,
      corsOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      nodeEnv: 'production',
      logLevel: 'info',
      trustProxy: false,
      rateLimitPerMinute: 60,
    });
    expect(config.club).toBe(defaultClub);
    expect(config.env.GOCARDLESS_ENVIRONMENT).toBe('sandbox');
  });

  it('treats empty variables as unset and derives PUBLIC_BASE_URL from PORT', () => {
    const config = loadConfig({ PORT: '9100', REDIS_URL: '', ADMIN_TOKEN: '  ' });
    expect(config).toMatchObject({ publicBaseUrl: 'http://localhost:9100', redisUrl: null });
    expect(config.adminToken).toBeNull();
  });

  it('reads a full set of values', () => {
    const config = loadConfig({
      REDIS_URL: 'redis://127.0.0.1:6379',
      CORS_ORIGINS: 'https://club.example.org, http://localhost:3000/',
      PUBLIC_BASE_URL: 'https://register.example.org',
      TRUST_PROXY: 'true',
      OPENAI_API_KEY: 'sk-test-0123456789',
    });
    expect(config.corsOrigins).toEqual(['https://club.example.org', 'http://localhost:3000']);
    expect(config).toMatchObject({ redisUrl: 'redis://127.0.0.1:6379', trustProxy: true });
    expect(config.openai).toEqual({
      apiKey: 'sk-test-0123456789',
      model: 'gpt-4.1-mini',
      baseUrl: null,
    });
  });

  const BAD: Record<string, string> = {
    PORT: 'eighty',
    HOST: '',
    PUBLIC_BASE_URL: 'register.example.org',
    REDIS_URL: 'http://127.0.0.1:6379',
    ADMIN_TOKEN: 'hunter2',
    CORS_ORIGINS: 'https://club.example.org/chat',
    OPENAI_BASE_URL: 'not a url',
    AIRTABLE_API_KEY: 'pat-0123456789',
    GOCARDLESS_ENVIRONMENT: 'production',
    AWS_REGION: 'Europe',
    TWILIO_ACCOUNT_SID: 'XX123',
    NODE_ENV: 'staging',
    LOG_LEVEL: 'loud',
    RATE_LIMIT_PER_MINUTE: '0',
    TRUST_PROXY: 'maybe',
  };

  it.each([
    'PORT',
    'PUBLIC_BASE_URL',
    'REDIS_URL',
    'ADMIN_TOKEN',
    'CORS_ORIGINS',
    'OPENAI_BASE_URL',
    'AIRTABLE_BASE_ID',
    'GOCARDLESS_ENVIRONMENT',
    'AWS_REGION',
    'S3_BUCKET',
    'TWILIO_ACCOUNT_SID',
    'TWILIO_AUTH_TOKEN',
    'TWILIO_FROM',
    'NODE_ENV',
    'LOG_LEVEL',
    'RATE_LIMIT_PER_MINUTE',
    'TRUST_PROXY',
  ])('names %s among all the problems at once', (name) => {
    expect(problemsOf(BAD).some((problem) => problem.startsWith(`${name}:`))).toBe(true);
  });

  it.each([
    [{}, { provider: 'demo' }],
    [
      { ADDRESS_LOOKUP_PROVIDER: 'google', ADDRESS_LOOKUP_API_KEY: 'google-key-0123' },
      { provider: 'google', apiKey: 'google-key-0123' },
    ],
    [
      {
        ADDRESS_LOOKUP_PROVIDER: 'ideal-postcodes',
        ADDRESS_LOOKUP_API_KEY: 'ak_0123456789',
        ADDRESS_LOOKUP_BASE_URL: 'http://127.0.0.1:9999',
      },
      { provider: 'ideal-postcodes', apiKey: 'ak_0123456789', baseUrl: 'http://127.0.0.1:9999' },
    ],
  ])('wires the address lookup from %j', (env, addressLookup) => {
    const config = loadConfig(env);
    expect(config.addressLookup).toEqual(addressLookup);
  });

  it.each([
    [{ ADDRESS_LOOKUP_PROVIDER: 'google' }, 'ADDRESS_LOOKUP_API_KEY: is needed'],
    [{ ADDRESS_LOOKUP_API_KEY: 'ak_0123456789' }, 'ADDRESS_LOOKUP_PROVIDER: set it'],
    [{ ADDRESS_LOOKUP_PROVIDER: 'getaddress' }, 'ADDRESS_LOOKUP_PROVIDER:'],
  ])('refuses the address lookup settings %j', (env, problem) => {
    expect(problemsOf(env).some((line) => line.startsWith(problem))).toBe(true);
  });

  it('never repeats a secret in its message', () => {
    const message = problemsOf({
      ADMIN_TOKEN: 'hunter2',
      AIRTABLE_API_KEY: 'pat-secret-123',
    }).join();
    expect(message).not.toMatch(/hunter2|pat-secret-123/);
  });

  it('loads a club configuration from CLUB_CONFIG', async () => {
    const path = join(folder, 'other-club.json');
    await writeFile(path, JSON.stringify({ ...defaultClub, name: 'Flixton Juniors' }));
    expect(loadConfig({ CLUB_CONFIG: path }).club.name).toBe('Flixton Juniors');
  });

  it('names the bad fields of an invalid CLUB_CONFIG', async () => {
    const path = join(folder, 'bad-club.json');
    const bad = {
      ...defaultClub,
      adminEmail: 'not-an-email',
      fees: { signingOnPence: 4500, monthlyPence: -1 },
      season: { ...defaultClub.season, code: '25/26' },
    };
    await writeFile(path, JSON.stringify(bad));
    const [problem = ''] = problemsOf({ CLUB_CONFIG: path, PORT: 'x' }).filter((line) =>
      line.startsWith('CLUB_CONFIG'),
    );
    for (const field of ['adminEmail', 'fees.monthlyPence', 'season.code']) {
      expect(problem).toContain(field);
    }
  });

  it.each([
    ['a missing file', 'missing.json', null, /cannot be read/],
    ['a file that is not JSON', 'broken.json', '{"name": ', /not valid JSON/],
  ])('names CLUB_CONFIG for %s', async (_name, file, content, reason) => {
    const path = join(folder, file);
    if (content !== null) await writeFile(path, content);
    const problems = problemsOf({ CLUB_CONFIG: path });
    expect(problems).toEqual([expect.stringMatching(reason)]);
    expect(problems[0]).toMatch(/^CLUB_CONFIG: /);
  });

  it('accepts .env.example as it stands, and it lists every variable', async () => {
    const example = await readFile(new URL('../../.env.example', import.meta.url), 'utf8');
    const entries = example
      .split('\n')
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => line.split('=', 2) as [string, string]);
    expect(entries.map(([name]) => name).sort()).toEqual([...ENV_VARIABLES].sort());
    expect(loadConfig(Object.fromEntries(entries)).port).toBe(8000);
  });
});
