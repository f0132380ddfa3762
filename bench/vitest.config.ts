import { defineConfig } from 'vitest/config';

// Collection-efficiency benchmark: not part of `npm test` (benchmarks are not tests).
export default defineConfig({
  test: { include: ['bench/**/*.bench.test.ts'], testTimeout: 300_000, pool: 'forks' },
});
