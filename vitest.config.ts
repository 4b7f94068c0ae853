import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defaultServerConditions } from 'vite';

/**
 * The command suites under test/ first, then the unit tests: the suites are the long files
 * (sweeps, training, the fuzz, Slurm jobs), and one of them started last would run alone on
 * a core at the end. Within each group vitest's own order (the longest by the last run's
 * timings, or the largest file in a fresh clone).
 */
class CommandSuitesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isSuite = (f: TestSpecification) => /[\\/]test[\\/][^\\/]+\.test\.ts$/.test(f.moduleId);
    return [...sorted.filter(isSuite), ...sorted.filter((f) => !isSuite(f))];
  }
}

// Tests run from TypeScript source: the workspace packages export a `source` condition that
// points at src/index.ts. End-to-end tests under test/ run the built CLI (bin shim -> dist) and
// sweep worker threads load dist/: the global setup builds it first (test/build.ts), so no test
// sees a stale dist/.
export default defineConfig({
  resolve: { conditions: ['source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Processes, not threads: tests change the working directory (test/in-process.ts) and
    // start worker threads of their own.
    pool: 'forks',
    // vitest's default is one file at a time on 2 cores (cores - 1); the long files wait on
    // worker threads, child processes and Slurm, so two files at once use both cores.
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: CommandSuitesFirst },
  },
});
