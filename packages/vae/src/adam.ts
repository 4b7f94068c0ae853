/**
 * Adam (Kingma & Ba 2015, Algorithm 1) over a fixed list of variables, with state that can be
 * read out and restored exactly.
 *
 * Why not `tf.train.adam`: its `setWeights` rebuilds the bias-correction accumulators as
 * pow(beta1, t + 1) whereas training builds them by repeated float32 multiplication, so a
 * restored optimizer can differ in the last bits and a resumed run drifts from an uninterrupted
 * one. Here the bias corrections are computed in double precision from the step count alone.
 */
import * as tf from '@tensorflow/tfjs';

/** Serialisable optimizer state: step count and the first/second moments of each variable. */
export interface AdamState {
  /** Number of updates applied so far. */
  readonly step: number;
  /** First-moment estimates, one per variable, in variable order. */
  readonly m: readonly Float32Array[];
  /** Second-moment estimates, one per variable, in variable order. */
  readonly v: readonly Float32Array[];
}

/** Hyperparameters of {@link Adam}. */
export interface AdamOptions {
  /** Step size alpha. */
  readonly learningRate: number;
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.999 */
  readonly beta2?: number;
  /** Added to sqrt(v_hat); Keras' default. @default 1e-7 */
  readonly epsilon?: number;
  /** Per-variable step sizes overriding `learningRate` (same order as the variables; `undefined` entries use it). */
  readonly learningRates?: readonly (number | undefined)[];
}

/** Adam over `variables`. Call {@link Adam.dispose} to free the moment variables. */
export class Adam {
  private readonly vars: readonly tf.Variable[];
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly lr: number[];
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;
  private t = 0;
  private scale = 1;

  constructor(variables: readonly tf.Variable[], options: AdamOptions) {
    this.vars = variables;
    this.lr = variables.map((_, i) => options.learningRates?.[i] ?? options.learningRate);
    this.b1 = options.beta1 ?? 0.9;
    this.b2 = options.beta2 ?? 0.999;
    this.eps = options.epsilon ?? 1e-7;
    this.m = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
    this.v = tf.tidy(() => variables.map((x) => tf.variable(tf.zerosLike(x), false)));
  }

  /**
   * Multiply every step size by `factor` from now on (a learning-rate schedule sets it each
   * epoch; it is not part of {@link AdamState}, the schedule recomputes it).
   */
  setLearningRateScale(factor: number): void {
    this.scale = factor;
  }

  /** Number of updates applied. */
  get step(): number {
    return this.t;
  }

  /**
   * Apply one update. `grads` maps variable names to gradients (as `tf.variableGrads` returns);
   * the caller still owns and disposes them.
   *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
   *   w <- w - lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
   */
  apply(grads: tf.NamedTensorMap): void {
    this.t += 1;
    const c1 = 1 / (1 - Math.pow(this.b1, this.t));
    const c2 = 1 / (1 - Math.pow(this.b2, this.t));
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        const g = grads[w.name];
        if (g === undefined) return;
        const m = tf.add(tf.mul(this.m[i]!, this.b1), tf.mul(g, 1 - this.b1));
        const v = tf.add(tf.mul(this.v[i]!, this.b2), tf.mul(tf.square(g), 1 - this.b2));
        this.m[i]!.assign(m);
        this.v[i]!.assign(v);
        const update = tf.div(tf.mul(m, c1), tf.add(tf.sqrt(tf.mul(v, c2)), this.eps));
        w.assign(tf.sub(w, tf.mul(update, this.lr[i]! * this.scale)));
      });
    });
  }

  /** Copy the state out of the backend. */
  getState(): AdamState {
    return {
      step: this.t,
      m: this.m.map((x) => Float32Array.from(x.dataSync() as Float32Array)),
      v: this.v.map((x) => Float32Array.from(x.dataSync() as Float32Array)),
    };
  }

  /**
   * Restore a state from {@link Adam.getState}.
   * @throws {Error} if the number or sizes of moments do not match the variables.
   */
  setState(state: AdamState): void {
    if (state.m.length !== this.vars.length || state.v.length !== this.vars.length) {
      throw new Error(`optimizer state has ${state.m.length}/${state.v.length} moments for ${this.vars.length} variables`);
    }
    this.vars.forEach((w, i) => {
      if (state.m[i]!.length !== w.size || state.v[i]!.length !== w.size) {
        throw new Error(`optimizer moment ${i} has ${state.m[i]!.length} values; variable ${w.name} has ${w.size}`);
      }
    });
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        this.m[i]!.assign(tf.tensor(state.m[i]!, w.shape, 'float32'));
        this.v[i]!.assign(tf.tensor(state.v[i]!, w.shape, 'float32'));
      });
    });
    this.t = state.step;
  }

  /** Free the moment variables. */
  dispose(): void {
    this.m.forEach((x) => x.dispose());
    this.v.forEach((x) => x.dispose());
  }
}
