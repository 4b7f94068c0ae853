/**
 * A full disk (ENOSPC), a read-only file system (EROFS) or a refused permission (EACCES) is
 * the user's environment: exit 2 with a message naming the path the user gave (never a
 * temporary), not "internal error ... this is a bug". The tests run as root here, where
 * permissions do not apply and mounts need privileges, so the file system's refusals are
 * injected into node:fs for the path under test only.
 */
import * as fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, hasStackTrace, leftovers, tempDir } from './in-process.js';

/** Paths (by substring) and the errno code every write-like call on them fails with. */
const faults = new Map<string, string>();

function fault(path: unknown): string | undefined {
  const p = String(path);
  for (const [part, code] of faults) if (p.includes(part)) return code;
  return undefined;
}

function errno(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const messages: Record<string, string> = { ENOSPC: 'no space left on device', EROFS: 'read-only file system', EACCES: 'permission denied' };
  return Object.assign(new Error(`${code}: ${messages[code]}, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

const fdPaths = new Map<number, string>();

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const wrapped = {
    ...real,
    openSync: (path: fs.PathLike, flags: fs.OpenMode = 'r', mode?: fs.Mode) => {
      const fd = real.openSync(path, flags, mode);
      fdPaths.set(fd, String(path));
      return fd;
    },
    writeSync: (fd: number, ...rest: unknown[]) => {
      const code = fault(fdPaths.get(fd));
      if (code === 'ENOSPC') throw errno(code, 'write', fdPaths.get(fd)!);
      return (real.writeSync as (...a: unknown[]) => number)(fd, ...rest);
    },
    mkdirSync: (path: fs.PathLike, options?: fs.MakeDirectoryOptions) => {
      const code = fault(path);
      if (code === 'EROFS' || code === 'EACCES') throw errno(code, 'mkdir', String(path));
      return real.mkdirSync(path, options);
    },
  };
  return { ...wrapped, default: wrapped };
});

afterEach(() => faults.clear());

const dir = tempDir('penvae-env-');
const run = join(dir, 'run');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const data = join(dir, 'base.arrow');
  for (const args of [
    ['baseline', '--samples', '60', '--length', '32', '--out', data, '--quiet'],
    ['train', '--data', data, '--out', run, '--epochs', '2', '--latent', '2', '--hidden', '8', '--batch', '16', '--quiet'],
  ]) {
    const r = await cli(args);
    if (r.code !== 0) throw new Error(r.err.join('\n'));
  }
}, 300_000);

describe('file-system refusals are exit 2, naming the path', () => {
  it('ENOSPC while writing a trajectory: exit 2, the final name, no temporary, no doubled prefix', async () => {
    const out = join(dir, 'full.csv');
    faults.set('full.csv', 'ENOSPC');
    const r = await cli(['simulate', '--network', 'oscillator', '--t-end', '100', '--out', out]);
    const err = r.err.join('\n');
    expect(r.code, err).toBe(2);
    expect(err).toBe(`pipeline: cannot write ${out}: no space left on the device (ENOSPC)`);
    expect(err).not.toMatch(/\.tmp-|internal error|ENOSPC: ENOSPC|cannot write .*cannot write/);
    expect(hasStackTrace(err)).toBe(false);
    expect(leftovers(out)).toEqual([]);
  });

  it('ENOSPC while a figure is written: one message naming the figure, exit 2', async () => {
    const data = join(dir, 'base.arrow');
    const svg = join(dir, 'full.svg');
    faults.set('full.svg', 'ENOSPC');
    const r = await cli(['inspect', data, '--plot', svg]);
    const err = r.err.join('\n');
    expect(r.code, err).toBe(2);
    expect(err).toContain(`pipeline: cannot write ${svg}: no space left on the device (ENOSPC)`);
    expect(err).not.toMatch(/could not write|cannot write .*cannot write|\.tmp-|internal error/);
    expect(leftovers(svg)).toEqual([]);
  });

  it.each([
    ['EROFS', 'the file system is read-only'],
    ['EACCES', 'permission denied'],
  ])(
    '%s on the report folder of compare: exit 2 naming the folder, nothing left',
    async (code, reason) => {
      const out = join(dir, `report-${code}`);
      faults.set(`.report-${code}.tmp-`, code);
      const r = await cli(['compare', '--run', run, '--out', out]);
      const err = r.err.join('\n');
      expect(r.code, err).toBe(2);
      expect(err).toMatch(new RegExp(`^pipeline: cannot write ${out}: ${reason} \\(${code}\\)$`, 'm'));
      expect(err).not.toMatch(/\.tmp-|internal error|this is a bug/);
      expect(leftovers(out)).toEqual([]);
    },
    60_000,
  );
});
