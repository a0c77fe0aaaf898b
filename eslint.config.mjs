import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jest from 'eslint-plugin-jest';

export default tseslint.config(
  // console/dist is npm run console:build's output (git-ignored): built code, not ours to lint.
  { ignores: ['node_modules/**', 'cdk.out/**', '.local/**', 'coverage/**', 'console/dist/**', 'test-output/**'] },
  js.configs.recommended,
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { globals: { module: 'writable', require: 'readonly', __dirname: 'readonly', process: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['test/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/no-focused-tests': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*'] }],
      'jest/no-conditional-expect': 'error',
    },
  },
  {
    // The pure domain imports nothing from AWS, jose or middy, nor the deployment topology (the
    // catalog), the event wire format, adapters or the composition around it: it states facts, and
    // adapters route them. That is what keeps it unit-testable without I/O, and free to deploy anyhow.
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@aws-sdk/*', '@smithy/*', 'jose', '@middy/*', 'aws-lambda', '@aws-lambda-powertools/*', 'zod', 'zod/*'], message: 'The domain is pure: no SDKs, no middleware, no wire formats.' },
            { group: ['**/infra/**', '**/infra'], message: 'The domain does not know the deployment topology (infra/catalog.ts): state a fact, let the outbox writer route it.' },
            {
              group: ['../*', '!../domain', '../../*'],
              message: 'The domain imports only from shared/domain: events, adapters, auth, http, outbox, workers, config and observability depend on it, not the other way round.',
            },
          ],
        },
      ],
    },
  },
);
