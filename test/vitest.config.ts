import { defineConfig } from 'vitest/config'

// Tests that start real processes: generous timeouts, one file at a time per worker so port-bound
// fixtures do not race. The container tests are a project of their own (containers/vitest.config.ts).
export default defineConfig({
  test: {
    name: 'integration',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'fixtures/**', 'containers/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
