import { InputError } from '../../errors.js';
import { defineCommand } from '../command.js';
import { defined } from '../options.js';

/** `pipeline slurm [options] -- <command>`: a pipeline command line as a Slurm submission. */
export const slurmCommand = defineCommand({
  command: 'slurm',
  describe: 'run a pipeline command on a Slurm cluster: write sbatch scripts (a sweep: one array task per shard, then a merge) and print or submit them',
  // Everything after `--` is the command to run, untouched by this parser.
  parserConfiguration: { 'populate--': true },
  usage: '$0 slurm [options] -- <pipeline command and its options>',
  options: {
    shards: { type: 'number', describe: 'split a sweep (simulate --samples/--sweep ... --out x.arrow) into this many array tasks, then merge them' },
    dir: { type: 'string', describe: 'folder for the scripts, logs and shard files (default: beside --out: <out>.slurm)' },
    partition: { type: 'string', describe: "Slurm partition (default: the cluster's)" },
    time: { type: 'string', describe: "time limit per task, e.g. 00:20:00 (default: the partition's)" },
    'cpus-per-task': { type: 'number', describe: "CPUs per task (default: the command's --workers; a sweep gets --workers set to match; else 1)" },
    mem: { type: 'string', describe: "memory per task, e.g. 4G (default: the partition's)" },
    account: { type: 'string', describe: 'Slurm account' },
    qos: { type: 'string', describe: 'Slurm QOS' },
    'max-parallel': { type: 'number', describe: 'run at most this many shards at once' },
    'merge-time': { type: 'string', describe: 'time limit of the merge job (default: --time)' },
    'merge-mem': { type: 'string', describe: 'memory of the merge job (default: --mem)' },
    sbatch: { type: 'string', array: true, describe: 'another #SBATCH option, verbatim (repeatable), e.g. --sbatch=--constraint=avx2' },
    setup: { type: 'string', array: true, describe: "a shell line to run first on the node (repeatable), e.g. 'module load nodejs/20'" },
    after: { type: 'string', array: true, describe: 'job id(s) to wait for (afterok), e.g. the sweep a training job reads' },
    node: { type: 'string', describe: 'node binary on the compute nodes (default: the one running this)' },
    check: { type: 'boolean', describe: "run a sweep's first sample here before writing anything (default; --no-check skips it)" },
    submit: { type: 'boolean', describe: 'submit with sbatch (default: print the sbatch commands)' },
  },
  examples: [
    [
      "$0 slurm --shards 64 --partition short --time 00:20:00 -- simulate --network oscillator --samples 1000000 --vary 'parameters.exoVm=200:400' --workers 4 --out datasets/big.arrow",
      '64 tasks of 4 CPUs, then a merge into datasets/big.arrow',
    ],
    [
      '$0 slurm --after 12345 --cpus-per-task 4 --time 02:00:00 --dir runs/big.slurm -- train --data datasets/big.slurm/shards --out runs/big',
      'train on the shards once job 12345 succeeded',
    ],
  ],
  run: async (a, { output }) => {
    const rest: unknown = a['--'];
    if (rest !== undefined && !Array.isArray(rest)) throw new InputError('slurm: give the pipeline command after --');
    const { runSlurm } = await import('../../tasks/slurm.js');
    return runSlurm(
      {
        command: (rest ?? []).map(String),
        check: a.check ?? true,
        submit: a.submit ?? false,
        ...defined({
          shards: a.shards,
          dir: a.dir,
          partition: a.partition,
          time: a.time,
          cpusPerTask: a.cpusPerTask,
          mem: a.mem,
          account: a.account,
          qos: a.qos,
          maxParallel: a.maxParallel,
          mergeTime: a.mergeTime,
          mergeMem: a.mergeMem,
          sbatch: a.sbatch,
          setup: a.setup,
          after: a.after?.map(String),
          node: a.node,
        }),
      },
      output,
    );
  },
});

/** `pipeline slurm-status <dir>`: where a submission stands. */
export const slurmStatusCommand = defineCommand({
  command: 'slurm-status <dir>',
  describe: 'where a `pipeline slurm` submission stands: shards done, running, pending, failed (and why), the merge',
  positionals: { dir: { type: 'string', demandOption: true, describe: 'the folder `pipeline slurm` wrote' } },
  run: async (a, { output }) => {
    const { runSlurmStatus } = await import('../../tasks/slurm.js');
    return runSlurmStatus({ dir: a.dir }, output);
  },
});

/** `pipeline slurm-resubmit <dir>`: rerun only what did not finish. */
export const slurmResubmitCommand = defineCommand({
  command: 'slurm-resubmit <dir>',
  describe: 'rerun only the failed or never-run shards of a `pipeline slurm` submission, then the merge (prints the sbatch commands; --submit submits)',
  positionals: { dir: { type: 'string', demandOption: true, describe: 'the folder `pipeline slurm` wrote' } },
  options: { submit: { type: 'boolean', describe: 'submit with sbatch (default: print the commands)' } },
  run: async (a, { output }) => {
    const { runSlurmResubmit } = await import('../../tasks/slurm.js');
    return runSlurmResubmit({ dir: a.dir, submit: a.submit ?? false }, output);
  },
});
