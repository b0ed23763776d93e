import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import tseslint from 'typescript-eslint';

/** Modules that reach the outside world: the domain library must get them through ports. */
const OUTSIDE_WORLD = [
  'next',
  'next/*',
  'react',
  'react-dom',
  '@prisma/*',
  'openai',
  'openai/*',
  'ollama',
  'ollama/*',
  'ioredis',
  'pg',
  '@aws-sdk/*',
  '@electric-sql/*',
  'node:fs',
  'node:fs/*',
  'fs',
  'fs/*',
  'node:http',
  'node:child_process',
  'server-only',
  '@/lib/server/*',
  '@/lib/adapters/*',
  '@/lib/generated/*',
  '@/app/*',
];

const SERVER_ONLY = [
  '@/lib/server/*',
  '@/lib/adapters/*',
  '@/lib/generated/*',
  'server-only',
  'pg',
  '@prisma/*',
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.next/**',
      '.data/**',
      'lib/generated/**',
      'next-env.d.ts',
      'test-results/**',
      'playwright-report/**',
    ],
  },
  ...nextVitals,
  ...nextTs,
  {
    files: ['**/*.{ts,tsx,mts}'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // lib/loom is pure: no framework, database, SDK, file system or environment.
    files: ['lib/loom/**/*.ts'],
    ignores: ['lib/loom/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: OUTSIDE_WORLD,
              message: 'lib/loom is pure: put this in lib/adapters and inject it through a port.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'lib/loom never reads the environment; take it as an option.',
        },
      ],
    },
  },
  {
    // lib/sdk is the client SDK applications embed (Node, edge, browsers): plain TypeScript over
    // fetch and web streams, with lib/loom (the same template engine) as its only dependency.
    files: ['lib/sdk/**/*.ts'],
    ignores: ['lib/sdk/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...OUTSIDE_WORLD, 'node:*', '@/lib/client/*', '@/components/*'],
              message: 'lib/sdk runs in any JavaScript runtime: use fetch and web APIs, and lib/loom only.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'lib/sdk never reads the environment; take it as an option.',
        },
      ],
    },
  },
  {
    // UI and browser helpers never import server code.
    files: ['components/**/*.{ts,tsx}', 'lib/client/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: SERVER_ONLY,
              message: 'Browser code may not import server modules; receive data and actions as props.',
            },
          ],
        },
      ],
    },
  },
  {
    // Playwright fixtures call `use`, which is not React's hook.
    files: ['e2e/**/*.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
  {
    // Environment variables are parsed once, in lib/server/env.ts.
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}'],
    ignores: ['lib/server/env.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through getEnv() in lib/server/env.ts.',
        },
      ],
    },
  },
);
