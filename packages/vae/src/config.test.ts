import { describe, expect, it } from 'vitest';
import { resolveVaeConfig, VAE_CONFIG_DEFAULTS, type VaeConfig } from './config.js';
import { VaeConfigError } from './errors.js';

describe('resolveVaeConfig', () => {
  it('fills every default', () => {
    const c = resolveVaeConfig({ seriesLength: 128 });
    expect(c).toEqual({
      seriesLength: 128,
      ...VAE_CONFIG_DEFAULTS,
      hiddenUnits: [...VAE_CONFIG_DEFAULTS.hiddenUnits],
      conv: { filters: [16, 32], kernelSize: 5, strides: 2 },
    });
    expect(c.latentDim).toBe(10);
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
  });

  it('keeps given values', () => {
    const c = resolveVaeConfig({
      seriesLength: 64,
      latentDim: 3,
      encoder: 'conv',
      hiddenUnits: [32],
      decoderSigma: 0.1,
      beta: 4,
      klWarmupEpochs: 0,
      freeBits: 0.25,
      seed: 9,
      conv: { filters: [8] },
    });
    expect(c).toMatchObject({
      latentDim: 3,
      encoder: 'conv',
      hiddenUnits: [32],
      decoderSigma: 0.1,
      beta: 4,
      klWarmupEpochs: 0,
      freeBits: 0.25,
      seed: 9,
      conv: { filters: [8], kernelSize: 5, strides: 2 },
    });
  });

  it.each([
    { partial: { seriesLength: 0 }, field: 'config.seriesLength', found: 'got 0' },
    { partial: { seriesLength: 12.5 }, field: 'config.seriesLength', found: 'got 12.5' },
    { partial: { seriesLength: 8, latentDim: 0 }, field: 'config.latentDim', found: 'got 0' },
    { partial: { seriesLength: 8, encoder: 'lstm' }, field: 'config.encoder', found: `got "lstm"` },
    { partial: { seriesLength: 8, hiddenUnits: [16, -1] }, field: 'config.hiddenUnits[1]', found: 'got -1' },
    { partial: { seriesLength: 8, hiddenUnits: 16 }, field: 'config.hiddenUnits', found: 'got 16' },
    { partial: { seriesLength: 8, decoderSigma: 0 }, field: 'config.decoderSigma', found: 'got 0' },
    { partial: { seriesLength: 8, decoderSigma: 'fixed' }, field: 'config.decoderSigma', found: `got "fixed"` },
    { partial: { seriesLength: 8, beta: Number.NaN }, field: 'config.beta', found: 'got NaN' },
    { partial: { seriesLength: 8, klWarmupEpochs: -1 }, field: 'config.klWarmupEpochs', found: 'got -1' },
    { partial: { seriesLength: 8, freeBits: -0.1 }, field: 'config.freeBits', found: 'got -0.1' },
    { partial: { seriesLength: 8, seed: 2 ** 32 }, field: 'config.seed', found: 'got 4294967296' },
    { partial: { seriesLength: 8, conv: { filters: [] } }, field: 'config.conv.filters', found: 'got []' },
    { partial: { seriesLength: 8, conv: { kernel: 3 } }, field: 'config.conv.kernel', found: 'unknown option' },
    { partial: { seriesLength: 8, latentDims: 3 }, field: 'config.latentDims', found: 'unknown option' },
  ])('rejects $field ($found)', ({ partial, field, found }) => {
    let err: unknown;
    try {
      resolveVaeConfig(partial as unknown as VaeConfig);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VaeConfigError);
    expect((err as VaeConfigError).field).toBe(field);
    expect((err as Error).message).toContain(found);
    expect((err as Error).message.startsWith(field)).toBe(true);
  });
});
