// The slow group (npm run test:slow): the Linux guest of the guest kit booted,
// recorded, replayed and sought end to end. Minutes, not seconds, so it is not
// part of npm test (vitest.config.ts excludes test/slow).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 900_000,
    pool: 'forks',
    // Every translation checks its IR (frontend-x86/translate.ts), in the test processes and the CLIs they spawn.
    env: { REWIND86_VALIDATE_IR: '1' },
    globalSetup: ['test/support/global-build.ts'],
  },
});
