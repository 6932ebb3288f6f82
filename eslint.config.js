// Type-aware linting: the rules that find real bugs in a hub that is mostly promises (a floating or
// misused promise loses an error or an event), plus the unsafe-any family so a typed event never turns
// into an untyped one unseen. Formatting is prettier's job alone.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The .js and .mjs files are Node scripts and configs: their globals are those of the Node that runs them,
// read from the Node running eslint (no list to keep up to date, no package for it).
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'data-demo/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A leading underscore marks a name kept on purpose: express tells error handlers by their four
      // parameters, and `{ secret: _secret, ...rest }` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Passing on a rejection received from elsewhere (typed unknown) makes up no non-Error reason: allowed.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // Tests read answers as the outside world sees them: supertest's and fetch's JSON bodies are `any` by
    // design, and reading fields of them to assert on is the point of the test. Typing every body would
    // restate the API's types in each test (and assert nothing more). Only the unsafe-any family is off, and
    // only here: floating promises, require-await and the rest still apply to tests.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: nodeGlobals },
  },
);
