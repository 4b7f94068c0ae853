/**
 * The build the tests run against. End-to-end tests spawn the bin (bin -> dist/) and sweep
 * worker threads load dist/ even when their caller runs from TypeScript source, so a stale
 * dist/ would test old code: vitest's global setup (test/global-setup.ts) brings it up to date
 * before any test file runs, and again before each re-run in watch mode.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function tsc(args: string[]): void {
  const r = spawnSync(process.execPath, [TSC, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc ${args.join(' ')} failed (exit ${r.status}); the tests would run stale dist/ code:\n${r.stdout}${r.stderr}`);
}

/** The projects `tsconfig` builds: its references, or itself when it has none. */
function projectsOf(tsconfig: string): string[] {
  const config = JSON.parse(readFileSync(tsconfig, 'utf8')) as { references?: { path: string }[] };
  if (!config.references?.length) return [tsconfig];
  return config.references.map((r) => {
    const path = resolve(dirname(tsconfig), r.path);
    return path.endsWith('.json') ? path : join(path, 'tsconfig.json');
  });
}

/** The files a project compiles, by its own include and exclude (declaration files left out). */
function sourceFiles(tsconfig: string): string[] {
  const read = ts.readConfigFile(tsconfig, (path) => ts.sys.readFile(path));
  if (read.error) throw new Error(`${tsconfig}: ${ts.flattenDiagnosticMessageText(read.error.messageText, '\n')}`);
  return ts
    .parseJsonConfigFileContent(read.config, ts.sys, dirname(tsconfig))
    .fileNames.filter((f) => !f.endsWith('.d.ts'))
    .map((f) => resolve(f));
}

/**
 * The source files of a project (as its tsconfig includes them) whose text is not the text its last
 * build compiled: the SHA-256 that tsc records for every file in `tsconfig.tsbuildinfo` differs,
 * or the file is missing from it. Unlike tsc's own check (modification times), this catches a
 * changed file whose timestamp is older than the build (`cp -p`, `rsync -t`, an archive).
 * @throws when the build info is not in the format of TypeScript 5.x (update this function)
 */
export function staleSources(tsconfig: string): string[] {
  const root = dirname(tsconfig);
  const infoPath = join(root, 'tsconfig.tsbuildinfo');
  const sources = sourceFiles(tsconfig);
  if (!existsSync(infoPath)) return sources;
  const info = JSON.parse(readFileSync(infoPath, 'utf8')) as { fileNames?: string[]; fileInfos?: (string | { version: string })[] };
  if (!Array.isArray(info.fileNames) || !Array.isArray(info.fileInfos) || info.fileNames.length !== info.fileInfos.length) {
    throw new Error(`${infoPath}: not the build info format this check reads (fileNames and fileInfos of TypeScript 5.x); update test/build.ts`);
  }
  const built = new Map<string, string>();
  info.fileNames.forEach((name, i) => {
    const entry = info.fileInfos![i]!;
    built.set(resolve(root, name), typeof entry === 'string' ? entry : entry.version);
  });
  return sources
    .filter((file) => built.get(file) !== createHash('sha256').update(readFileSync(file, 'utf8')).digest('hex'))
    .map((f) => relative(process.cwd(), f));
}

/**
 * Builds `tsconfig` and its project references with `tsc -b` (incremental: about half a second
 * when nothing changed), then checks every source file's text against what was compiled; when
 * a change slipped past tsc's timestamp check, rebuilds everything (`--force`).
 * @throws with tsc's output when the build fails, or naming the files still stale after a full rebuild
 */
export function buildProjects(tsconfig: string): void {
  tsc(['-b', tsconfig]);
  const stale = () => projectsOf(tsconfig).flatMap((p) => staleSources(p));
  if (stale().length === 0) return;
  tsc(['-b', '--force', tsconfig]);
  const left = stale();
  if (left.length) throw new Error(`after tsc -b --force ${tsconfig}, the build still does not match these sources: ${left.join(', ')}`);
}
