import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, write, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { FileSystemError, InputError, InterruptedError } from '../errors.js';

/*
 * Outputs are never half-written under their final name: everything is written to a hidden
 * temporary sibling (same directory, so the final rename is atomic on one filesystem) and
 * renamed when complete. Temporaries still open are tracked so that an interrupt (SIGINT,
 * SIGTERM) can delete them; after a SIGKILL a hidden `.<name>.tmp-<pid>-<n>` may remain, never
 * a truncated file under the final name, and the next write to the same output deletes it once
 * process <pid> is gone.
 */
const openTemporaries = new Set<string>();
let counter = 0;

/** The hidden temporary sibling used while writing `path`. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${++counter}`);
}

/** `.<name>.tmp-<pid>-<n>` (ours) or `.<name>.tmp-XXXXXX` (mkdtemp): the final name, else undefined. */
const TEMPORARY_NAME = /^\.(.+)\.tmp-(?:(\d+)-\d+|[A-Za-z0-9]{6})$/;

/**
 * Rewrites temporary paths in a message to the final names they stand for: a user named
 * `x.arrow`, not `.x.arrow.tmp-812-1`.
 */
export function hideTemporaryPaths(text: string): string {
  return text.replace(/(^|[\s'"(/\\])\.([^\s'"/\\]+?)\.tmp-(?:\d+-\d+|[A-Za-z0-9]{6})(?=$|[\s'",):/\\])/g, '$1$2');
}

/** Registers an intermediate file or folder for deletion on interrupt (see {@link removeTemporary}). */
export function registerTemporary(path: string): void {
  openTemporaries.add(path);
}

/** Deletes a registered intermediate file or folder. */
export function removeTemporary(path: string): void {
  rmSync(path, { recursive: true, force: true });
  openTemporaries.delete(path);
}

/** Deletes every temporary file or folder still being written (for signal handlers; synchronous). */
export function removeOpenTemporaries(): void {
  for (const path of openTemporaries) rmSync(path, { recursive: true, force: true });
  openTemporaries.clear();
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temporaries a killed process left beside `path` (`.<name>.tmp-<pid>-<n>` whose
 * process no longer runs). Called before each new write of `path`; best effort.
 */
export function removeStaleTemporaries(path: string): string[] {
  const dir = dirname(path);
  const name = basename(path);
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const m = TEMPORARY_NAME.exec(entry);
    if (!m || m[1] !== name || m[2] === undefined) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || processIsAlive(pid)) continue;
    try {
      rmSync(join(dir, entry), { recursive: true, force: true });
      removed.push(join(dir, entry));
    } catch {
      // another process got there first, or no permission: leave it
    }
  }
  return removed;
}

const FS_REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  ENOENT: 'no such file or folder',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EBUSY: 'the file is busy',
  EIO: 'input/output error',
  EEXIST: 'it already exists',
  EXDEV: 'temporary and final name are on different file systems',
};

/** The errno code of a Node file-system error (or of its `cause`), if any. */
export function errnoCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  }
  return undefined;
}

/**
 * A {@link FileSystemError} for a failed operation on `path` (the name the user gave, never a
 * temporary): `cannot write runs/x.arrow: no space left on the device (ENOSPC)`. Errors that
 * carry no errno code (and ours) are returned unchanged.
 */
function fileSystemError(path: string, error: unknown, verb = 'cannot write'): unknown {
  const code = errnoCode(error);
  if (code === undefined || error instanceof InputError || error instanceof InterruptedError) return error;
  const reason = FS_REASONS[code] ?? hideTemporaryPaths(error instanceof Error ? error.message : String(error)).replace(/^E[A-Z]+: /, '');
  return new FileSystemError(path, code, `${verb} ${path}: ${reason} (${code})`, { cause: error });
}

/**
 * Checks, before any work starts, that `path` can be created as an output named by `flag`.
 * A missing folder is created when the output is written only if it lies inside the working
 * directory (`runs/osc`, `datasets/sub/x.arrow`); a folder elsewhere must exist, so that a
 * typo in an absolute path does not create folders across the file system. `path` itself must
 * not be a folder when a file is expected (or a file when a folder is). Nothing is created here.
 * @throws InputError naming the flag and the path
 */
