/**
 * No test can run stale compiled code: the global setup builds with {@link buildProjects}
 * before any test file runs. Checked here on a throw-away project (edit, build, run the
 * output) and on this repository (nothing left to build).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProjects, staleSources } from './build.js';
import { tempDir } from './in-process.js';

const dir = tempDir('penvae-build-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A composite project like the packages: src/ built to dist/. */
function writeProject(root: string, source: string): string {
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(root, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        composite: true,
        strict: true,
        module: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022'],
        skipLibCheck: true,
        rootDir: 'src',
        outDir: 'dist',
        types: [],
      },
      include: ['src'],
      exclude: ['src/**/*.test.ts'],
    }),
  );
  writeFileSync(join(root, 'src', 'value.ts'), source);
  return join(root, 'tsconfig.json');
}

/** What the built module exports, in a fresh process (no module cache). */
function runBuilt(root: string): string {
  return spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import { value } from ${JSON.stringify(join(root, 'dist', 'value.js'))}; console.log(value);`],
    { encoding: 'utf8' },
  ).stdout.trim();
}

describe('the build the tests run against', () => {
  it('an edited source file is rebuilt before the tests run, however old its new timestamp', () => {
    const root = join(dir, 'edited');
    const tsconfig = writeProject(root, 'export const value: number = 1;\n');
    buildProjects(tsconfig);
    expect(runBuilt(root)).toBe('1');
    writeFileSync(join(root, 'src', 'value.ts'), 'export const value: number = 2;\n');
    buildProjects(tsconfig);
    expect(runBuilt(root)).toBe('2');
    // A copy that keeps timestamps (cp -p, rsync -t, an archive) can give a changed file an
    // older modification time than the last build: tsc -b alone calls the project up to date.
    writeFileSync(join(root, 'src', 'value.ts'), 'export const value: number = 3;\n');
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(root, 'src', 'value.ts'), past, past);
    expect(staleSources(tsconfig)).toEqual([relative(process.cwd(), join(root, 'src', 'value.ts'))]);
    buildProjects(tsconfig);
    expect(runBuilt(root)).toBe('3');
    expect(staleSources(tsconfig)).toEqual([]);
  });

  it('a source file that was never built is stale', () => {
    const root = join(dir, 'added');
    const tsconfig = writeProject(root, 'export const value: number = 1;\n');
    buildProjects(tsconfig);
    writeFileSync(join(root, 'src', 'other.ts'), 'export const other = 1;\n');
    writeFileSync(join(root, 'src', 'other.test.ts'), 'export {};\n');
    expect(staleSources(tsconfig)).toEqual([relative(process.cwd(), join(root, 'src', 'other.ts'))]);
  });

  it("a source file that does not compile stops the run with the compiler's message", () => {
    const root = join(dir, 'broken');
    const tsconfig = writeProject(root, 'export const value: number = "text";\n');
    expect(() => buildProjects(tsconfig)).toThrow(
      /-b .*tsconfig\.json failed \(exit \d\); the tests would run stale dist\/ code:[\s\S]*value\.ts.*Type 'string' is not assignable to type 'number'/,
    );
  });

  it('this repository was built from its current source before the tests started', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const root = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
    const dry = spawnSync(process.execPath, [tsc, '-b', '--dry', root], { encoding: 'utf8' });
    expect(dry.status, dry.stdout + dry.stderr).toBe(0);
    const projects = dry.stdout.split('\n').filter((l) => l.includes('Project') || l.includes('non-dry build'));
    expect(projects.length, dry.stdout).toBeGreaterThanOrEqual(3);
    for (const line of projects) expect(line, dry.stdout).toMatch(/is up to date/);
    for (const project of ['simulator', 'vae', 'pipeline']) expect(staleSources(join(root, '..', 'packages', project, 'tsconfig.json'))).toEqual([]);
    // What the spawned end-to-end tests run.
    expect(readFileSync(join(root, '..', 'packages', 'pipeline', 'bin', 'pipeline.js'), 'utf8')).toContain('../dist/cli/process.js');
  });
});
