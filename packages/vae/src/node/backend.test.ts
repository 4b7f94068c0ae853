import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../errors.js';
import { initBackend, type BackendChoice } from './backend.js';

const hasTfjsNode = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('initBackend', () => {
  it.each(['cpu', 'wasm'] as const)('selects %s when asked', async (name) => {
    const info = await initBackend(name);
    expect(info.backend).toBe(name);
    expect(tf.getBackend()).toBe(name);
    expect(info.fellBackFrom).toEqual([]);
    expect(info.tfjsVersion).toBe(tf.version.tfjs);
    if (name === 'wasm') expect(typeof info.wasmSimd).toBe('boolean');
    expect(tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync()[0])).toBe(3);
  });

  it.skipIf(hasTfjsNode)('auto falls back from tensorflow to wasm and says why', async () => {
    const info = await initBackend('auto');
    expect(info.backend).toBe('wasm');
    expect(info.fellBackFrom).toEqual(['tensorflow']);
    expect(info.reasons[0]).toMatch(/@tensorflow\/tfjs-node is not installed/);
  });

  it.skipIf(hasTfjsNode)('an explicit tensorflow request fails with a BackendError saying why', async () => {
    const err = await initBackend('tensorflow').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).backend).toBe('tensorflow');
    expect((err as Error).message).toMatch(/backend 'tensorflow': @tensorflow\/tfjs-node is not installed/);
  });

  it.skipIf(!hasTfjsNode)('auto prefers tensorflow when tfjs-node is installed', async () => {
    expect((await initBackend('auto')).backend).toBe('tensorflow');
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend('webgpu' as BackendChoice)).rejects.toThrow(/backend 'webgpu': unknown backend/);
  });
});
