import { defineConfig } from 'vitest/config'

// Tests that build the images and run them in Docker (docker/README.md). A project of its own, so
// the image builds (global-setup.ts, once per run) happen only when these tests are selected.
export default defineConfig({
  test: {
    name: 'containers',
    include: ['**/*.test.ts'],
    globalSetup: ['./global-setup.ts'],
    // Ryuk, testcontainers' reaper, is an image this machine cannot pull: each test removes what it
    // starts (afterAll / afterEach).
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // One Docker engine: files run one after another.
    fileParallelism: false,
  },
})
