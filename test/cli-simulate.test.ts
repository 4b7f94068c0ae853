import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';
import { cliText, hasStackTrace, scratchFolder } from './in-process.js';

const scratch = scratchFolder();

describe('pipeline simulate (in process, as the bin runs it)', () => {
  it('prints a summary with the oscillator period and amplitude', async () => {
    const r = await cliText(['simulate', '--network', 'oscillator']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.startsWith('a '))!;
    expect(row).toMatch(/oscillating\s+293\.\d\s+19\.\d+/);
  });

  it('writes a CSV with the reference column names, and every template state with --states', async () => {
    const dir = scratch.fresh();
    const out = join(dir, 'osc.csv');
    const r = await cliText(['simulate', '--network', 'oscillator', '--out', out, '--states', '--t-end', '600', '--step', '2']);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 4)).toEqual(['t', 'a', 'b', 'i']);
    expect(header).toContain('a->a.inhibited');
    expect(header).toContain('b->i.extended');
    expect(lines.length).toBe(302);
    expect(lines[2]!.split(',')[0]).toBe('2');
    expect(readdirSync(dir)).toEqual(['osc.csv']);
  });

  it('writes JSON with the series and the solver statistics', async () => {
    const dir = scratch.fresh();
    const out = join(dir, 'switch.json');
    const r = await cliText(['simulate', '--network', 'switch', '--out', out, '--solver', 'odex']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(doc.solver.name).toBe('odex');
    expect(doc.series.a.at(-1)).toBeCloseTo(57.31, 1);
    expect(doc.stats.rhsCalls).toBeGreaterThan(0);
  });

  it.each([
    ['an invalid network file', ['--network', 'BAD'], /bad\.json: templates\[0\]\.input: unknown strand "i" \(strands: a\)/],
    ['an unknown built-in', ['--network', 'oscilator'], /no built-in network or file of that name \(built-in: oscillator,/],
    ['a bad output extension', ['--network', 'oscillator', '--out', 'OUT.txt'], /expected a \.csv or \.json file name/],
    ['a bad tolerance', ['--network', 'oscillator', '--rtol', '-1', '--out', 'OUT.csv'], /--rtol -1: expected a finite number > 0/],
    ['an unknown option', ['--network', 'oscillator', '--rtoll', '1e-6'], /Unknown argument: rtoll/],
  ])('rejects %s with exit code 2, a clear message, no stack trace and no file', async (_label, args, message) => {
    const dir = scratch.fresh();
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        schemaVersion: 1,
        kind: 'pen',
        name: 'x',
        strands: [{ name: 'a', type: 'signal', K: 1 }],
        templates: [{ input: 'i', output: 'a', concentration: 1 }],
      }),
    );
    const r = await cliText(['simulate', ...args.map((a) => a.replace('BAD', bad).replace('OUT', join(dir, 'out')))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });

  it('reports a numerical failure with exit code 3 and writes nothing', async () => {
    const dir = scratch.fresh();
    const net = join(dir, 'blowup.json');
    // X + X -> 3 X at a huge rate: finite-time blow-up.
    writeFileSync(
      net,
      JSON.stringify({
        schemaVersion: 1,
        kind: 'reactions',
        name: 'blowup',
        species: [{ name: 'X', initial: 10 }],
        reactions: [{ id: 'r', reactants: ['X', 'X'], products: ['X', 'X', 'X'], k: 1 }],
        time: { end: 100, step: 1 },
      }),
    );
    const r = await cliText(['simulate', '--network', net, '--out', join(dir, 'x.csv')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/simulation of .*blowup\.json failed \((non-finite|step-too-small)\).*nothing was written/);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });
});

describe('pipeline networks / validate', () => {
  it('lists every built-in with its description', async () => {
    const r = await cliText(['networks']);
    expect(r.code).toBe(0);
    for (const name of ['oscillator', 'switch', 'amplifier', 'predator-prey', 'oscillator-montagne2011']) expect(r.stdout).toContain(`${name} (`);
    expect(r.stdout).toContain('Montagne et al. 2011');
  });

  it('validates a good file and rejects a bad one with every located problem', async () => {
    expect((await cliText(['validate', 'switch'])).stdout).toMatch(/valid pen network "switch" \(4 strands, 4 templates; 26 state variables/);
    const dir = scratch.fresh();
    const bad = join(dir, 'osc.json');
    const doc = JSON.parse(readFileSync(join(process.cwd(), 'packages/simulator/networks/oscillator.json'), 'utf8'));
    doc.templates[2].inhibitor = 'j';
    doc.strands[0].K = -3;
    writeFileSync(bad, JSON.stringify(doc));
    const r = await cliText(['validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`pipeline: ${bad}: strands[0].K: expected a finite number > 0 (nM), found -3`);
    expect(r.stderr).toContain(`pipeline: ${bad}: templates[2].inhibitor: unknown strand "j" (strands: a, b, i)`);
  });
});

describe('the bin, spawned as a user runs it (end-to-end)', () => {
  // The cases above run `main` in this process; these check what only a real process shows:
  // the bin shim loads the build, results reach stdout, and the exit code and stderr of a
  // refused input and of a numerical failure are the process's own, without a stack trace.
  it('prints the summary and exits 0', () => {
    const r = runCli(['simulate', '--network', 'oscillator']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').find((l) => l.startsWith('a '))).toMatch(/oscillating\s+293\.\d\s+19\.\d+/);
  });

  it('exits 2 on bad input: a clear message, no stack trace, no file', () => {
    const dir = scratch.fresh();
    const r = runCli(['simulate', '--network', 'oscillator', '--rtol', '-1', '--out', join(dir, 'out.csv')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pipeline: --rtol -1: expected a finite number > 0/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('exits 3 on a numerical failure and writes nothing', () => {
    const dir = scratch.fresh();
    const net = join(dir, 'blowup.json');
    writeFileSync(
      net,
      JSON.stringify({
        schemaVersion: 1,
        kind: 'reactions',
        name: 'blowup',
        species: [{ name: 'X', initial: 10 }],
        reactions: [{ id: 'r', reactants: ['X', 'X'], products: ['X', 'X', 'X'], k: 1 }],
        time: { end: 100, step: 1 },
      }),
    );
    const r = runCli(['simulate', '--network', net, '--out', join(dir, 'x.csv')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nothing was written/);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });
});
