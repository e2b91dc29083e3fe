import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // test/slow (the Linux guest end to end) is its own group: npm run test:slow (vitest.slow.config.ts).
    exclude: [...configDefaults.exclude, 'test/slow/**'],
    testTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/support/global-build.ts'],
  },
});
