import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // NHISCAN_FC_SEED / NHISCAN_FC_PATH replay a failed property test (see the file).
    setupFiles: ['test/helpers/fast-check-replay.ts'],
  },
});
