import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/slow (the Linux guest end to end) is its own group: npm run test:slow (vitest.slow.config.ts).
    exclude: [...configDefaults.exclude, 'test/slow/**'],
    testTimeout: 120_000,
    pool: 'forks',
    // Every translation checks its IR (frontend-x86/translate.ts), in the test processes and the CLIs they spawn.
    env: { REWIND86_VALIDATE_IR: '1' },
    globalSetup: ['test/support/global-build.ts'],
  },
});
