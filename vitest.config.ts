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
          // Deadlines against hangs, not speed targets: on a machine busy with other work a
          // test that drains a server or runs a burst took over 30 s (measured at load 15 on 2 cores).
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
    ],
  },
})
