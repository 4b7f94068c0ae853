/**
 * The run format: `run.json`, written by `pipeline train` and read by `pipeline compare` (and
 * anything else that looks at a trained model). Its single definition in code.
 */
import type { BackendChoice, BackendInfo, EpochLog, ResolvedVaeConfig } from '@penvae/vae';
import type { DatasetRecord } from '../dataset/labelled-series.js';
import type { ModelTestReport } from './evaluation.js';

/** Version of run.json; readers refuse others. 2: behaviour-aware test report, model file hashes. */
export const RUN_FORMAT_VERSION = 2;

/** The training options a run records (what `pipeline train` was asked for, before defaults). */
export interface RunTrainingOptions {
  /** Latent dimension. @default 10 (the paper's) */
  latent?: number;
  /** Maximum epochs; `auto` sizes the budget from the data (see `TRAIN_BUDGET`). @default 'auto' */
  epochs?: number | 'auto';
  /** @default 64 */
  batch?: number;
  /** Seed of the split, the initial weights, shuffling and sampling. @default 1 */
  seed?: number;
  /** @default 'auto' (tfjs-node, then wasm, then cpu) */
  backend?: BackendChoice;
  /** Architecture of encoder and decoder. @default 'conv' */
  architecture?: 'dense' | 'conv';
  /** `pca`: start from probabilistic PCA with a frozen linear path (see the VAE's `linearPath`); `none`: networks only. @default 'pca' */
  linearPath?: 'pca' | 'none';
  /** Hidden dense layer sizes of the encoder (the decoder mirrors them). */
  hidden?: number[];
  /** Conv1D filters per layer (conv architecture). */
  filters?: number[];
  /** @default 1 */
  beta?: number;
  /** KL warm-up epochs. */
  warmup?: number;
  /** Free bits per latent dimension (nats). */
  freeBits?: number;
  /** Decoder noise sigma (in normalised units), 'learned', or 'per-series'. */
  sigma?: number | 'learned' | 'per-series';
  /** Adam step size. */
  learningRate?: number;
  /** Early-stopping patience in epochs. */
  patience?: number;
  /** Train / validation / test fractions. @default [0.8, 0.1, 0.1] */
  split?: [number, number, number];
}

/** The contents of run.json. */
export interface RunRecord {
  formatVersion: number;
  packageVersion: string;
  status: 'training' | 'complete';
  datasets: DatasetRecord[];
  seriesLength: number;
  split: { seed: number; fractions: [number, number, number]; train: [number, number][]; validation: [number, number][]; test: [number, number][] };
  config: ResolvedVaeConfig | null;
  /** Options as given. */
  options: RunTrainingOptions;
  /** The epoch budget and patience actually used (after `auto`). */
  budget?: { epochs: number; patience: number; batch: number; rule: string };
  backend: BackendInfo;
  history: EpochLog[];
  result?: { bestEpoch: number | null; stopReason: string; activeUnits: number; collapsed: boolean; sigma: number; seconds: number };
  /** The test split's report (or the training split's when the split has no test rows). */
  test?: ModelTestReport;
  /** SHA-256 of every file under model/ (relative path -> hex), checked by readers. */
  modelFiles?: Record<string, string>;
}
