/**
 * Exponential moving average of the trained weights (Polyak & Juditsky 1992; the
 * `ExponentialMovingAverage` of TensorFlow, with its warm-up of the decay).
 *
 * Adam moves every weight by about its step size at every step, whatever the gradient, so the
 * weights at the end of an epoch sit at a random point of a cloud around the optimum. A model
 * whose errors are small (relative MSE 1e-6 on a smooth family, where the PCA path does most of
 * the work) is dominated by that jitter; the average of the recent weights is not.
 */
import * as tf from '@tensorflow/tfjs';

/** A running average of a list of variables, in their order. */
export class WeightAverage {
  private readonly averages: tf.Variable[];
  private live: tf.Tensor[] | null = null;

  /**
   * @param variables the trained variables (the average starts at their current values).
   * @param decay the long-run decay per step (e.g. 0.999: an average over ~1000 steps).
   */
  constructor(
    private readonly variables: readonly tf.Variable[],
    private readonly decay: number,
  ) {
    this.averages = variables.map((v) => tf.tidy(() => tf.variable(v.clone(), false)));
  }

  /**
   * Fold in the variables' current values after optimiser step `step` (1-based). The decay
   * used is min(decay, (1 + step) / (10 + step)), so early averages are not stuck at the
   * initial weights.
   */
  update(step: number): void {
    const d = Math.min(this.decay, (1 + step) / (10 + step));
    tf.tidy(() => {
      this.averages.forEach((a, i) => a.assign(tf.add(tf.mul(a, d), tf.mul(this.variables[i]!, 1 - d))));
    });
  }

  /** The averages' values (for checkpoints). */
  read(): Float32Array[] {
    return this.averages.map((a) => Float32Array.from(a.dataSync() as Float32Array));
  }

  /** Overwrite the averages (when resuming). */
  write(values: readonly Float32Array[]): void {
    if (values.length !== this.averages.length) throw new Error(`expected ${this.averages.length} averaged weights, got ${values.length}`);
    tf.tidy(() => this.averages.forEach((a, i) => a.assign(tf.tensor(values[i]!, a.shape, 'float32'))));
  }

  /**
   * Put the averaged weights into the variables until {@link swapOut} puts the trained values
   * back (to evaluate the averaged model, or keep it as the best one).
   */
  swapIn(): void {
    if (this.live !== null) return;
    this.live = this.variables.map((v) => tf.keep(v.clone()));
    this.variables.forEach((v, i) => v.assign(this.averages[i]!));
  }

  /** Undo {@link swapIn}. */
  swapOut(): void {
    if (this.live === null) return;
    const live = this.live;
    this.live = null;
    this.variables.forEach((v, i) => v.assign(live[i]!));
    tf.dispose(live);
  }

  /** Copy the averages into the variables for good. */
  apply(): void {
    this.variables.forEach((v, i) => v.assign(this.averages[i]!));
  }

  dispose(): void {
    this.swapOut();
    tf.dispose(this.averages);
  }
}
