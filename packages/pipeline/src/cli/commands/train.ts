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
        .option('epochs', { type: 'number', default: 200, describe: 'maximum epochs (early stopping may end sooner)' })
        .option('batch', { type: 'number', default: 64, describe: 'batch size' })
        .option('backend', { choices: ['auto', 'tensorflow', 'wasm', 'cpu'] as const, default: 'auto' as const, describe: 'TensorFlow.js backend (auto: tfjs-node, else wasm, else cpu)' })
        .option('encoder', { choices: ['dense', 'conv'] as const, default: 'dense' as const, describe: 'encoder type (conv trains on tensorflow and cpu, not wasm)' })
        .option('hidden', { type: 'string', describe: 'hidden layer sizes, e.g. 256,128 (decoder mirrors)' })
        .option('beta', { type: 'number', describe: 'KL weight (default 1)' })
        .option('warmup', { type: 'number', describe: 'KL warm-up epochs (default 10)' })
        .option('free-bits', { type: 'number', describe: 'free bits per latent dimension, nats (default 0)' })
        .option('sigma', { type: 'string', describe: 'decoder noise sigma in normalised units, or "learned" (default)' })
        .option('learning-rate', { type: 'number', describe: 'Adam step size (default 0.002, cosine-decayed)' })
        .option('patience', { type: 'number', describe: 'early-stopping patience in epochs (default 50)' })
        .option('split', { type: 'string', default: '0.8,0.1,0.1', describe: 'train,validation,test fractions' })
        .option('resume', { type: 'boolean', default: false, describe: 'continue an interrupted run from its last checkpoint' })
        .example('$0 train --data datasets/osc.arrow --data datasets/switch.arrow --out runs/sim --latent 10 --epochs 200 --batch 64 --seed 1', ''),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      let sigma: number | 'learned' | undefined;
      if (a.sigma !== undefined) {
        sigma = a.sigma === 'learned' ? 'learned' : Number(a.sigma);
        if (sigma !== 'learned' && !(sigma > 0)) throw new InputError(`--sigma ${String(a.sigma)}: expected a number > 0 or "learned"`);
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
            epochs: a.epochs as number | undefined,
            batch: a.batch as number | undefined,
            seed: a.seed as number | undefined,
            backend: a.backend as 'auto' | 'tensorflow' | 'wasm' | 'cpu' | undefined,
            encoder: a.encoder as 'dense' | 'conv' | undefined,
            hidden: parseList(a.hidden as string | undefined, 'hidden'),
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
