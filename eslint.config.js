import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'reports/', '.stryker-tmp/', '.readme-test-*/'] },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      // noUncheckedIndexedAccess is on; `!` marks an index already proven in range.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Express tells error handlers by their four parameters; `_next` must stay.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The core is framework-free: the middleware, verifyToken and the command share it.
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'express', message: 'src/core never imports Express: put Express code in src/express/.' },
            { name: 'express4', message: 'src/core never imports Express: put Express code in src/express/.' },
          ],
          patterns: [
            {
              group: ['**/express/**', '**/express/*', '../express', '../../express'],
              message: 'src/core never imports src/express/: the adapter depends on the core, not the reverse.',
            },
            { group: ['**/stores/**', '**/cli/**'], message: 'src/core never imports a store or the command: they depend on the core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // supertest's res.body is `any`, and tests throw and reject with non-Errors on purpose.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
