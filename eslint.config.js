import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Outside services' SDKs and storage clients: each only in tools/, in files named after it. */
const vendors = {
  airtable: ['airtable'],
  gocardless: ['gocardless-nodejs'],
  s3: ['@aws-sdk/[^/]+'],
  twilio: ['twilio'],
  openai: ['openai'],
  redis: ['keyv', '@keyv/[^/]+', 'ioredis', 'redis', '@redis/[^/]+'],
  bullmq: ['bullmq'],
  sqlite: ['better-sqlite3'],
  'rate-limit': ['rate-limiter-flexible'],
};
const sdkRegex = (sdks) => `^(${sdks.join('|')})(/.*)?$`;
const folderRegex = (folders) => `(^|/)(${folders.join('|')})/`;

/** The dependency rule, server → machines → routines → tools: what each folder may not import. */
const layers = {
  'tools/**': ['server', 'machines', 'routines', 'test'],
  'routines/**': ['server', 'machines', 'test'],
  'machines/**': ['server', 'test'],
  'server/**': ['test'],
};
const LAYER_MESSAGE = 'Dependency rule: server → machines → routines → tools.';

const restrict = (files, folders, sdks, ignores = []) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          { regex: folderRegex(folders), message: LAYER_MESSAGE },
          ...(sdks.length > 0
            ? [
                {
                  regex: sdkRegex(sdks),
                  message: 'A vendor SDK only in tools/<vendor>/ or tools/**/<vendor>*.ts.',
                },
              ]
            : []),
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'scratch', 'test-results', 'dist', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Only server/config.ts reads the environment.',
        },
      ],
    },
  },
  {
    files: ['server/config.ts', 'test/**', 'machines/diagram.mts'],
    rules: { 'no-restricted-properties': 'off', 'no-console': 'off' },
  },
  ...Object.entries(layers).map(([files, folders]) =>
    restrict([files], folders, Object.values(vendors).flat()),
  ),
  // Inside tools/, a vendor's SDK only in the files named after it (tools/<port>/<vendor>*.ts).
  ...Object.entries(vendors).map(([vendor, sdks]) =>
    restrict(
      [`tools/**/${vendor}*.ts`, `tools/${vendor}/**`],
      layers['tools/**'],
      Object.entries(vendors)
        .filter(([other]) => other !== vendor)
        .flatMap(([, others]) => others.filter((sdk) => !sdks.includes(sdk))),
    ),
  ),
);
