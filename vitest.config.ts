import { defineConfig } from 'vitest/config';

const mutating = Boolean(process.env.STRYKER_MUTATOR_WORKER);

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // These test the build in dist/, which Stryker does not rebuild per mutant, or run
    // the code in a child process, where no mutant is active.
    exclude: mutating
      ? [
          'test/package.test.ts',
          'test/readme.test.ts',
          'test/cli/command.test.ts',
          'test/example-api/server.test.ts',
          'test/example-api/server-redis.test.ts',
          'test/example-api/try-it.test.ts',
          'test/example-api/resource-server.test.ts',
          'test/cli/remote-keys.test.ts',
        ]
      : [],
    // expectTypeOf in test/**/*.test-d.ts, checked by tsc inside `vitest run`; off under Stryker.
    typecheck: { enabled: !mutating, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/cli.ts'],
      reporter: ['text', 'json-summary'],
      thresholds: { lines: 95, functions: 95, branches: 95, statements: 95 },
    },
  },
});
