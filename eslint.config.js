// ESLint flat config. Module boundaries (ARCHITECTURE.md, "Folders") are enforced here:
// apps -> libs only; libs/engine imports no NestJS/TypeORM; the engine core does no I/O.
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;

const TS_FILES = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const JS_FILES = ['**/*.js', '**/*.mjs', '**/*.cjs'];
const TEST_FILES = ['**/*.spec.ts', '**/*.test.ts', 'test/**'];

// no-restricted-imports options do not merge between config objects: the engine core repeats the engine's.
const engineBans = {
  paths: [{ name: 'typeorm', message: 'libs/engine must not depend on TypeORM.' }],
  patterns: [
    { group: ['@nestjs/*'], message: 'libs/engine must not depend on NestJS.' },
    { group: ['typeorm/*'], message: 'libs/engine must not depend on TypeORM.' },
  ],
};

const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_'));
const ioMessage = 'The engine core is pure (no I/O): take what it needs as input; I/O lives in journal/ and gateway/.';
const coreBans = {
  paths: [
    ...engineBans.paths,
    ...nodeBuiltins.filter((name) => !name.includes('/')).map((name) => ({ name, message: ioMessage })),
  ],
  patterns: [
    ...engineBans.patterns,
    { group: ['node:*', ...nodeBuiltins.map((name) => `${name}/*`)], message: ioMessage },
    { group: ['@grpc/*'], message: ioMessage },
  ],
};

export default defineConfig(
  {
    // Mirrors .gitignore, where these names match at any depth.
    ignores: ['**/node_modules/', '**/data/', '**/.tmp/', '**/coverage/', 'apps/web/dist/', '**/dist/'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  ...tseslint.configs.recommended,
  {
    files: TS_FILES,
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: root },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: JS_FILES,
    ...tseslint.configs.disableTypeChecked,
  },

  // Tests: a committed `.only` silently skips the rest of the suite (mocha also runs with forbid-only).
  {
    files: TEST_FILES,
    rules: {
      'no-restricted-properties': [
        'error',
        ...['describe', 'context', 'it', 'specify', 'suite', 'test'].map((object) => ({
          object,
          property: 'only',
          message: 'Do not commit .only: it skips every other test.',
        })),
      ],
    },
  },

  // Module boundaries, by resolved path.
  {
    plugins: { import: importPlugin },
    settings: {
      'import/resolver': { [`${root}/scripts/eslint-import-resolver.cjs`]: {} },
    },
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            { target: './libs', from: './apps', message: 'libs must never import apps (apps -> libs only).' },
            {
              target: './libs/engine/src/core',
              from: ['./libs/engine/src/journal', './libs/engine/src/gateway'],
              message: 'The engine core is pure: it must not import the journal or the gateway.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/engine/**'],
    rules: { 'no-restricted-imports': ['error', engineBans] },
  },
  {
    files: ['libs/engine/src/core/**'],
    ignores: TEST_FILES,
    rules: { 'no-restricted-imports': ['error', coreBans] },
  },
);
