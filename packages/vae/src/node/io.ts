/**
 * Saving and loading trained models and training checkpoints. With `backend.ts`, the only
 * module that touches node:*.
 *
 * A saved model is a directory:
 *
 *   dir/vae.json                 format version, package and tfjs versions, backend, the
 *                                resolved config, decoder sigma, training summary
 *   dir/encoder/model.json       standard TensorFlow.js layers format ("layers-model"):
 *   dir/encoder/weights.bin        loadable by tf.loadLayersModel over http or file://
 *   dir/decoder/model.json
 *   dir/decoder/weights.bin
 *
 * written through our own IOHandler (`tf.io.withSaveHandler`; tfjs' `file://` handler needs
 * tfjs-node) into a temporary sibling directory that is renamed into place, so a reader never
 * sees a half-written model under the final name.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeValue, resolveVaeConfig, type ResolvedVaeConfig } from '../config.js';
import { ModelFormatError, VaeError } from '../errors.js';
import { DECODER_OUTPUT_NAME, decoderSigmaValue, ENCODER_OUTPUT_NAMES, type VaeModel } from '../model.js';
import type { EpochLog, ResolvedTrainSettings, StopReason, TrainingCheckpoint } from '../train.js';

/** Version of the saved-model layout (vae.json + encoder/ + decoder/). */
export const VAE_FORMAT_VERSION = 2;
/** Version of the checkpoint layout (checkpoint.json + tensors.bin). */
const CHECKPOINT_FORMAT_VERSION = 2;

const VAE_FORMAT = 'penvae-vae';
const CHECKPOINT_FORMAT = 'penvae-training-checkpoint';

/** Version of this package, read from its package.json (same relative path from src/ and dist/). */
export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Training summary stored in vae.json. */
interface TrainingSummary {
  readonly settings?: ResolvedTrainSettings;
  readonly history?: readonly EpochLog[];
  readonly bestEpoch?: number | null;
  readonly stopReason?: StopReason;
  readonly activeUnits?: number;
}

/** Extra information to store with a model. */
export interface SaveVaeMeta {
  /** Backend the model was trained on. @default tf.getBackend() */
  backend?: string;
  /** Training summary (e.g. from `trainVae`'s result). */
  training?: TrainingSummary;
  /** Anything else JSON-serialisable (dataset name, normalisation, ...). */
  extra?: Record<string, unknown>;
}

/** Contents of vae.json. */
export interface VaeFileInfo {
  readonly format: typeof VAE_FORMAT;
  readonly formatVersion: number;
  readonly packageVersion: string;
  readonly tfjsVersion: string;
  /** Backend the model was trained on. */
  readonly backend: string;
  readonly config: ResolvedVaeConfig;
  /** Decoder sigma: fixed by the config, learned, or per series (value: its floor). */
  readonly decoderSigma: { readonly mode: 'fixed' | 'learned' | 'per-series'; readonly value: number };
  /**
   * The learned log sigma as stored in float32 (exact): one number, or one per group of
   * `config.sigmaGroups`; null when sigma is not learned.
   */
  readonly learnedLogSigma: number | number[] | null;
  readonly training?: TrainingSummary;
  readonly extra?: Record<string, unknown>;
}

