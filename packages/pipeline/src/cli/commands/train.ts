import { TRAIN_DEFAULTS, VAE_CONFIG_DEFAULTS } from '@penvae/vae';
import { DEFAULT_SPLIT, ENCODER_CHOICES, parseSigma } from '../../tasks/train-checks.js';
import { defineCommand } from '../command.js';
import { BACKEND_OPTION, defined, parseNumberList, parseSplit, SEED_OPTION } from '../options.js';

/** `pipeline train`: a VAE on one or more datasets. */
export const trainCommand = defineCommand({
  command: 'train',
  describe: 'train a VAE on the normalised series of one or more datasets; writes the model (TensorFlow.js layers format) and run.json',
  options: {
    ...SEED_OPTION,
    data: { type: 'string', array: true, demandOption: true, describe: 'dataset(s) (.arrow) to learn from (repeatable)' },
    out: { type: 'string', demandOption: true, describe: 'run directory (e.g. runs/osc)' },
    latent: { type: 'number', describe: `latent dimension (default ${VAE_CONFIG_DEFAULTS.latentDim})` },
    epochs: { type: 'number', describe: 'maximum epochs (default 200; early stopping may end sooner)' },
    batch: { type: 'number', describe: `batch size (default ${TRAIN_DEFAULTS.batchSize})` },
    ...BACKEND_OPTION,
    encoder: { choices: ENCODER_CHOICES, describe: 'encoder type (default dense; conv trains on tensorflow and cpu, not wasm)' },
    hidden: { type: 'string', coerce: (text: string) => parseNumberList(text, '--hidden'), describe: `hidden layer sizes (default ${VAE_CONFIG_DEFAULTS.hiddenUnits.join(',')}; the decoder mirrors them)` },
    beta: { type: 'number', describe: `KL weight (default ${VAE_CONFIG_DEFAULTS.beta})` },
    warmup: { type: 'number', describe: `KL warm-up epochs (default ${VAE_CONFIG_DEFAULTS.klWarmupEpochs})` },
    'free-bits': { type: 'number', describe: `free bits per latent dimension, nats (default ${VAE_CONFIG_DEFAULTS.freeBits})` },
    sigma: { type: 'string', coerce: parseSigma, describe: 'decoder noise sigma in normalised units, or "learned" (default)' },
    'learning-rate': { type: 'number', describe: `Adam step size (default ${TRAIN_DEFAULTS.learningRate}, cosine-decayed)` },
    patience: { type: 'number', describe: 'early-stopping patience in epochs (default 50)' },
    split: { type: 'string', coerce: parseSplit, describe: `train,validation,test fractions (default ${DEFAULT_SPLIT.join(',')})` },
    resume: { type: 'boolean', describe: 'continue an interrupted run from its last checkpoint' },
    verbose: { type: 'boolean', describe: 'print every epoch (loss, KL, active units, KL per dimension) instead of a progress bar' },
  },
  examples: [['$0 train --data datasets/osc.arrow --data datasets/switch.arrow --out runs/sim --latent 10 --epochs 200 --batch 64 --seed 1', '']],
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
          latent: a.latent, epochs: a.epochs, batch: a.batch, seed: a.seed, backend: a.backend, encoder: a.encoder, hidden: a.hidden, beta: a.beta,
          warmup: a.warmup, freeBits: a.freeBits, sigma: a.sigma, learningRate: a.learningRate, patience: a.patience, verbose: a.verbose,
        }),
      },
      output,
    );
  },
});
