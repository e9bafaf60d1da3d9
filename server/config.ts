import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defaultClub, parseClubConfig, type ClubConfig } from '../routines/club.ts';
import type { AddressProviderConfig } from '../tools/address-lookup/configured.ts';
import { LOG_LEVELS } from './log.ts';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const Secret = z.string().min(8, 'looks too short to be a real secret');
const Origin = HttpUrl.refine((url) => new URL(url).origin === url.replace(/\/$/, ''), {
  error: 'each origin is scheme://host[:port], with no path',
}).transform((url) => new URL(url).origin);
const Flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((flag) => flag === 'true' || flag === '1');

/** Every environment variable the product reads (SPEC §8), with its default. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_BASE_URL: HttpUrl.optional(),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' })
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{0,40}$/, 'letters, digits, "_", "." or "-", at most 40')
    .default(''),
  DATA_DIR: z.string().default('./data'),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CORS_ORIGINS: z
    .string()
    .default('http://localhost:3000,http://127.0.0.1:3000')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(Origin)),
  CLUB_CONFIG: z.string().optional(),
  OPENAI_API_KEY: Secret.optional(),
  OPENAI_MODEL: z
    .string()
    .regex(/^[\w.:-]{1,100}$/, 'must be a model name')
    .optional(),
  OPENAI_BASE_URL: HttpUrl.optional(),
  AIRTABLE_API_KEY: Secret.optional(),
  AIRTABLE_BASE_ID: z
    .string()
    .regex(/^app[A-Za-z0-9]{14}$/, 'must look like appXXXXXXXXXXXXXX')
    .optional(),
  AIRTABLE_ENDPOINT_URL: HttpUrl.optional(),
  GOCARDLESS_ACCESS_TOKEN: Secret.optional(),
  GOCARDLESS_ENVIRONMENT: z.enum(['sandbox', 'live']).default('sandbox'),
  GOCARDLESS_WEBHOOK_SECRET: Secret.optional(),
  GOCARDLESS_BASE_URL: HttpUrl.optional(),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must look like eu-west-2')
    .optional(),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name')
    .optional(),
  S3_ENDPOINT: HttpUrl.optional(),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC + 32 hex')
    .optional(),
  TWILIO_AUTH_TOKEN: Secret.optional(),
  TWILIO_FROM: z
    .string()
    .regex(
      /^(\+[1-9]\d{6,14}|[A-Za-z][A-Za-z0-9 ]{0,10}|MG[0-9a-fA-F]{32})$/,
      'must be +E.164, a sender name or a Messaging Service SID (MG…)',
    )
    .optional(),
  TWILIO_BASE_URL: HttpUrl.optional(),
  ADDRESS_LOOKUP_PROVIDER: z.enum(['demo', 'google', 'ideal-postcodes']).default('demo'),
  ADDRESS_LOOKUP_API_KEY: Secret.optional(),
  ADDRESS_LOOKUP_BASE_URL: HttpUrl.optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  TRUST_PROXY: Flag.default(false),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  RUN_WORKERS: Flag.default(true),
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).optional(),
  LOG_HASH_KEY: Secret.optional(),
  SESSION_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 14)
    .default(24),
  UNFINISHED_RETENTION_DAYS: z.coerce.number().positive().max(3660).default(90),
  NEW_SESSIONS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  MAX_NEW_SESSIONS_PER_HOUR: z.coerce.number().int().min(1).max(10_000_000).default(2_000),
  INSPECT_URL: z.url({ protocol: /^wss?$/, error: 'must be a ws:// URL' }).optional(),
  MCP_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  MCP_SERVER_URL: HttpUrl.optional(),
});
type Env = z.infer<typeof Env>;

/** The names of every variable read, for .env.example and the README's table. */
export const ENV_VARIABLES = Object.keys(Env.shape);

/** A small, cheap model is enough: it only reads one reply against one routine's schema. */
const DEFAULT_MODEL = 'gpt-4.1-mini';

/** Variables that switch a real service on: once one is set, all of them are needed. */
const SERVICES = {
  openai: ['OPENAI_API_KEY'],
  airtable: ['AIRTABLE_API_KEY', 'AIRTABLE_BASE_ID'],
  gocardless: ['GOCARDLESS_ACCESS_TOKEN', 'GOCARDLESS_WEBHOOK_SECRET'],
  s3: ['S3_BUCKET', 'AWS_REGION'],
  twilio: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'],
} as const satisfies Record<string, readonly (keyof Env)[]>;