/** A model read by {@link loadVae}, with its vae.json. */
export interface LoadedVae {
  readonly model: VaeModel;
  readonly info: VaeFileInfo;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Write a file and flush it to disk before the directory is renamed into place. */
async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Create directory `dir` atomically: `fill` writes into a temporary sibling, which is then
 * renamed to `dir`. An existing `dir` is replaced only if it holds `marker` (i.e. it is one of
 * ours), via a rename-aside, so the final name holds either the old or the new complete content.
 * @throws {ModelFormatError} if `dir` exists and is something else.
 */
export async function writeDirAtomic(dir: string, marker: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  const base = basename(target);
  if ((await exists(target)) && !(await exists(join(target, marker)))) {
    throw new ModelFormatError(target, `exists and is not a directory written by this package (no ${marker}); refusing to replace it`);
  }
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${base}.tmp-`));
  // mkdtemp creates 0700 whatever the umask; the published folder gets the mode any mkdir would.
  await chmod(tmp, 0o777 & ~process.umask());
  try {
    await fill(tmp);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  let aside: string | null = null;
  if (await exists(target)) {
    aside = join(parent, `.${base}.old-${randomBytes(4).toString('hex')}`);
    await rename(target, aside);
  }
  try {
    await rename(tmp, target);
  } catch (e) {
    if (aside !== null) await rename(aside, target).catch(() => undefined);
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
  if (aside !== null) await rm(aside, { recursive: true, force: true });
}

/** Concatenate tfjs weight data (one buffer or several) into bytes. */
function weightBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * Save one LayersModel as model.json + weights.bin in `folder` through a custom IOHandler,
 * producing exactly the JSON that tfjs' own http/file handlers read.
 */
async function saveLayersModel(model: tf.LayersModel, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = weightBytes(artifacts.weightData);
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeDurable(join(folder, 'model.json'), JSON.stringify(modelJson));
      await writeDurable(join(folder, 'weights.bin'), weights);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    }),
  );
}

/**
 * Save a model to `dir` (see the module comment for the layout), atomically. An existing model
 * directory at `dir` is replaced; any other existing path is left alone and an error thrown.
 * @throws {ModelFormatError} if `dir` exists and is not a saved model.
 * @example await saveVae(result.model, 'runs/sin/model', { backend: result.backend, training: result });
 */
export async function saveVae(model: VaeModel, dir: string, meta: SaveVaeMeta = {}): Promise<void> {
  const learnedLogSigma =
    model.logSigma === null ? null : model.config.sigmaGroups.length > 0 ? Array.from(model.logSigma.dataSync()) : model.logSigma.dataSync()[0]!;
  const info: VaeFileInfo = {
    format: VAE_FORMAT,
    formatVersion: VAE_FORMAT_VERSION,
    packageVersion: await packageVersion(),
    tfjsVersion: tf.version.tfjs,
    backend: meta.backend ?? tf.getBackend(),
    config: model.config,
    decoderSigma: {
      mode: learnedLogSigma !== null ? 'learned' : model.config.decoderSigma === 'per-series' ? 'per-series' : 'fixed',
      value: decoderSigmaValue(model),
    },
    learnedLogSigma,
    ...(meta.training !== undefined ? { training: summariseTraining(meta.training) } : {}),
    ...(meta.extra !== undefined ? { extra: meta.extra } : {}),
  };
  await writeDirAtomic(dir, 'vae.json', async (tmp) => {
    await saveLayersModel(model.encoder, join(tmp, 'encoder'));
    await saveLayersModel(model.decoder, join(tmp, 'decoder'));
    await writeDurable(join(tmp, 'vae.json'), JSON.stringify(info, null, 2) + '\n');
  });
}

/** Keep only the summary fields (a TrainVaeResult also carries the model). */
function summariseTraining(t: TrainingSummary): TrainingSummary {
  const out: { -readonly [K in keyof TrainingSummary]: TrainingSummary[K] } = {};
  if (t.settings !== undefined) out.settings = t.settings;
  if (t.history !== undefined) out.history = t.history;
  if (t.bestEpoch !== undefined) out.bestEpoch = t.bestEpoch;
  if (t.stopReason !== undefined) out.stopReason = t.stopReason;
  if (t.activeUnits !== undefined) out.activeUnits = t.activeUnits;
  return out;
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new ModelFormatError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  const text = await readText(file);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(file, `is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (v == null || typeof v !== 'object' || Array.isArray(v)) throw new ModelFormatError(file, 'expected a JSON object');
  return v as Record<string, unknown>;
}

async function readBytes(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw new ModelFormatError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

/** Load one model.json + weights.bin folder, checking the manifest against the weight file. */
async function loadLayersModel(folder: string): Promise<tf.LayersModel> {
  const jsonFile = join(folder, 'model.json');
  const json = await readJson(jsonFile);
  if (json['modelTopology'] == null) throw new ModelFormatError(jsonFile, 'has no modelTopology; expected a TensorFlow.js layers model');
  const manifest = json['weightsManifest'];
  if (!Array.isArray(manifest) || manifest.length === 0) throw new ModelFormatError(jsonFile, 'has no weightsManifest');
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const group of manifest as tf.io.WeightsManifestConfig) {
    specs.push(...group.weights);
    for (const p of group.paths) chunks.push(await readBytes(join(folder, p)));
  }
  const total = chunks.reduce((a, c) => a + c.byteLength, 0);
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * (DTYPE_BYTES[s.dtype] ?? 4), 0);
  if (total !== expected) {
    throw new ModelFormatError(join(folder, 'weights.bin'), `holds ${total} bytes but model.json's weightsManifest describes ${expected}`);
  }
  const weightData = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    weightData.set(c, off);
    off += c.byteLength;
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json['modelTopology'] as object, weightSpecs: specs, weightData: weightData.buffer }));
  } catch (e) {
    throw new ModelFormatError(jsonFile, `TensorFlow.js could not rebuild the model: ${(e as Error).message}`, { cause: e });
  }
}

