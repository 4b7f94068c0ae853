/**
 * A real single-node Slurm cluster for tests: munged, slurmctld and slurmd started on this host
 * from a temporary folder (key, sockets, state, spool, logs and slurm.conf all live there),
 * stopped by PID. Nothing is written outside the folder, and it is removed at the end.
 * `.ci/run` installs the packages (slurm-wlm, munge); this module only starts daemons.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running cluster. */
export interface LocalSlurm {
  /** Its folder (slurm.conf, logs, state). */
  dir: string;
  /** Environment for Slurm's client commands (SLURM_CONF). */
  env: Record<string, string>;
  /** Cancels every job, stops the daemons (by PID) and removes the folder. */
  stop(): Promise<void>;
}

const SEARCH_PATH = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];

function findProgram(name: string): string | undefined {
  return SEARCH_PATH.map((d) => join(d, name)).find((p) => existsSync(p));
}

const PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scancel'] as const;

/** Why a local cluster cannot be started here (missing programs, not root), or undefined. */
function slurmUnavailable(): string | undefined {
  const missing = PROGRAMS.filter((p) => !findProgram(p));
  if (missing.length) return `${missing.join(', ')} not installed (.ci/run installs slurm-wlm and munge with apt; here: apt-get install -y slurm-wlm munge)`;
  if (process.getuid?.() !== 0) return 'the test cluster runs its daemons as root, and this is not root';
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it holds. @throws after timeoutMs, naming `what` */
export async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

/** Stops a daemon we started: SIGTERM, then SIGKILL after 10 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function startOnce(): Promise<LocalSlurm> {
  const dir = mkdtempSync(join(tmpdir(), 'penvae-slurm-'));
  // munged wants its socket's folder (and the ones above) traversable by everyone.
  chmodSync(dir, 0o755);
  for (const sub of ['munge', 'state', 'spool', 'log']) mkdirSync(join(dir, sub), { mode: 0o755 });
  const key = join(dir, 'munge', 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o400 });
  const socket = join(dir, 'munge', 'munge.sock');
  const children: ChildProcess[] = [];
  const conf = join(dir, 'slurm.conf');
  const env = { SLURM_CONF: conf };
  // In the foreground (-F, -D), so that the PIDs we hold are the daemons'; they log to files.
  const start = (program: string, args: string[]) => {
    const child = spawn(findProgram(program)!, args, { stdio: 'ignore', env: { ...process.env, ...env } });
    children.push(child);
    child.on('error', () => undefined);
  };
  const stopAll = async () => {
    for (const child of [...children].reverse()) await stopChild(child);
  };
  try {
    const munge = [
      '--key-file',
      key,
      '--socket',
      socket,
      '--pid-file',
      join(dir, 'munge', 'munged.pid'),
      '--log-file',
      join(dir, 'log', 'munged.log'),
      '--seed-file',
      join(dir, 'munge', 'munged.seed'),
    ];
    start('munged', ['-F', ...munge]);
    await waitFor('munged to create its socket', () => existsSync(socket), 10_000).catch((e: Error) => {
      throw new Error(`${e.message}\n${tail(join(dir, 'log', 'munged.log'))}`);
    });
    const node = hostname().split('.')[0]!;
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    writeFileSync(
      conf,
      [
        'ClusterName=penvae-test',
        `SlurmctldHost=${node}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SwitchType=switch/none',
        'MpiDefault=none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'SchedulerType=sched/backfill',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_CPU',
        'ReturnToService=2',
        // The node is this machine whatever its core count: use the 2 CPUs declared here.
        'SlurmdParameters=config_overrides',
        'MinJobAge=600',
        'KillWait=2',
        `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN`,
        `PartitionName=debug Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'),
    );
    start('slurmctld', ['-D', '-f', conf]);
    start('slurmd', ['-D', '-f', conf, '-N', node]);
    const sinfo = findProgram('sinfo')!;
    await waitFor(
      'the node to become idle',
      () => {
        if (children.some((c) => c.exitCode !== null)) throw new Error('a daemon exited');
        const r = spawnSync(sinfo, ['-h', '-n', node, '-o', '%T'], { encoding: 'utf8', env: { ...process.env, ...env } });
        return r.status === 0 && r.stdout.trim() === 'idle';
      },
      30_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nslurmctld: ${tail(join(dir, 'log', 'slurmctld.log'))}\nslurmd: ${tail(join(dir, 'log', 'slurmd.log'))}`);
    });
    return {
      dir,
      env,
      stop: async () => {
        // Cancel what is left (this cluster's jobs only: SLURM_CONF), let slurmd end the steps.
        spawnSync(findProgram('scancel')!, ['--full', '-u', 'root'], { env: { ...process.env, ...env } });
        const squeue = findProgram('squeue')!;
        await waitFor(
          'the queue to empty',
          () => spawnSync(squeue, ['-h'], { encoding: 'utf8', env: { ...process.env, ...env } }).stdout.trim() === '',
          20_000,
        ).catch(() => undefined);
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Starts a local cluster (twice at most: a port taken between choosing and binding, or a slow
 * start, should not fail a test run for reasons that are not ours).
 * @returns the cluster, or why it could not start
 */
export async function startLocalSlurm(): Promise<LocalSlurm | { unavailable: string }> {
  const missing = slurmUnavailable();
  if (missing) return { unavailable: missing };
  let last = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  return { unavailable: `the local Slurm daemons did not start (twice): ${last}` };
}
