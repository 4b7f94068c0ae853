import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError, InterruptedError } from '../errors.js';
import {
  AtomicFile,
  checkOutputPath,
  hideTemporaryPaths,
  removeOpenTemporaries,
  removeStaleTemporaries,
  writeDirectoryAtomic,
  writeFileAtomic,
} from './atomic.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'penvae-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('writes through a hidden temporary and leaves only the final file', () => {
    const path = join(dir, 'sub', 'out.txt');
    writeFileAtomic(path, 'hello');
    expect(readFileSync(path, 'utf8')).toBe('hello');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['out.txt']);
  });

  it('keeps the final name absent (or untouched) until commit, and abort removes the temporary', () => {
    const path = join(dir, 'data.bin');
    writeFileSync(path, 'old');
    const file = new AtomicFile(path);
    file.write('new contents');
    expect(readFileSync(path, 'utf8')).toBe('old');
    file.abort();
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['data.bin']);
  });

  it('an interrupt handler can remove every open temporary', () => {
    const file = new AtomicFile(join(dir, 'big.arrow'));
    file.write(new Uint8Array(100));
    expect(existsSync(file.temporaryPath)).toBe(true);
    removeOpenTemporaries();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails with an InputError naming the path when the parent is a file, leaving nothing behind', () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'x');
    expect(() => writeFileAtomic(join(blocker, 'child.svg'), 'data')).toThrow(InputError);
    expect(() => writeFileAtomic(join(blocker, 'child.svg'), 'data')).toThrow(/cannot write .*blocker\/child\.svg/);
    expect(readdirSync(dir)).toEqual(['blocker']);
  });
});

describe('temporaries of dead processes', () => {
  it("are removed before the next write of the same output; live processes' and other outputs' are kept", () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const names = [`.out.arrow.tmp-${dead}-3`, `.out.arrow.tmp-${process.ppid}-1`, `.other.arrow.tmp-${dead}-1`];
    for (const n of names) writeFileSync(join(dir, n), 'x');
    mkdirSync(join(dir, `.out.arrow.tmp-${dead}-4`));
    expect(removeStaleTemporaries(join(dir, 'out.arrow')).length).toBe(2);
    expect(readdirSync(dir).sort()).toEqual([`.other.arrow.tmp-${dead}-1`, `.out.arrow.tmp-${process.ppid}-1`]);
  });

  it('temporary names never reach a message', () => {
    expect(hideTemporaryPaths("EROFS: open '/d/.x.arrow.tmp-812-1'")).toBe("EROFS: open '/d/x.arrow'");
    expect(hideTemporaryPaths('rename .run.json.tmp-1-22 -> run.json')).toBe('rename run.json -> run.json');
    expect(hideTemporaryPaths('/r/.report.tmp-aB3dE9/figures/x.svg')).toBe('/r/report/figures/x.svg');
    expect(hideTemporaryPaths('a.tmp-file stays')).toBe('a.tmp-file stays');
  });
});

describe('folders written atomically', () => {
  it('appear complete, with the mode the umask gives, and replace only a folder of their own kind', async () => {
    const out = join(dir, 'report');
    await writeDirectoryAtomic(out, 'metrics.json', async (tmp) => {
      writeFileSync(join(tmp, 'metrics.json'), '{}');
      expect(existsSync(out)).toBe(false);
    });
    expect(statSync(out).mode & 0o777).toBe(0o777 & ~process.umask());
    await writeDirectoryAtomic(out, 'metrics.json', async (tmp) => writeFileSync(join(tmp, 'metrics.json'), '{"v":2}'));
    expect(readFileSync(join(out, 'metrics.json'), 'utf8')).toBe('{"v":2}');
    expect(readdirSync(dir)).toEqual(['report']);
    mkdirSync(join(dir, 'mine'));
    await expect(writeDirectoryAtomic(join(dir, 'mine'), 'metrics.json', async () => undefined)).rejects.toThrow(/not a folder this command wrote/);
  });

  it('an aborted signal or a failure leaves nothing under the name, and an interrupt handler removes a folder still being filled', async () => {
    const out = join(dir, 'report');
    const controller = new AbortController();
    await expect(
      writeDirectoryAtomic(
        out,
        'm',
        async (tmp) => {
          writeFileSync(join(tmp, 'm'), '');
          controller.abort();
        },
        controller.signal,
      ),
    ).rejects.toThrow(InterruptedError);
    await expect(
      writeDirectoryAtomic(out, 'm', async () => {
        throw new Error('render failed');
      }),
    ).rejects.toThrow('render failed');
    let filling: Promise<void> | undefined;
    await new Promise<void>((resolve) => {
      filling = writeDirectoryAtomic(out, 'm', async (tmp) => {
        writeFileSync(join(tmp, 'm'), '');
        removeOpenTemporaries(); // what the CLI does on a second Ctrl-C
        resolve();
      });
    });
    await filling!.catch(() => undefined);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('checkOutputPath', () => {
  it('refuses a missing folder outside the working directory (creating nothing) and a folder where a file goes', () => {
    expect(() => checkOutputPath(join(dir, 'missing', 'x.arrow'), '--out')).toThrow(
      /the folder .*missing does not exist; pipeline creates missing folders only inside the working directory/,
    );
    expect(existsSync(join(dir, 'missing'))).toBe(false);
    mkdirSync(join(dir, 'sub'));
    expect(() => checkOutputPath(join(dir, 'sub'), '--out')).toThrow(/is a folder; expected a file name/);
    expect(() => checkOutputPath(join(dir, 'sub', 'x.arrow'), '--out')).not.toThrow();
    writeFileSync(join(dir, 'file'), '');
    expect(() => checkOutputPath(join(dir, 'file', 'x.arrow'), '--out')).toThrow(/is a file, not a folder/);
    expect(() => checkOutputPath(join(dir, 'file'), '--out', 'folder')).toThrow(/is a file; expected a folder name/);
    expect(() => checkOutputPath('runs/some/new/place', '--out', 'folder')).not.toThrow(); // inside the working directory
    expect(() => checkOutputPath('', '--out')).toThrow(/expected a path/);
  });
});
