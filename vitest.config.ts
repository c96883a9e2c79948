import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
          // Property tests and the few that start a process or a worker need more than the 5 s
          // default on a loaded 2-core machine; time is measured by the benchmark, not here.
          testTimeout: 30_000,
        },
      },
      './test/vitest.config.ts',
      './test/containers/vitest.config.ts',
    ],
  },
})
