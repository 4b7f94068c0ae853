import type { Argv, CommandModule } from 'yargs';
import { InputError } from '../../errors.js';
import type { Output } from '../../io/output.js';
import { defined, withSeed } from '../options.js';

function parseList(text: string | undefined, option: string, count?: number): number[] | undefined {
  if (text === undefined) return undefined;
  const values = String(text).split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v)) || (count !== undefined && values.length !== count)) {
    throw new InputError(`--${option} ${text}: expected ${count ?? 'a list of'} comma-separated numbers`);
  }
  return values;
}

/** `pipeline train`: a VAE on one or more datasets. */
export function trainCommand(output: Output): CommandModule {
  return {
    command: 'train',
    describe: 'train a VAE on the normalised series of one or more datasets; writes the model (TensorFlow.js layers format) and run.json',
    builder: (y: Argv) =>
      withSeed(y)
        .option('data', { type: 'string', array: true, demandOption: true, describe: 'dataset(s) (.arrow) to learn from (repeatable)' })
        .option('out', { type: 'string', demandOption: true, describe: 'run directory (e.g. runs/osc)' })
        .option('latent', { type: 'number', default: 10, describe: 'latent dimension' })
        .option('epochs', { type: 'string', default: 'auto', describe: 'maximum epochs, or auto: a budget of optimiser steps sized to the data (early stopping may end sooner)' })
        .option('batch', { type: 'number', default: 64, describe: 'batch size' })
        .option('backend', { choices: ['auto', 'tensorflow', 'wasm', 'cpu'] as const, default: 'auto' as const, describe: 'TensorFlow.js backend (auto: tfjs-node, else wasm, else cpu)' })
        .option('architecture', { choices: ['dense', 'conv'] as const, default: 'conv' as const, describe: 'encoder and decoder: Conv1D stacks (conv) or MLPs (dense)' })
        .option('linear-path', { choices: ['pca', 'none'] as const, default: 'pca' as const, describe: 'start from probabilistic PCA with a frozen linear path beside the networks (pca), or networks only' })
        .option('hidden', { type: 'string', describe: 'hidden dense layer sizes, e.g. 256,128 (decoder mirrors)' })
        .option('filters', { type: 'string', describe: 'Conv1D filters per layer for --architecture conv, e.g. 16,32,64' })
        .option('beta', { type: 'number', describe: 'KL weight (default 1)' })
        .option('warmup', { type: 'number', describe: 'KL warm-up epochs (default 10)' })
        .option('free-bits', { type: 'number', describe: 'free bits per latent dimension, nats (default 0)' })
        .option('sigma', { type: 'string', describe: 'decoder noise sigma in normalised units, "learned" (default; one per family when several are trained together) or "per-series"' })
        .option('learning-rate', { type: 'number', describe: 'Adam step size (default 0.002, cosine-decayed)' })
        .option('patience', { type: 'number', describe: 'early-stopping patience in epochs (default 50)' })
        .option('split', { type: 'string', default: '0.8,0.1,0.1', describe: 'train,validation,test fractions' })
        .option('resume', { type: 'boolean', default: false, describe: 'continue an interrupted run from its last checkpoint' })
        .example('$0 train --data datasets/osc.arrow --data datasets/switch.arrow --out runs/sim --latent 10 --seed 1', ''),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      let sigma: number | 'learned' | 'per-series' | undefined;
      if (a.sigma !== undefined) {
        sigma = a.sigma === 'learned' || a.sigma === 'per-series' ? a.sigma : Number(a.sigma);
        if (typeof sigma === 'number' && !(sigma > 0)) throw new InputError(`--sigma ${String(a.sigma)}: expected a number > 0, "learned" or "per-series"`);
      }
      let epochs: number | 'auto' | undefined;
      if (a.epochs !== undefined) {
        epochs = a.epochs === 'auto' ? 'auto' : Number(a.epochs);
        if (epochs !== 'auto' && !(Number.isInteger(epochs) && epochs >= 1)) throw new InputError(`--epochs ${String(a.epochs)}: expected a positive integer or "auto"`);
      }
      const { runTrain } = await import('../../tasks/train.js');
      await runTrain(
        {
          data: a.data as string[],
          out: a.out as string,
          resume: Boolean(a.resume),
          split: parseList(a.split as string, 'split', 3) as [number, number, number],
          ...defined({
            latent: a.latent as number | undefined,
            epochs,
            batch: a.batch as number | undefined,
            seed: a.seed as number | undefined,
            backend: a.backend as 'auto' | 'tensorflow' | 'wasm' | 'cpu' | undefined,
            architecture: a.architecture as 'dense' | 'conv' | undefined,
            linearPath: a.linearPath as 'pca' | 'none' | undefined,
            hidden: parseList(a.hidden as string | undefined, 'hidden'),
            filters: parseList(a.filters as string | undefined, 'filters'),
            beta: a.beta as number | undefined,
            warmup: a.warmup as number | undefined,
            freeBits: a.freeBits as number | undefined,
            sigma,
            learningRate: a.learningRate as number | undefined,
            patience: a.patience as number | undefined,
          }),
        },
        output,
      );
    },
  };
}
