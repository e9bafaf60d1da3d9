import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
// The project's own config, linting text for files that need not exist (no type information).
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
    },
  },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});

/** The restricted-import errors ESLint reports for one import in a file at `path`. */
async function importErrors(path: string, from: string) {
  const [result] = await eslint.lintText(`import { x } from '${from}';\nexport const y = x;\n`, {
    filePath: `${ROOT}${path}`,
  });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports');
}

describe('the dependency rule (server → machines → routines → tools)', () => {
  it.each([
    ['routines/any.ts', '../machines/chat-service.ts'],
    ['routines/any.ts', '../server/app.ts'],
    ['routines/parsers/any.ts', '../../machines/setup.ts'],
    ['tools/kv/any.ts', '../../routines/identity.ts'],
    ['tools/any.ts', '../machines/effects.ts'],
    ['machines/any.ts', '../server/config.ts'],
    ['machines/any.ts', '../test/support/harness.ts'],
    ['server/any.ts', '../test/support/harness.ts'],
  ])('refuses %s importing %s', async (path, from) => {
    expect(await importErrors(path, from)).toHaveLength(1);
  });

  it.each([
    ['server/any.ts', '../machines/chat-service.ts'],
    ['machines/any.ts', '../routines/identity.ts'],
    ['machines/any.ts', '../tools/kv/port.ts'],
    ['routines/any.ts', '../tools/tool.ts'],
    ['tools/kv/any.ts', '../sqlite/database.ts'],
  ])('allows %s importing %s', async (path, from) => {
    expect(await importErrors(path, from)).toEqual([]);
  });
});

describe('vendor SDKs', () => {
  it.each([
    ['machines/any.ts', 'airtable'],
    ['server/any.ts', 'bullmq'],
    ['routines/any.ts', 'openai'],
    ['tools/sms/any.ts', 'twilio'],
    ['tools/registrations/sqlite.ts', 'twilio'],
    ['tools/payments/any.ts', 'gocardless-nodejs/webhooks'],
    ['server/any.ts', '@aws-sdk/client-s3'],
  ])('are refused in %s (%s)', async (path, sdk) => {
    expect(await importErrors(path, sdk)).toHaveLength(1);
  });

  it.each([
    ['tools/sms/twilio.ts', 'twilio'],
    ['tools/payments/gocardless.ts', 'gocardless-nodejs/webhooks'],
    ['tools/jobs/bullmq.ts', 'bullmq'],
    ['tools/sqlite/database.ts', 'better-sqlite3'],
    ['tools/photos/s3-photo-storage.ts', '@aws-sdk/client-s3'],
  ])('are allowed in their own files: %s (%s)', async (path, sdk) => {
    expect(await importErrors(path, sdk)).toEqual([]);
  });
});
