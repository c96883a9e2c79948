import { defineConfig } from 'vitest/config'

// Tests that start real processes (and, later, containers): generous timeouts, one file at a time
// per worker so port-bound fixtures do not race.
export default defineConfig({
  test: {
    name: 'integration',
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', 'fixtures/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
