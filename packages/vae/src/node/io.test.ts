import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decode, encode, reconstruct } from '../api.js';
import { ModelFormatError } from '../errors.js';
import { decoderSigmaValue, disposeVae, readWeights, type VaeModel } from '../model.js';
import { splitSynthetic, useBackend } from '../test-support/backend.js';
import { trainVae, type TrainVaeResult } from '../train.js';
import { loadCheckpoint, loadVae, packageVersion, saveCheckpoint, saveVae, VAE_FORMAT_VERSION, writeDirAtomic } from './io.js';

const L = 20;
const { train, validation } = splitSynthetic([64, 16, 0], L, 8);
let dir: string;
let trained: TrainVaeResult;

beforeAll(async () => {
  await useBackend('wasm');
  dir = await mkdtemp(join(tmpdir(), 'vae-io-'));
  trained = await trainVae(
    { train, validation },
    { config: { seriesLength: L, latentDim: 3, hiddenUnits: [16, 8], klWarmupEpochs: 0 }, epochs: 3, batchSize: 16 },
  );
});
afterAll(async () => {
  disposeVae(trained.model);
  await rm(dir, { recursive: true, force: true });
});

async function saved(name: string, model: VaeModel = trained.model): Promise<string> {
  const d = join(dir, name);
  await saveVae(model, d, { backend: trained.backend, training: trained, extra: { dataset: 'synthetic' } });
  return d;
}

