import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed bin shim, run exactly as `npx pipeline` runs it (needs the build: `npm test` builds first). */
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

/** A fresh temporary working directory. */
export function tempDir(prefix = 'penvae-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Whether text looks like a JavaScript stack trace (the CLI must never print one for bad input). */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+[(:]\d+/.test(text) || /^\s+at /m.test(text);
}
