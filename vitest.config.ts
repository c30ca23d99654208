import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // expectTypeOf in test/**/*.test-d.ts, checked by tsc inside `vitest run`; off under Stryker.
    typecheck: { enabled: !process.env.STRYKER_MUTATOR_WORKER, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/cli.ts'],
      reporter: ['text', 'json-summary'],
      thresholds: { lines: 95, functions: 95, branches: 95, statements: 95 },
    },
  },
});
