import type { Argv, CommandModule } from 'yargs';
import type { Output } from '../../io/output.js';
import { defined } from '../options.js';

/** `pipeline slurm [options] -- <command>`: a pipeline command line as a Slurm submission. */
export function slurmCommand(output: Output): CommandModule {
  return {
    command: 'slurm',
    describe: 'run a pipeline command on a Slurm cluster: write sbatch scripts (a sweep: one array task per shard, then a merge) and print or submit them',
    builder: (y: Argv) =>
      y
        // Everything after `--` is the command to run, untouched by this parser.
        .parserConfiguration({ 'populate--': true })
        .usage('$0 slurm [options] -- <pipeline command and its options>')
        .option('shards', { type: 'number', describe: 'split a sweep (simulate --samples/--sweep ... --out x.arrow) into this many array tasks, then merge them' })
        .option('dir', { type: 'string', describe: 'folder for the scripts, logs and shard files (default: beside --out: <out>.slurm)' })
        .option('partition', { type: 'string', describe: 'Slurm partition (default: the cluster\'s)' })
        .option('time', { type: 'string', describe: 'time limit per task, e.g. 00:20:00 (default: the partition\'s)' })
        .option('cpus-per-task', { type: 'number', describe: 'CPUs per task (default: the command\'s --workers; a sweep gets --workers set to match; else 1)' })
        .option('mem', { type: 'string', describe: 'memory per task, e.g. 4G (default: the partition\'s)' })
        .option('account', { type: 'string', describe: 'Slurm account' })
        .option('qos', { type: 'string', describe: 'Slurm QOS' })
        .option('max-parallel', { type: 'number', describe: 'run at most this many shards at once' })
        .option('merge-time', { type: 'string', describe: 'time limit of the merge job (default: --time)' })
        .option('merge-mem', { type: 'string', describe: 'memory of the merge job (default: --mem)' })
        .option('sbatch', { type: 'string', array: true, describe: 'another #SBATCH option, verbatim (repeatable), e.g. --sbatch=--constraint=avx2' })
        .option('setup', { type: 'string', array: true, describe: "a shell line to run first on the node (repeatable), e.g. 'module load nodejs/20'" })
        .option('after', { type: 'string', array: true, describe: 'job id(s) to wait for (afterok), e.g. the sweep a training job reads' })
        .option('node', { type: 'string', describe: 'node binary on the compute nodes (default: the one running this)' })
        .option('check', { type: 'boolean', default: true, describe: "run a sweep's first sample here before writing anything (--no-check skips it)" })
        .option('submit', { type: 'boolean', default: false, describe: 'submit with sbatch (default: print the sbatch commands)' })
        .example("$0 slurm --shards 64 --partition short --time 00:20:00 -- simulate --network oscillator --samples 1000000 --vary 'parameters.exoVm=200:400' --workers 4 --out datasets/big.arrow", '64 tasks of 4 CPUs, then a merge into datasets/big.arrow')
        .example('$0 slurm --after 12345 --cpus-per-task 4 --time 02:00:00 --dir runs/big.slurm -- train --data datasets/big.slurm/shards --out runs/big', 'train on the shards once job 12345 succeeded'),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runSlurm } = await import('../../tasks/slurm.js');
      await runSlurm(
        {
          command: ((a['--'] as unknown[] | undefined) ?? []).map(String),
          ...defined({
            shards: a.shards as number | undefined,
            dir: a.dir as string | undefined,
            partition: a.partition as string | undefined,
            time: a.time as string | undefined,
            cpusPerTask: a.cpusPerTask as number | undefined,
            mem: a.mem as string | undefined,
            account: a.account as string | undefined,
            qos: a.qos as string | undefined,
            maxParallel: a.maxParallel as number | undefined,
            mergeTime: a.mergeTime as string | undefined,
            mergeMem: a.mergeMem as string | undefined,
            sbatch: a.sbatch as string[] | undefined,
            setup: a.setup as string[] | undefined,
            after: (a.after as unknown[] | undefined)?.map(String),
            node: a.node as string | undefined,
          }),
          check: Boolean(a.check),
          submit: Boolean(a.submit),
        },
        output,
      );
    },
  };
}

/** `pipeline slurm-status <dir>`: where a submission stands. */
export function slurmStatusCommand(output: Output): CommandModule {
  return {
    command: 'slurm-status <dir>',
    describe: 'where a `pipeline slurm` submission stands: shards done, running, pending, failed (and why), the merge',
    builder: (y: Argv) => y.positional('dir', { type: 'string', describe: 'the folder `pipeline slurm` wrote' }),
    handler: async (argv) => {
      const { runSlurmStatus } = await import('../../tasks/slurm.js');
      await runSlurmStatus({ dir: (argv as Record<string, unknown>).dir as string }, output);
    },
  };
}

/** `pipeline slurm-resubmit <dir>`: rerun only what did not finish. */
export function slurmResubmitCommand(output: Output): CommandModule {
  return {
    command: 'slurm-resubmit <dir>',
    describe: 'rerun only the failed or never-run shards of a `pipeline slurm` submission, then the merge (prints the sbatch commands; --submit submits)',
    builder: (y: Argv) =>
      y
        .positional('dir', { type: 'string', describe: 'the folder `pipeline slurm` wrote' })
        .option('submit', { type: 'boolean', default: false, describe: 'submit with sbatch (default: print the commands)' }),
    handler: async (argv) => {
      const a = argv as Record<string, unknown>;
      const { runSlurmResubmit } = await import('../../tasks/slurm.js');
      await runSlurmResubmit({ dir: a.dir as string, submit: Boolean(a.submit) }, output);
    },
  };
}