function shapeString(s: readonly (number | null)[]): string {
  return `[${s.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

function checkShape(file: string, what: string, found: readonly (number | null)[], expected: readonly (number | null)[], why: string): void {
  if (shapeString(found) !== shapeString(expected)) {
    throw new ModelFormatError(file, `${what} has shape ${shapeString(found)} but ${why} requires ${shapeString(expected)}`);
  }
}

/**
 * Load a model saved by {@link saveVae}, checking the format version, the config, and that the
 * networks' input/output shapes and names match the config.
 * @throws {ModelFormatError} naming the file and what does not match (other format version,
 *   missing or truncated file, shape mismatch, ...).
 */
export async function loadVae(dir: string): Promise<LoadedVae> {
  const root = resolve(dir);
  const infoFile = join(root, 'vae.json');
  if (!(await exists(root))) throw new ModelFormatError(root, 'does not exist; expected a model directory written by saveVae');
  const raw = await readJson(infoFile);
  if (raw['format'] !== VAE_FORMAT) {
    throw new ModelFormatError(infoFile, `format is ${describeValue(raw['format'])}; expected "${VAE_FORMAT}"`);
  }
  if (raw['formatVersion'] !== VAE_FORMAT_VERSION) {
    throw new ModelFormatError(
      infoFile,
      `formatVersion is ${describeValue(raw['formatVersion'])} (written by @penvae/vae ${describeValue(raw['packageVersion'])}); this version reads formatVersion ${VAE_FORMAT_VERSION}`,
    );
  }
  let config: ResolvedVaeConfig;
  try {
    config = resolveVaeConfig(raw['config'] as ResolvedVaeConfig);
  } catch (e) {
    throw new ModelFormatError(infoFile, `config is invalid: ${(e as Error).message}`, { cause: e });
  }
  const learned = raw['learnedLogSigma'];
  const groups = config.sigmaGroups.length;
  const fits =
    config.decoderSigma !== 'learned'
      ? learned === null
      : groups > 0
        ? Array.isArray(learned) && learned.length === groups && learned.every((v) => typeof v === 'number' && Number.isFinite(v))
        : typeof learned === 'number' && Number.isFinite(learned);
  if (!fits) {
    const expected =
      config.decoderSigma !== 'learned' ? 'null' : groups > 0 ? `an array of ${groups} finite numbers (one per config.sigmaGroups)` : 'a finite number';
    throw new ModelFormatError(
      infoFile,
      `learnedLogSigma is ${describeValue(learned)} but config.decoderSigma is ${describeValue(config.decoderSigma)} (expected ${expected})`,
    );
  }
  const encoder = await loadLayersModel(join(root, 'encoder'));
  let decoder: tf.LayersModel | undefined;
  try {
    decoder = await loadLayersModel(join(root, 'decoder'));
    const encFile = join(root, 'encoder', 'model.json');
    const decFile = join(root, 'decoder', 'model.json');
    const L = config.seriesLength;
    const D = config.latentDim;
    checkShape(encFile, 'the encoder input', encoder.inputs[0]!.shape, [null, L], `vae.json's config.seriesLength = ${L}`);
    if (encoder.outputs.length !== 2) {
      throw new ModelFormatError(encFile, `the encoder has ${encoder.outputs.length} outputs; expected 2 (${ENCODER_OUTPUT_NAMES.join(', ')})`);
    }
    encoder.outputs.forEach((o, i) => {
      const name = encoder.outputLayers[i]!.name;
      if (name !== ENCODER_OUTPUT_NAMES[i]) {
        throw new ModelFormatError(encFile, `encoder output ${i} is layer '${name}'; expected '${ENCODER_OUTPUT_NAMES[i]}'`);
      }
      checkShape(encFile, `encoder output '${name}'`, o.shape, [null, D], `vae.json's config.latentDim = ${D}`);
    });
    checkShape(decFile, 'the decoder input', decoder.inputs[0]!.shape, [null, D], `vae.json's config.latentDim = ${D}`);
    if (decoder.outputs.length !== 1 || decoder.outputLayers[0]!.name !== DECODER_OUTPUT_NAME) {
      throw new ModelFormatError(
        decFile,
        `expected one output layer '${DECODER_OUTPUT_NAME}'; found ${decoder.outputLayers.map((l) => `'${l.name}'`).join(', ')}`,
      );
    }
    checkShape(decFile, `decoder output '${DECODER_OUTPUT_NAME}'`, decoder.outputs[0]!.shape, [null, L], `vae.json's config.seriesLength = ${L}`);
  } catch (e) {
    encoder.dispose();
    decoder?.dispose();
    throw e;
  }
  const logSigma =
    typeof learned === 'number'
      ? tf.tidy(() => tf.variable(tf.scalar(learned), true))
      : Array.isArray(learned)
        ? tf.tidy(() => tf.variable(tf.tensor1d(learned as number[]), true))
        : null;
  const model: VaeModel = { config, encoder, decoder, logSigma };
  return { model, info: { ...(raw as unknown as VaeFileInfo), config } };
}

/**
 * Write a training checkpoint to `dir` atomically: checkpoint.json (everything but the arrays)
 * and tensors.bin (the float32 arrays, little-endian, back to back, located by
 * [offset, length] pairs in the JSON).
 * @example trainVae(data, { config, onCheckpoint: (c) => saveCheckpoint('runs/x/checkpoint', c) })
 */