export function checkOutputPath(path: string, flag: string, kind: 'file' | 'folder' = 'file'): void {
  if (path.trim() === '') throw new InputError(`${flag}: expected a path, found an empty string`);
  const target = resolve(path);
  // The nearest existing ancestor must be a folder; missing ones must lie inside the working directory.
  let existing = dirname(target);
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (!statSync(existing).isDirectory()) throw new InputError(`${flag} ${path}: ${existing} is a file, not a folder`);
  if (existing !== dirname(target)) {
    const inside = relative(process.cwd(), dirname(target));
    if (inside.startsWith('..') || isAbsolute(inside)) {
      throw new InputError(
        `${flag} ${path}: the folder ${dirname(path)} does not exist; pipeline creates missing folders only inside the working directory (create it first: mkdir -p ${dirname(path)})`,
      );
    }
  }
  if (!existsSync(target)) return;
  const isDir = statSync(target).isDirectory();
  if (kind === 'file' && isDir) throw new InputError(`${flag} ${path}: is a folder; expected a file name`);
  if (kind === 'folder' && !isDir) throw new InputError(`${flag} ${path}: is a file; expected a folder name`);
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
      removeStaleTemporaries(path);
      this.#fd = openSync(this.temporaryPath, 'w');
    } catch (error) {
      throw fileSystemError(path, error);
    }
    openTemporaries.add(this.temporaryPath);
  }

  /** Appends bytes (or UTF-8 text). */
  write(data: Uint8Array | string): void {
    if (this.#fd === undefined) throw new Error(`${this.path}: write after commit/abort`);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    try {
      while (offset < bytes.byteLength) offset += writeSync(this.#fd, bytes, offset, bytes.byteLength - offset);
    } catch (error) {
      throw fileSystemError(this.path, error);
    }
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
      try {
        offset += await new Promise<number>((resolve, reject) => {
          write(fd, bytes, offset, bytes.byteLength - offset, null, (error, written) => (error ? reject(error) : resolve(written)));
        });
      } catch (error) {
        throw fileSystemError(this.path, error);
      }
    }
  }

  /** Closes the temporary and renames it onto the final path. */
  commit(): void {
    if (this.#fd === undefined) return;
    try {
      closeSync(this.#fd);
      this.#fd = undefined;
      renameSync(this.temporaryPath, this.path);
    } catch (error) {
      throw fileSystemError(this.path, error);
    }
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
    throw fileSystemError(path, error);
  }
}

/**
 * Writes folder `dir` atomically: `fill` writes into a hidden temporary sibling (created with
 * the process umask, like any folder), which then replaces `dir`. An existing `dir` is replaced
 * only if it holds `marker` (it is one of ours), by renaming it aside first, so the final name
 * holds the old or the new complete content, never a mix. The temporary is registered for
 * interrupt cleanup, and `signal` is checked before the folder is published: an interrupted
 * command leaves no folder under `dir`.
 * @throws InputError if `dir` exists and is not ours; FileSystemError when the disk refuses
 */
export async function writeDirectoryAtomic(dir: string, marker: string, fill: (tmp: string) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const target = resolve(dir);
  if (existsSync(target) && !existsSync(join(target, marker))) {
    throw new InputError(`${dir}: exists and is not a folder this command wrote (no ${marker} in it); refusing to replace it`);
  }
  const tmp = temporaryPathFor(target);
  try {
    mkdirSync(dirname(target), { recursive: true });
    removeStaleTemporaries(target);
    mkdirSync(tmp);
  } catch (error) {
    throw fileSystemError(dir, error);
  }
  openTemporaries.add(tmp);
  try {
    await fill(tmp);
    // A turn of the event loop lets a pending Ctrl-C be handled: filling may have run on
    // microtasks only (rendering awaits no I/O), which never let the signal through.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal?.aborted) throw new InterruptedError('interrupted');
    const aside = existsSync(target) ? temporaryPathFor(target) : undefined;
    try {
      if (aside) renameSync(target, aside);
      renameSync(tmp, target);
    } catch (error) {
      throw fileSystemError(dir, error);
    }
    openTemporaries.delete(tmp);
    if (aside) rmSync(aside, { recursive: true, force: true });
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    openTemporaries.delete(tmp);
    throw fileSystemError(dir, error);
  }
}
