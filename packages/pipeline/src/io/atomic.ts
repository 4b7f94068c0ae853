import { closeSync, mkdirSync, openSync, renameSync, unlinkSync, write, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';

/*
 * Outputs are never half-written under their final name: everything is written to a hidden
 * temporary sibling (same directory, so the final rename is atomic on one filesystem) and
 * renamed when complete. Temporaries still open are tracked so that an interrupt (SIGINT,
 * SIGTERM) can delete them; after a SIGKILL a hidden `.<name>.tmp-<pid>-<n>` may remain, never
 * a truncated file under the final name.
 */
const openTemporaries = new Set<string>();
let counter = 0;

/** The hidden temporary sibling used while writing `path`. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${++counter}`);
}

/** Deletes every temporary file still being written (for signal handlers; synchronous). */
export function removeOpenTemporaries(): void {
  for (const path of openTemporaries) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  openTemporaries.clear();
}

function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : String(error);
}

/**
 * A file written in pieces and published atomically: write(), then commit() renames it into
 * place; abort() (or an interrupt) deletes it.
 */
export class AtomicFile {
  readonly path: string;
  readonly temporaryPath: string;
  #fd: number | undefined;

  constructor(path: string) {
    this.path = path;
    this.temporaryPath = temporaryPathFor(path);
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.#fd = openSync(this.temporaryPath, 'w');
    } catch (error) {
      throw new InputError(`cannot write ${path}: ${describeFsError(error)}`, { cause: error });
    }
    openTemporaries.add(this.temporaryPath);
  }

  /** Appends bytes (or UTF-8 text). */
  write(data: Uint8Array | string): void {
    if (this.#fd === undefined) throw new Error(`${this.path}: write after commit/abort`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.byteLength) offset += writeSync(this.#fd, bytes, offset, bytes.byteLength - offset);
  }

  /**
   * Appends bytes without blocking the thread; resolves when the kernel has taken them, so a
   * writer that awaits it goes at the disk's pace instead of queueing bytes in memory.
   * Calls must not overlap (each waits for the one before).
   */
  async writeAsync(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const fd = this.#fd;
      if (fd === undefined) throw new Error(`${this.path}: write after commit/abort`);
      offset += await new Promise<number>((resolve, reject) => {
        write(fd, bytes, offset, bytes.byteLength - offset, null, (error, written) => (error ? reject(error) : resolve(written)));
      });
    }
  }

  /** Closes the temporary and renames it onto the final path. */
  commit(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
    renameSync(this.temporaryPath, this.path);
    openTemporaries.delete(this.temporaryPath);
  }

  /** Closes and deletes the temporary; the final path is untouched. */
  abort(): void {
    if (this.#fd !== undefined) {
      try {
        closeSync(this.#fd);
      } catch {
        // ignore
      }
      this.#fd = undefined;
    }
    try {
      unlinkSync(this.temporaryPath);
    } catch {
      // never created or already removed
    }
    openTemporaries.delete(this.temporaryPath);
  }
}

/** Writes a whole file atomically (temporary sibling, then rename). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const file = new AtomicFile(path);
  try {
    file.write(data);
    file.commit();
  } catch (error) {
    file.abort();
    throw error instanceof InputError ? error : new InputError(`cannot write ${path}: ${describeFsError(error)}`, { cause: error });
  }
}
