/**
 * The spawned CLI, for the few end-to-end tests whose point is the process itself (exit codes
 * and stderr of the real bin, signals, Slurm jobs running it); every other test drives the
 * commands in process (in-process.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The committed bin shim, run exactly as `npx pipeline` runs it (needs dist/: the global setup builds it, test/build.ts). */
const PIPELINE_BIN = fileURLToPath(new URL('../packages/pipeline/bin/pipeline.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Result of one CLI run. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pipeline ...args` synchronously in `cwd` and captures everything. */
export function runCli(args: string[], options: { cwd?: string; timeoutMs?: number; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [PIPELINE_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 300_000,
    env: { ...process.env, ...options.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `pipeline ...args` asynchronously (for tests that interrupt it). */
export function startCli(args: string[], cwd: string) {
  return spawn(process.execPath, [PIPELINE_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}
