import { ARCHITECTURE_CHOICES, LINEAR_PATH_CHOICES, parseEpochs, parseSigma, TRAIN_COMMAND_DEFAULTS } from '../../tasks/train-options.js';
import { defineCommand } from '../command.js';
import { BACKEND_OPTION, defined, parseNumberList, parseSplit, SEED_OPTION } from '../options.js';

const d = TRAIN_COMMAND_DEFAULTS;

/** `pipeline train`: a VAE on one or more datasets. */
export const trainCommand = defineCommand({
  command: 'train',
  describe: 'train a VAE on the normalised series of one or more datasets; writes the model (TensorFlow.js layers format) and run.json',
  options: {
    ...SEED_OPTION,
    data: { type: 'string', array: true, demandOption: true, describe: 'dataset(s) (.arrow) to learn from (repeatable)' },
    out: { type: 'string', demandOption: true, describe: 'run directory (e.g. runs/osc)' },
    latent: { type: 'number', describe: `latent dimension (default ${d.latent})` },
    epochs: {
      type: 'string',
      coerce: parseEpochs,
      describe: 'maximum epochs, or auto (default): a budget of optimiser steps sized to the data (early stopping may end sooner)',
    },
    batch: { type: 'number', describe: `batch size (default ${d.batch})` },
    ...BACKEND_OPTION,
    architecture: { choices: ARCHITECTURE_CHOICES, describe: `encoder and decoder: Conv1D stacks (conv) or MLPs (dense) (default ${d.architecture})` },
    'linear-path': {
      choices: LINEAR_PATH_CHOICES,
      describe: `start from probabilistic PCA with a frozen linear path beside the networks (pca), or networks only (default ${d.linearPath})`,
    },
    hidden: {
      type: 'string',
      coerce: (text: string) => parseNumberList(text, '--hidden'),
      describe: "hidden dense layer sizes, e.g. 256,128 (decoder mirrors; default: the VAE package's)",
    },
    filters: {
      type: 'string',
      coerce: (text: string) => parseNumberList(text, '--filters'),
      describe: 'Conv1D filters per layer for --architecture conv (default 8,16), e.g. 16,32',
    },
    beta: { type: 'number', describe: "KL weight (default: the VAE package's, 1)" },
    warmup: { type: 'number', describe: "KL warm-up epochs (default: the VAE package's)" },
    'free-bits': { type: 'number', describe: "free bits per latent dimension, nats (default: the VAE package's, 0)" },
    sigma: {
      type: 'string',
      coerce: parseSigma,
      describe: 'decoder noise sigma in normalised units, "learned" (default; one per family when several are trained together) or "per-series"',
    },
    'learning-rate': { type: 'number', describe: `Adam step size (default ${d.learningRate}, cosine-decayed)` },
    patience: { type: 'number', describe: 'early-stopping patience in epochs (default: a fraction of the epoch budget)' },
    split: { type: 'string', coerce: parseSplit, describe: `train,validation,test fractions (default ${d.split.join(',')})` },
    resume: { type: 'boolean', describe: 'continue an interrupted run from its last checkpoint' },
    verbose: { type: 'boolean', describe: 'print every epoch (loss, KL, active units, KL per dimension) instead of a progress bar' },
  },
  examples: [['$0 train --data datasets/osc.arrow --data datasets/switch.arrow --out runs/sim --latent 10 --seed 1', '']],
  run: async (a, { output, signal }) => {
    const { runTrain } = await import('../../tasks/train.js');
    return runTrain(
      {
        data: a.data,
        out: a.out,
        resume: a.resume ?? false,
        signal,
        ...defined({
          split: a.split,
          latent: a.latent,
          epochs: a.epochs,
          batch: a.batch,
          seed: a.seed,
          backend: a.backend,
          architecture: a.architecture,
          linearPath: a.linearPath,
          hidden: a.hidden,
          filters: a.filters,
          beta: a.beta,
          warmup: a.warmup,
          freeBits: a.freeBits,
          sigma: a.sigma,
          learningRate: a.learningRate,
          patience: a.patience,
          verbose: a.verbose,
        }),
      },
      output,
    );
  },
});