export async function saveCheckpoint(dir: string, checkpoint: TrainingCheckpoint): Promise<void> {
  const arrays: Float32Array[] = [];
  let offset = 0;
  const ref = (a: Float32Array): [number, number] => {
    arrays.push(a);
    const r: [number, number] = [offset, a.length];
    offset += a.length;
    return r;
  };
  const { weights, average, optimizer, best, ...rest } = checkpoint;
  const json = {
    format: CHECKPOINT_FORMAT,
    ...rest,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    packageVersion: await packageVersion(),
    tfjsVersion: tf.version.tfjs,
    optimizerStep: optimizer.step,
    best: best === null ? null : { epoch: best.epoch, valLoss: best.valLoss },
    tensors: {
      weights: weights.map(ref),
      m: optimizer.m.map(ref),
      v: optimizer.v.map(ref),
      bestWeights: best === null ? null : best.weights.map(ref),
      average: average === null ? null : average.map(ref),
    },
  };
  const bin = new Float32Array(offset);
  let o = 0;
  for (const a of arrays) {
    bin.set(a, o);
    o += a.length;
  }
  await writeDirAtomic(dir, 'checkpoint.json', async (tmp) => {
    await writeDurable(join(tmp, 'tensors.bin'), new Uint8Array(bin.buffer));
    await writeDurable(join(tmp, 'checkpoint.json'), JSON.stringify(json));
  });
}

/**
 * Read a checkpoint written by {@link saveCheckpoint}, for `trainVae`'s `resumeFrom`.
 * @throws {ModelFormatError} naming the file when it is missing, of another format version,
 *   or inconsistent with tensors.bin.
 */
export async function loadCheckpoint(dir: string): Promise<TrainingCheckpoint> {
  const root = resolve(dir);
  const file = join(root, 'checkpoint.json');
  const binFile = join(root, 'tensors.bin');
  const json = await readJson(file);
  if (json['format'] !== CHECKPOINT_FORMAT) {
    throw new ModelFormatError(file, `format is ${describeValue(json['format'])}; expected "${CHECKPOINT_FORMAT}"`);
  }
  if (json['formatVersion'] !== CHECKPOINT_FORMAT_VERSION) {
    throw new ModelFormatError(file, `formatVersion is ${describeValue(json['formatVersion'])}; this version reads ${CHECKPOINT_FORMAT_VERSION}`);
  }
  const bytes = await readBytes(binFile);
  if (bytes.byteLength % 4 !== 0) throw new ModelFormatError(binFile, `holds ${bytes.byteLength} bytes, not a whole number of float32 values`);
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const t = json['tensors'] as {
    weights: [number, number][];
    m: [number, number][];
    v: [number, number][];
    bestWeights: [number, number][] | null;
    average?: [number, number][] | null;
  };
  const take = ([off, len]: [number, number]): Float32Array => {
    if (!(Number.isInteger(off) && Number.isInteger(len) && off >= 0 && off + len <= all.length)) {
      throw new ModelFormatError(binFile, `checkpoint.json refers to values [${off}, ${off + len}) but the file holds ${all.length}`);
    }
    return all.slice(off, off + len);
  };
  let config: ResolvedVaeConfig;
  try {
    config = resolveVaeConfig(json['config'] as ResolvedVaeConfig);
  } catch (e) {
    throw new ModelFormatError(file, `config is invalid: ${(e as Error).message}`, { cause: e });
  }
  const best = json['best'] as { epoch: number; valLoss: number } | null;
  if ((best === null) !== (t.bestWeights === null)) throw new ModelFormatError(file, 'best and tensors.bestWeights disagree');
  try {
    return {
      formatVersion: 1,
      config,
      settings: json['settings'] as ResolvedTrainSettings,
      epoch: json['epoch'] as number,
      weights: t.weights.map(take),
      average: t.average ? t.average.map(take) : null,
      gradientNorm: typeof json['gradientNorm'] === 'number' ? json['gradientNorm'] : 0,
      optimizer: { step: json['optimizerStep'] as number, m: t.m.map(take), v: t.v.map(take) },
      rngState: json['rngState'] as TrainingCheckpoint['rngState'],
      best: best === null ? null : { epoch: best.epoch, valLoss: best.valLoss, weights: t.bestWeights!.map(take) },
      epochsSinceBest: json['epochsSinceBest'] as number,
      history: json['history'] as EpochLog[],
      data: json['data'] as TrainingCheckpoint['data'],
      backend: json['backend'] as string,
    };
  } catch (e) {
    if (e instanceof VaeError) throw e;
    throw new ModelFormatError(file, `is incomplete: ${(e as Error).message}`, { cause: e });
  }
}
