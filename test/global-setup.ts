/**
 * vitest global setup: the packages' dist/ is built from the current source before any test
 * runs (see test/build.ts), so no test can run stale compiled code.
 */
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildProjects } from './build.js';

const ROOT_TSCONFIG = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

export default function setup(project: TestProject): void {
  buildProjects(ROOT_TSCONFIG);
  project.onTestsRerun(() => buildProjects(ROOT_TSCONFIG));
}