describe('saveVae / loadVae', () => {
  it('writes the documented layout and vae.json fields, and no temporary directory', async () => {
    const d = await saved('layout');
    expect((await readdir(d)).sort()).toEqual(['decoder', 'encoder', 'vae.json']);
    expect((await readdir(join(d, 'encoder'))).sort()).toEqual(['model.json', 'weights.bin']);
    expect((await readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]);
    const info = JSON.parse(await readFile(join(d, 'vae.json'), 'utf8'));
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(await packageVersion()).toBe(pkg.version);
    expect(info).toMatchObject({
      format: 'penvae-vae',
      formatVersion: VAE_FORMAT_VERSION,
      packageVersion: pkg.version,
      tfjsVersion: tf.version.tfjs,
      backend: 'wasm',
      config: trained.model.config,
    });
    expect(info.decoderSigma.mode).toBe('learned');
    expect(info.training.history.length).toBe(3);
    expect(info.training.model).toBeUndefined();
    expect(info.extra).toEqual({ dataset: 'synthetic' });
    const modelJson = JSON.parse(await readFile(join(d, 'encoder', 'model.json'), 'utf8'));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
  });

  it('loads a model whose outputs and weights are bit-identical to the saved one', async () => {
    const d = await saved('roundtrip');
    const { model, info } = await loadVae(d);
    try {
      expect(info.backend).toBe('wasm');
      expect(model.config).toEqual(trained.model.config);
      expect(readWeights(model)).toEqual(readWeights(trained.model));
      expect(decoderSigmaValue(model)).toBe(decoderSigmaValue(trained.model));
      const a = encode(trained.model, validation.x, validation.n);
      const b = encode(model, validation.x, validation.n);
      expect(b.mu).toEqual(a.mu);
      expect(b.logVar).toEqual(a.logVar);
      expect(decode(model, a.mu, validation.n)).toEqual(decode(trained.model, a.mu, validation.n));
      expect(reconstruct(model, validation.x, validation.n)).toEqual(reconstruct(trained.model, validation.x, validation.n));
    } finally {
      disposeVae(model);
    }
  });

  it('writes files that stock tf.loadLayersModel reads over http (as a browser would)', async () => {
    const d = await saved('http');
    const fetchFunc = async (url: string | URL | Request): Promise<Response> => {
      const path = join(d, new URL(typeof url === 'string' || url instanceof URL ? url : url.url).pathname);
      const body = await readFile(path);
      const type = path.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      return new Response(body, { status: 200, headers: { 'content-type': type } });
    };
    const enc = await tf.loadLayersModel(tf.io.http('http://models.test/encoder/model.json', { fetchFunc }));
    try {
      const x = tf.tensor2d(validation.x, [validation.n, L]);
      const [mu] = enc.predict(x) as tf.Tensor[];
      expect(mu!.dataSync()).toEqual(encode(trained.model, validation.x, validation.n).mu);
      tf.dispose([x, mu!]);
    } finally {
      enc.dispose();
    }
  });

  it('replaces an existing model directory but refuses to replace anything else', async () => {
    const d = await saved('replace');
    await saved('replace');
    expect((await readdir(d)).sort()).toEqual(['decoder', 'encoder', 'vae.json']);
    const other = join(dir, 'not-a-model');
    await mkdir(other);
    await writeFile(join(other, 'notes.txt'), 'keep me');
    await expect(saveVae(trained.model, other)).rejects.toThrow(/not-a-model: exists and is not a directory written by this package \(no vae.json\)/);
    expect(await readFile(join(other, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('never leaves a half-written directory under the final name', async () => {
    const target = join(dir, 'atomic');
    await expect(
      writeDirAtomic(target, 'vae.json', async (tmp) => {
        await writeFile(join(tmp, 'vae.json'), '{}');
        throw new Error('disk full');
      }),
    ).rejects.toThrow('disk full');
    expect((await readdir(dir)).filter((f) => f.includes('atomic'))).toEqual([]);
  });

  it('leaks no tensor across save and load', async () => {
    const d = await saved('leak');
    const before = tf.memory().numTensors;
    await saveVae(trained.model, d);
    const { model } = await loadVae(d);
    disposeVae(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  const edit = async (name: string, change: (d: string) => Promise<void>): Promise<string> => {
    const d = await saved(name);
    await change(d);
    return d;
  };
  const editJson =
    (file: string, f: (j: Record<string, unknown>) => void) =>
    async (d: string): Promise<void> => {
      const j = JSON.parse(await readFile(join(d, file), 'utf8'));
      f(j);
      await writeFile(join(d, file), JSON.stringify(j));
    };
  it.each([
    {
      name: 'another format version',
      change: editJson('vae.json', (j) => {
        j['formatVersion'] = 1;
      }),
      file: 'vae.json',
      msg: /formatVersion is 1 \(written by @penvae\/vae "[\d.]+"\); this version reads formatVersion 2/,
    },
    {
      name: 'not a VAE directory',
      change: editJson('vae.json', (j) => {
        j['format'] = 'something';
      }),
      file: 'vae.json',
      msg: /format is "something"; expected "penvae-vae"/,
    },
    {
      name: 'a missing weights file',
      change: (d: string) => rm(join(d, 'decoder', 'weights.bin')),
      file: join('decoder', 'weights.bin'),
      msg: /cannot be read \(ENOENT\)/,
    },
    {
      name: 'a truncated weights file',
      change: (d: string) => truncate(join(d, 'encoder', 'weights.bin'), 100),
      file: join('encoder', 'weights.bin'),
      msg: /holds 100 bytes but model.json's weightsManifest describes \d+/,
    },
    { name: 'a missing vae.json', change: (d: string) => rm(join(d, 'vae.json')), file: 'vae.json', msg: /cannot be read \(ENOENT\)/ },
    { name: 'malformed JSON', change: (d: string) => writeFile(join(d, 'vae.json'), '{"format":'), file: 'vae.json', msg: /is not valid JSON/ },
    {
      name: 'a latent size that does not match the networks',
      change: editJson('vae.json', (j) => {
        (j['config'] as { latentDim: number }).latentDim = 5;
      }),
      file: join('encoder', 'model.json'),
      msg: /encoder output 'z_mean' has shape \[null, 3\] but vae.json's config.latentDim = 5 requires \[null, 5\]/,
    },
    {
      name: 'a series length that does not match',
      change: editJson('vae.json', (j) => {
        (j['config'] as { seriesLength: number }).seriesLength = 21;
      }),
      file: join('encoder', 'model.json'),
      msg: /the encoder input has shape \[null, 20\] but vae.json's config.seriesLength = 21 requires \[null, 21\]/,
    },
    {
      name: 'a fixed sigma with a learned value',
      change: editJson('vae.json', (j) => {
        (j['config'] as { decoderSigma: number }).decoderSigma = 0.1;
      }),
      file: 'vae.json',
      msg: /learnedLogSigma is .* but config.decoderSigma is 0.1 \(expected null\)/,
    },
  ])('rejects $name with a ModelFormatError naming the file', async ({ name, change, file, msg }) => {
    const d = await edit(name.replace(/\W+/g, '-'), change);
    const before = tf.memory().numTensors;
    const err = await loadVae(d).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ModelFormatError);
    expect((err as ModelFormatError).file).toBe(join(d, file));
    expect((err as Error).message).toMatch(msg);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a directory that does not exist', async () => {
    await expect(loadVae(join(dir, 'nowhere'))).rejects.toThrow(/nowhere: does not exist/);
  });
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips every field exactly', async () => {
    let last: Parameters<typeof saveCheckpoint>[1] | undefined;
    const r = await trainVae(
      { train, validation },
      {
        config: { seriesLength: L, latentDim: 2, hiddenUnits: [8], klWarmupEpochs: 1 },
        epochs: 3,
        batchSize: 16,
        onCheckpoint: async (c) => {
          last = c;
          await saveCheckpoint(join(dir, 'ckpt'), c);
        },
      },
    );
    disposeVae(r.model);
    const back = await loadCheckpoint(join(dir, 'ckpt'));
    expect(back).toEqual(last);
    expect(back.best).not.toBeNull();
  });

  it('rejects another format version and a truncated tensor file', async () => {
    const d = join(dir, 'ckpt');
    const j = JSON.parse(await readFile(join(d, 'checkpoint.json'), 'utf8'));
    await writeFile(join(d, 'checkpoint.json'), JSON.stringify({ ...j, formatVersion: 9 }));
    await expect(loadCheckpoint(d)).rejects.toThrow(/checkpoint.json: formatVersion is 9; this version reads 2/);
    await writeFile(join(d, 'checkpoint.json'), JSON.stringify(j));
    await truncate(join(d, 'tensors.bin'), 8);
    await expect(loadCheckpoint(d)).rejects.toThrow(ModelFormatError);
    await expect(loadCheckpoint(d)).rejects.toThrow(/tensors.bin: checkpoint.json refers to values/);
  });
});
