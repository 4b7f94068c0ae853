/**
 * What a trained model is judged by, on held-out series: reconstruction error against PCA with
 * as many components as latent dimensions, per family and behaviour; whether reconstructions
 * keep each input's behaviour (and whether PCA's do, for scale); whether prior samples show the
 * data's mix of behaviours; how linearly decodable period and amplitude are from the latent
 * means; which latent units carry information. Written to run.json by `pipeline train` and
 * recomputed by `pipeline compare`.
 */
import { encode, latentStatistics, pcaReconstruct, reconstruct, relativeMse, sample, type PcaModel, type VaeModel } from '@penvae/vae';
import { takeRows, type EvalSet } from '../dataset/labelled-series.js';
import { behaviourMix, behaviourPreservation, mixDistance, type PreservationReport } from '../metrics/behaviour.js';
import { linearDecodability, type DecodabilityResult } from '../metrics/decodability.js';

/** Relative MSE of the VAE and of PCA at the same latent size, overall and per label. */
interface ReconstructionReport {
  rows: number;
  vae: number;
  pca: number;
  byFamily: Record<string, { rows: number; vae: number; pca: number }>;
  byBehaviour: Record<string, { rows: number; vae: number; pca: number }>;
}

/**
 * Relative MSE (sum of squared errors over the set's variance about its per-time-step mean,
 * as `relativeMse` of @penvae/vae) of two reconstructions, overall and per label.
 */
function reconstructionReport(
  data: Pick<EvalSet, 'x' | 'n' | 'length' | 'family' | 'behaviour'>,
  vaeX: Float32Array,
  pcaX: Float32Array,
): ReconstructionReport {
  const L = data.length;
  const group = (labels: string[]) => {
    const out: Record<string, { rows: number; vae: number; pca: number }> = {};
    for (const label of [...new Set(labels)].sort()) {
      const idx = labels.flatMap((l, i) => (l === label ? [i] : []));
      const x = takeRows(data.x, L, idx);
      out[label] = { rows: idx.length, vae: relativeMse(x, takeRows(vaeX, L, idx), L), pca: relativeMse(x, takeRows(pcaX, L, idx), L) };
    }
    return out;
  };
  return {
    rows: data.n,
    vae: relativeMse(data.x, vaeX, L),
    pca: relativeMse(data.x, pcaX, L),
    byFamily: group(data.family),
    byBehaviour: group(data.behaviour),
  };
}

/** Posterior-mean variance above which a latent unit is active (as in training logs). */
const ACTIVE_UNIT_THRESHOLD = 0.01;

/** The held-out report of one model on one set (see the module comment). */
export interface ModelTestReport {
  relativeMse: ReconstructionReport;
  /** Behaviour preservation of the VAE's reconstructions, and of PCA's for scale. */
  behaviour: { vae: PreservationReport; pca: PreservationReport };
  /** Prior samples: behaviour mix against the set's (labels on a unit time axis), and the largest gap in points. */
  prior: { samples: number; mix: Record<string, number>; dataMix: Record<string, number>; distance: number };
  /** Held-out R² of period and amplitude from the latent means (fitted on `fit` rows, scored on the set's). */
  decodability: { period: DecodabilityResult; amplitude: DecodabilityResult };
  /**
   * Latent units on the set: KL per dimension, the active ones (posterior-mean variance above
   * 0.01, Burda et al. 2016) and the others by name (z1, z2, ...): dimensions the data did not
   * need, which the decoder ignores.
   */
  latent: { klPerDim: number[]; activeUnits: number; unneeded: string[] };
}

/**
 * Evaluates `model` on `set`. `fit` (usually the training split) is where the linear probes of
 * period and amplitude are fitted; `pca` is the PCA floor fitted on the training split.
 */
export function evaluateModel(model: VaeModel, set: EvalSet, fit: EvalSet, pca: PcaModel, seed: number): ModelTestReport {
  const L = set.length;
  const vaeX = reconstruct(model, set.x, set.n);
  const pcaX = Float32Array.from(pcaReconstruct(pca, set.x, set.n));
  const stats = latentStatistics(model, { x: set.x, n: set.n, length: L });
  const unneeded = stats.meanVariance.flatMap((v, j) => (v > ACTIVE_UNIT_THRESHOLD ? [] : [`z${j + 1}`]));
  const d = model.config.latentDim;
  const muSet = encode(model, set.x, set.n).mu;
  const muFit = encode(model, fit.x, fit.n).mu;
  const probe = (key: 'period' | 'amplitude') => linearDecodability({ z: muFit, y: fit[key] }, { z: muSet, y: set[key] }, d);
  // Behaviour labels are time-scale free (periods relative, thresholds fractions of the
  // window), so prior samples, which belong to no dataset, are labelled on a unit axis, and
  // the data they are compared with too.
  const unit = Array.from({ length: L }, (_, j) => j / (L - 1));
  const samples = sample(model, set.n, seed);
  const mix = behaviourMix(samples, set.n, L, unit);
  const dataMix = behaviourMix(set.x, set.n, L, unit);
  return {
    relativeMse: reconstructionReport(set, vaeX, pcaX),
    behaviour: { vae: behaviourPreservation(set, vaeX), pca: behaviourPreservation(set, pcaX) },
    prior: { samples: set.n, mix, dataMix, distance: mixDistance(mix, dataMix) },
    decodability: { period: probe('period'), amplitude: probe('amplitude') },
    latent: { klPerDim: stats.klPerDim, activeUnits: stats.activeUnits, unneeded },
  };
}
