import { defineConfig } from 'vitest/config'

// The dashboard has its own Vite config under web/; this one runs only the Node-side suites.
export default defineConfig({
  test: {
    // Global: bounds the teardown of the integration suite's PostgreSQL.
    teardownTimeout: 30_000,
    projects: [
      {
        // Pure modules, no database, no browser: seconds, and first in `npm test`.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'] },
      },
      {
        // A real PostgreSQL for the run (globalSetup) and real servers on loopback ports.
        test: {
          name: 'integration',
          include: ['test/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
})