/** A real address provider needs its key; a key with the demo provider is a mistake too. */
function addressLookupProblems(env: Record<string, string | undefined>): string[] {
  const provider = env.ADDRESS_LOOKUP_PROVIDER ?? 'demo';
  const hasKey = env.ADDRESS_LOOKUP_API_KEY !== undefined;
  if (provider !== 'demo' && !hasKey) {
    return [`ADDRESS_LOOKUP_API_KEY: is needed when ADDRESS_LOOKUP_PROVIDER is ${provider}`];
  }
  if (provider === 'demo' && hasKey) {
    return ['ADDRESS_LOOKUP_PROVIDER: set it to google or ideal-postcodes to use the API key'];
  }
  return [];
}

/** The inspector streams whole snapshots (a family's answers): development only. */
function inspectorProblems(env: Record<string, string | undefined>): string[] {
  if (env.INSPECT_URL === undefined || (env.NODE_ENV ?? 'production') !== 'production') return [];
  return [
    'INSPECT_URL: the Stately inspector streams every family’s answers, so it is refused when NODE_ENV is production (set NODE_ENV=development, or unset INSPECT_URL)',
  ];
}

/** Every variable a half-configured service still needs, as problems. */
function missingServiceVariables(env: Record<string, string | undefined>): string[] {
  return Object.values(SERVICES).flatMap((names) => {
    const set = names.filter((name) => env[name] !== undefined);
    if (set.length === 0) return [];
    const missing = names.filter((name) => env[name] === undefined);
    return missing.map((name) => `${name}: is needed when ${set[0]} is set`);
  });
}

/** The validated configuration the composition root wires from. */
export type Config = {
  port: number;
  host: string;
  /** Where links sent by SMS point. */
  publicBaseUrl: string;
  redisUrl: string | null;
  /** Put before every Redis key, so that several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  /** Absolute folder of the embedded stores. */
  dataDir: string;
  adminToken: string | null;
  corsOrigins: string[];
  club: ClubConfig;
  nodeEnv: Env['NODE_ENV'];
  logLevel: Env['LOG_LEVEL'];
  trustProxy: boolean;
  rateLimitPerMinute: number;
  /** Run the job workers in this process too (false: web only, with `npm run worker` apart). */
  runWorkers: boolean;
  /** How long a job stays with a worker that stopped answering before another takes it up. */
  jobLockMs: number | null;
  /** Photos in S3 when S3_BUCKET and AWS_REGION are set (credentials: the SDK's usual chain). */
  s3: { bucket: string; region: string; endpoint: string | null } | null;
  /** The key of the session tags in the logs; null: a random key per process. */
  logHashKey: string | null;
  /** How long a finished session stays in the session store (its record lives on). */
  sessionRetentionMs: number;
  /** How long an unfinished (unpaid) registration is kept before it is purged. */
  unfinishedRetentionMs: number;
  /** New sessions one client address may start per hour, and all addresses together. */
  newSessionsPerHour: number;
  maxNewSessionsPerHour: number;
  /** The model, when OPENAI_API_KEY is set; null runs the offline interpreter alone. */
  openai: { apiKey: string; model: string; baseUrl: string | null } | null;
  /** The address lookup of routines 13 and 19: the demo streets, or a real provider. */
  addressLookup: AddressProviderConfig;
  /** Texts by Twilio when its three variables are set; null sends them to the log. */
  twilio: { accountSid: string; authToken: string; from: string; baseUrl: string | null } | null;
  /** The club's Airtable base, when AIRTABLE_API_KEY and AIRTABLE_BASE_ID are set. */
  airtable: { apiKey: string; baseId: string; endpointUrl: string | null } | null;
  /** GoCardless when GOCARDLESS_ACCESS_TOKEN is set; null runs the offline payment simulator. */
  gocardless: {
    accessToken: string;
    environment: Env['GOCARDLESS_ENVIRONMENT'];
    baseUrl: string | null;
    webhookSecret: string;
  } | null;
  /** Development only: the Stately inspector's relay (`npm run inspect`) every actor streams to. */
  inspectUrl: string | null;
  /** Bearer token of the MCP server at /mcp (ADMIN_TOKEN when unset); null: /mcp is off. */
  mcpToken: string | null;
  /** The MCP server the generic agent uses in mcp mode (default: this server's own /mcp). */
  mcpServerUrl: string | null;
  env: Env;
};

/** The configuration could not be used; `problems` names every bad variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** "CORS_ORIGINS: each origin is ..." (the variable, not zod's path inside it). */
const describeIssue = (issue: z.core.$ZodIssue) =>
  `${String(issue.path[0] ?? 'environment')}: ${issue.message}`;

