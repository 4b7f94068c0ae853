import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModelFiles, hashModelFiles } from './model-hash.js';

describe('model file hashes', () => {
  it('hash every file by relative path and notice a change, a missing file and an added one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'penvae-hash-'));
    mkdirSync(join(dir, 'encoder'));
    writeFileSync(join(dir, 'encoder', 'weights.bin'), 'abc');
    writeFileSync(join(dir, 'vae.json'), '{}');
    const hashes = hashModelFiles(dir);
    // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
    expect(hashes).toEqual({ 'encoder/weights.bin': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 'vae.json': expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(() => checkModelFiles('run', dir, hashes)).not.toThrow();
    writeFileSync(join(dir, 'encoder', 'weights.bin'), 'abd');
    writeFileSync(join(dir, 'extra.bin'), '');
    rmSync(join(dir, 'vae.json'));
    expect(() => checkModelFiles('run', dir, hashes)).toThrow('--run run: model/ is not the model this run trained (changed: encoder/weights.bin; missing: vae.json; not from training: extra.bin;');
  });
});
