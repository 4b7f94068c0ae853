import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { main, type Output } from '@penvae/pipeline';
import { afterAll } from 'vitest';

/** What one in-process run of the CLI printed and returned. */
export interface InProcessRun {
  code: number;
  /** stdout lines. */
  out: string[];
  /** stderr lines (progress, warnings, errors). */
  err: string[];
  /** Milliseconds from the start of the run. */
  ms: number;
}

/** Options of {@link cli}. */
export interface CliOptions {
  signal?: AbortSignal;
  /** Called with every stderr line as it is printed (e.g. to abort when progress shows). */
  onErr?: (line: string) => void;
  /** Pretend stderr is a terminal (progress bars redraw through `status`). */
  tty?: boolean;
  /**
   * The working directory during the run, as a spawned CLI's `cwd` (relative paths, and the
   * rule that missing folders are created only inside it). Test files run in forked processes
   * (vitest.config.ts), where `process.chdir` is allowed.
   */
  cwd?: string;
}

/**
 * Runs `pipeline ...args` in this process through `main` (as the bin does, without its signal
 * handlers) and captures what it prints: the fast way to drive every command from tests.
 */
export async function cli(args: string[], options: CliOptions = {}): Promise<InProcessRun> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = {
    out: (l) => void out.push(l),
    err: (l) => {
      err.push(l);
      options.onErr?.(l);
    },
    warn: (l) => {
      err.push(`warning: ${l}`);
      options.onErr?.(`warning: ${l}`);
    },
    isTTY: options.tty ?? false,
    ...(options.tty ? { status: (l: string) => void err.push(`\r${l}`) } : {}),
  };
  const previous = process.cwd();
  if (options.cwd) process.chdir(options.cwd);
  const began = performance.now();
  try {
    const code = await main(args, output, options.signal ? { signal: options.signal } : {});
    return { code, out, err, ms: performance.now() - began };
  } finally {
    process.chdir(previous);
  }
}

/** What a spawned `pipeline` would have shown: the exit code, stdout and stderr as text. */
export interface CliText {
  code: number;
  stdout: string;
  stderr: string;
}

/** {@link cli} with stdout and stderr joined into text, one `\n` after each line as a process prints them. */
export async function cliText(args: string[], options: CliOptions = {}): Promise<CliText> {
  const r = await cli(args, options);
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  return { code: r.code, stdout: text(r.out), stderr: text(r.err) };
}

/** A fresh temporary folder. */
export function tempDir(prefix = 'penvae-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A temporary folder for the calling test file (call it at the top level or in a describe
 * block), removed after its tests; `fresh()` gives a new empty folder inside it.
 */
export function scratchFolder(prefix = 'penvae-cli-'): { root: string; fresh: () => string } {
  const root = tempDir(prefix);
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return { root, fresh: () => mkdtempSync(join(root, 'case-')) };
}

/** Whether text looks like a JavaScript stack trace (the CLI never prints one for bad input). */
export function hasStackTrace(text: string): boolean {
  return /\n\s+at .+[(:]\d+/.test(text) || /^\s+at /m.test(text);
}

/** Entries beside `path` that belong to it: itself and its hidden temporaries. */
export function leftovers(path: string): string[] {
  const dir = dirname(path);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const name = basename(path);
  return readdirSync(dir).filter((f) => f === name || f.startsWith(`.${name}.tmp-`));
}
