import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import { AtomicFile, removeOpenTemporaries, writeFileAtomic } from './atomic.js';

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