function loadClub(path: string | undefined): ClubConfig | string {
  if (path === undefined) return defaultClub;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'is not valid JSON' : 'cannot be read';
    return `CLUB_CONFIG: ${path} ${reason}`;
  }
  try {
    return parseClubConfig(json);
  } catch (error) {
    return `CLUB_CONFIG: ${path}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Reads and checks the environment; throws a ConfigError listing every problem at once. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && value.trim() !== '') env[name] = value.trim();
  }
  const parsed = Env.safeParse(env);
  const club = loadClub(env.CLUB_CONFIG);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map(describeIssue)),
    ...missingServiceVariables(env),
    ...addressLookupProblems(env),
    ...inspectorProblems(env),
    ...(typeof club === 'string' ? [club] : []),
  ];
  if (!parsed.success || typeof club === 'string' || problems.length > 0) {
    throw new ConfigError(problems);
  }
  const vars = parsed.data;
  return {
    port: vars.PORT,
    host: vars.HOST,
    publicBaseUrl: vars.PUBLIC_BASE_URL ?? `http://localhost:${vars.PORT}`,
    redisUrl: vars.REDIS_URL ?? null,
    redisKeyPrefix: vars.REDIS_KEY_PREFIX,
    dataDir: resolve(vars.DATA_DIR),
    adminToken: vars.ADMIN_TOKEN ?? null,
    corsOrigins: vars.CORS_ORIGINS,
    club,
    nodeEnv: vars.NODE_ENV,
    logLevel: vars.LOG_LEVEL,
    trustProxy: vars.TRUST_PROXY,
    rateLimitPerMinute: vars.RATE_LIMIT_PER_MINUTE,
    runWorkers: vars.RUN_WORKERS,
    jobLockMs: vars.JOB_LOCK_MS ?? null,
    s3:
      vars.S3_BUCKET && vars.AWS_REGION
        ? { bucket: vars.S3_BUCKET, region: vars.AWS_REGION, endpoint: vars.S3_ENDPOINT ?? null }
        : null,
    logHashKey: vars.LOG_HASH_KEY ?? null,
    sessionRetentionMs: Math.round(vars.SESSION_RETENTION_HOURS * 3600_000),
    unfinishedRetentionMs: Math.round(vars.UNFINISHED_RETENTION_DAYS * 24 * 3600_000),
    newSessionsPerHour: vars.NEW_SESSIONS_PER_HOUR,
    maxNewSessionsPerHour: vars.MAX_NEW_SESSIONS_PER_HOUR,
    openai: vars.OPENAI_API_KEY
      ? {
          apiKey: vars.OPENAI_API_KEY,
          model: vars.OPENAI_MODEL ?? DEFAULT_MODEL,
          baseUrl: vars.OPENAI_BASE_URL ?? null,
        }
      : null,
    addressLookup:
      vars.ADDRESS_LOOKUP_PROVIDER === 'demo' || vars.ADDRESS_LOOKUP_API_KEY === undefined
        ? { provider: 'demo' }
        : {
            provider: vars.ADDRESS_LOOKUP_PROVIDER,
            apiKey: vars.ADDRESS_LOOKUP_API_KEY,
            ...(vars.ADDRESS_LOOKUP_BASE_URL ? { baseUrl: vars.ADDRESS_LOOKUP_BASE_URL } : {}),
          },
    twilio:
      vars.TWILIO_ACCOUNT_SID && vars.TWILIO_AUTH_TOKEN && vars.TWILIO_FROM
        ? {
            accountSid: vars.TWILIO_ACCOUNT_SID,
            authToken: vars.TWILIO_AUTH_TOKEN,
            from: vars.TWILIO_FROM,
            baseUrl: vars.TWILIO_BASE_URL ?? null,
          }
        : null,
    airtable:
      vars.AIRTABLE_API_KEY && vars.AIRTABLE_BASE_ID
        ? {
            apiKey: vars.AIRTABLE_API_KEY,
            baseId: vars.AIRTABLE_BASE_ID,
            endpointUrl: vars.AIRTABLE_ENDPOINT_URL ?? null,
          }
        : null,
    gocardless:
      vars.GOCARDLESS_ACCESS_TOKEN && vars.GOCARDLESS_WEBHOOK_SECRET
        ? {
            accessToken: vars.GOCARDLESS_ACCESS_TOKEN,
            environment: vars.GOCARDLESS_ENVIRONMENT,
            baseUrl: vars.GOCARDLESS_BASE_URL ?? null,
            webhookSecret: vars.GOCARDLESS_WEBHOOK_SECRET,
          }
        : null,
    inspectUrl: vars.INSPECT_URL ?? null,
    mcpToken: vars.MCP_TOKEN ?? vars.ADMIN_TOKEN ?? null,
    mcpServerUrl: vars.MCP_SERVER_URL ?? null,
    env: vars,
  };
}
