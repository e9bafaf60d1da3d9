import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const vendorSdks = [
  'airtable',
  'gocardless-nodejs',
  '@aws-sdk/*',
  'twilio',
  'openai',
  'keyv',
  '@keyv/*',
];

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'scratch', 'test-results', '**/*.js'] },
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
    files: ['server/config.ts', 'test/**', 'machines/diagram.ts'],
    rules: { 'no-restricted-properties': 'off', 'no-console': 'off' },
  },
  {
    files: ['routines/**', 'machines/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/test/**', ...vendorSdks],
              message: 'Dependency rule: server → machines → routines → tools.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['tools/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/machines/**', '**/routines/**', '**/test/**'],
              message: 'tools/ imports nothing else from the project.',
            },
          ],
        },
      ],
    },
  },
);
