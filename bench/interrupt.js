// @ts-check
// Ctrl-C latency: how long each long-running command takes to exit after SIGINT, as a user
// sees it (the built CLI in a child process), and that it exits 130 leaving nothing under its
// output's name. Target (issue 9): every long command answers Ctrl-C within a second.
//
//   node bench/interrupt.js [--quick] [--repeats N]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { argument, loadAverage, PIPELINE_BIN as CLI } from './common.js';

if (!existsSync(join(dirname(CLI), '../dist/cli/process.js'))) throw new Error('build first: npx tsc -b');
const quick = process.argv.includes('--quick');
const repeatsArg = argument('--repeats');
const REPEATS = repeatsArg !== undefined ? Number(repeatsArg) : quick ? 2 : 5;

const dir = mkdtempSync(join(tmpdir(), 'penvae-bench-interrupt-'));
const run = (/** @type {string[]} */ args) => {
  const r = spawnSync(process.execPath, [CLI, ...args, '--quiet'], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pipeline ${args.join(' ')}: ${r.stderr}`);
};
// A dataset and a trained run to interrupt training and compare on.
run(['baseline', '--samples', '2000', '--length', '128', '--seed', '1', '--out', 'base.arrow']);
run(['train', '--data', 'base.arrow', '--out', 'run', '--epochs', '3', '--latent', '4']);

/** @typedef {{ name: string, args: string[], when: RegExp }} Case */

/** Each command, the stderr line after which it is interrupted (it is then really working), and its output. @type {Case[]} */
const CASES = [
  {
    name: 'sweep, --workers 0',
    args: ['simulate', '--network', 'oscillator', '--samples', '5000', '--vary', 'parameters.exoVm=200:400', '--workers', '0', '--out', 'OUT.arrow'],
    when: /simulate oscillator \[.*\] [1-9]\d*\/5000/,
  },
  {
    name: 'sweep, --workers 2',
    args: ['simulate', '--network', 'oscillator', '--samples', '5000', '--vary', 'parameters.exoVm=200:400', '--workers', '2', '--out', 'OUT.arrow'],
    when: /simulate oscillator \[.*\] [1-9]\d*\/5000/,
  },
  { name: 'baseline 2 000 000', args: ['baseline', '--samples', '2000000', '--out', 'OUT.arrow'], when: /^baseline \[/m },
  { name: 'train (1000 epochs)', args: ['train', '--data', 'base.arrow', '--out', 'OUT', '--epochs', '1000', '--verbose'], when: /^epoch 2\/1000/m },
  { name: 'compare (while evaluating)', args: ['compare', '--run', 'run', '--out', 'OUT'], when: /^evaluating/m },
  { name: 'compare (while rendering)', args: ['compare', '--run', 'run', '--out', 'OUT'], when: /^rendering/m },
];

/**
 * Starts one case, sends SIGINT when `when` shows, and returns ms from SIGINT to exit, the exit code and what is left.
 * @param {Case} c
 * @param {number} i
 * @returns {Promise<{ ms: number, code: number | null, leftover: string[] }>}
 */
function interruptOnce(c, i) {
  const out = `out-${i}`;
  const args = c.args.map((a) => a.replace('OUT', out));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let sentAt = 0;
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk.toString();
      if (!sentAt && c.when.test(stderr)) {
        sentAt = performance.now();
        child.kill('SIGINT');
      }
    });
    child.on('exit', (code) => {
      const ms = sentAt ? performance.now() - sentAt : NaN;
      const left = readdirSync(dir).filter((f) => f === `${out}.arrow` || f === out || f.startsWith(`.${out}`));
      // A training run keeps its folder (run.json + checkpoint) for --resume, but no model.
      const leftover = c.name.startsWith('train') ? left.filter(() => existsSync(join(dir, out, 'model'))) : left;
      resolve({ ms, code, leftover });
      rmSync(join(dir, out), { recursive: true, force: true });
    });
  });
}

const rows = [];
for (const c of CASES) {
  const times = [];
  const problems = [];
  for (let i = 0; i < REPEATS; i++) {
    const r = await interruptOnce(c, rows.length * 100 + i);
    times.push(r.ms);
    if (r.code !== 130) problems.push(`exit ${r.code}`);
    if (r.leftover.length) problems.push(`left ${r.leftover.join(',')}`);
  }
  times.sort((a, b) => a - b);
  rows.push({
    command: c.name,
    medianMs: Math.round(times[Math.floor(times.length / 2)] ?? NaN),
    maxMs: Math.round(times.at(-1) ?? NaN),
    runs: REPEATS,
    problems: [...new Set(problems)],
  });
}
rmSync(dir, { recursive: true, force: true });

console.log(`Ctrl-C latency (SIGINT -> exit), ${REPEATS} runs each; load average ${loadAverage()}`);
console.log(`${'command'.padEnd(28)} ${'median ms'.padStart(10)} ${'max ms'.padStart(8)}  exit 130 and nothing left`);
for (const r of rows)
  console.log(
    `${r.command.padEnd(28)} ${String(r.medianMs).padStart(10)} ${String(r.maxMs).padStart(8)}  ${r.problems.length ? r.problems.join('; ') : 'yes'}`,
  );
const worst = Math.max(...rows.map((r) => r.maxMs));
console.log(JSON.stringify({ repeats: REPEATS, worstMs: worst, withinOneSecond: worst < 1000, rows }));
process.exitCode = rows.some((r) => r.problems.length) ? 1 : 0;
