import { defineConfig } from 'vitest/config';
import { defaultServerConditions } from 'vite';

// Tests run from TypeScript source: the workspace packages export a `source` condition that
// points at src/index.ts, so a test never sees a stale dist/. End-to-end tests under test/
// run the built CLI (bin shim -> dist), which `npm test` builds first.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
