import type { EpochLog } from '@penvae/vae';
import { describe, expect, it } from 'vitest';
import { captureOutput, type Output } from '../io/output.js';
import { TrainProgress } from './train-progress.js';

const log = (epoch: number): EpochLog =>
  ({
    epoch,
    loss: 100 / epoch,
    recon: 90 / epoch,
    kl: 10,
    beta: 1,
    valLoss: 110 / epoch,
    activeUnits: 2,
    klPerDim: [5, 5],
    sigma: 0.1,
    seconds: 0.01,
    learningRate: 0.002,
    valRecon: null,
    valKl: null,
  }) as unknown as EpochLog;

describe('training progress', () => {
  it('in a log: the latest numbers at most every interval, and the last epoch', () => {
    const output = captureOutput();
    const progress = new TrainProgress(output, 50, 2, false, 60_000);
    for (let e = 1; e <= 30; e++) progress.epoch(log(e));
    progress.finish(); // stopped early at 30
    expect(output.errors).toHaveLength(2);
    expect(output.errors[0]).toMatch(/^train \[\.+\] epoch 1\/50 \| loss 100 val 110 recon 90 kl 10 active 2\/2 sigma 0\.1 ETA /);
    expect(output.errors[1]).toMatch(/^train \[#{12}\.{8}\] epoch 30\/50 \| loss 3\.333 /);
  });

  it("--verbose: every epoch's full line", () => {
    const output = captureOutput();
    const progress = new TrainProgress(output, 5, 2, true);
    for (let e = 1; e <= 5; e++) progress.epoch(log(e));
    progress.finish();
    expect(output.errors).toHaveLength(5);
    expect(output.errors[4]).toMatch(/^epoch 5\/5 {2}loss 20 {2}recon 18 {2}kl 10 \(beta 1\) {2}val 22 {2}active 2\/2 {2}sigma 0\.1 .* kl\/dim 5\.00 5\.00$/);
  });

  it('on a terminal: one line redrawn per batch and epoch, a newline at the end', () => {
    const lines: string[] = [];
    const output: Output = { ...captureOutput(), isTTY: true, status: (l) => void lines.push(l), err: (l) => void lines.push(`err:${l}`) };
    const progress = new TrainProgress(output, 2, 2);
    progress.batch({ epoch: 1, batch: 1, batches: 2, loss: 5 } as Parameters<TrainProgress['batch']>[0]);
    progress.epoch(log(1));
    progress.epoch(log(2));
    progress.finish();
    expect(lines[0]).toMatch(/^train \[#{5}\.{15}\] epoch 0\/2 batch 1\/2 loss 5/);
    expect(lines.at(-2)).toMatch(/^train \[#{20}\] epoch 2\/2 \| loss 50 /);
    expect(lines.at(-1)).toBe('err:');
  });
});
